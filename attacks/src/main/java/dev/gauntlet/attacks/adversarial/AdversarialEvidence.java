package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Encoding;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Evidence shared by the adversarial checks: fragile rows, image triplets, CSV export. */
final class AdversarialEvidence {
  private AdversarialEvidence() {}

  /**
   * One attacked row worth showing or exporting: where the attack ended (in encoded units), the
   * model's decision and class probabilities there, and whether the attack reached its goal.
   */
  record Example(int row, double eps, double[] adversarial, int cleanDecision, int adversarialDecision, double[] adversarialProbabilities,
      boolean success) {}

  /**
   * Why a trial at {@code eps} is vacuous, or null when it is not: when the ball around every
   * attacked row holds no valid point but the row itself (every mutable feature integer, binary or
   * categorical and its smallest change larger than eps, or no feature mutable), the attack cannot
   * change any input, and a robust accuracy equal to the clean one says nothing.
   */
  static String vacuous(AttackData d, boolean[] attacked, double eps, Norm norm) {
    int tried = 0;
    for (int i = 0; i < d.size(); i++) {
      if (attacked == null || attacked[i]) {
        tried++;
        if (d.space.canMove(d.x0[i], eps, norm)) {
          return null;
        }
      }
    }
    if (tried == 0) {
      return null;
    }
    double smallest = d.space.smallestChange(norm);
    return "nothing could be perturbed within eps " + fmt(eps) + " (" + norm.label() + "): "
        + (Double.isInfinite(smallest) ? "no feature is mutable"
            : "every mutable feature is integer, binary or categorical and its smallest change (" + fmt(smallest) + " in encoded units) does not fit in the ball")
        + ", so the attack left all " + tried + " attacked rows unchanged";
  }

  static String fmt(double v) {
    return MetricCondition.fmt(v);
  }

  /** The feature changes of an example in original units, e.g. {@code income: 52000 -> 48000}. */
  static String changes(Encoder encoder, double[] x0, double[] adv) {
    List<String> out = new ArrayList<>();
    for (ColumnSpec c : encoder.features()) {
      if (c.encoding() instanceof Encoding.Excluded) {
        continue;
      }
      String a = encoder.decode(x0, c);
      String b = encoder.decode(adv, c);
      if (!a.equals(b)) {
        out.add(c.name() + ": " + a + " -> " + b);
      }
    }
    if (out.isEmpty()) {
      return "(changes below display precision)";
    }
    if (out.size() > 8) {
      int more = out.size() - 8;
      out = new ArrayList<>(out.subList(0, 8));
      out.add("... " + more + " more");
    }
    return String.join("; ", out);
  }

  /** A table of the most fragile rows with the changes that flipped them. */
  static Evidence.Table fragileTable(String title, AttackData d, Encoder encoder, List<Example> examples, int limit, String epsColumn) {
    List<String> cols = List.of("row", "label", "clean decision", "adversarial decision", epsColumn, "changes (original -> adversarial)");
    List<List<String>> rows = new ArrayList<>();
    for (int k = 0; k < Math.min(limit, examples.size()); k++) {
      Example e = examples.get(k);
      rows.add(List.of(
          d.table.rowLabel(e.row()),
          d.labels == null ? "-" : d.classes.get(d.labels[e.row()]),
          d.classes.get(e.cleanDecision()) + " (" + fmt(d.clean[e.row()][e.cleanDecision()]) + ")",
          d.classes.get(e.adversarialDecision()),
          fmt(e.eps()),
          changes(encoder, d.x0[e.row()], e.adversarial())));
    }
    return new Evidence.Table(title, cols, rows, Math.max(0, examples.size() - limit), List.of());
  }

  /** Image width and height when the inputs are images: given, or a square of equal-range numeric inputs (64 or more). */
  static int[] imageShape(int[] given, InputSpace space) {
    if (given != null) {
      if (given[0] * given[1] != space.width()) {
        throw new UsageException("imageShape " + given[0] + "x" + given[1] + " has " + given[0] * given[1]
            + " pixels but the model has " + space.width() + " inputs");
      }
      return given;
    }
    int w = space.width();
    int side = (int) Math.round(Math.sqrt(w));
    if (w < 64 || side * side != w) {
      return null;
    }
    for (int d = 0; d < w; d++) {
      if (space.group(d) >= 0 || !Double.isFinite(space.lower(d)) || !Double.isFinite(space.upper(d))
          || space.lower(d) != space.lower(0) || space.upper(d) != space.upper(0)) {
        return null;
      }
    }
    return new int[] {side, side};
  }

  /** Original, perturbation and adversarial image for each example (pixels mapped to [0, 1] by the range). */
  static Evidence.Images images(String title, int[] shape, AttackData d, List<Example> examples, int limit) {
    List<Evidence.Image> imgs = new ArrayList<>();
    double lo = d.space.lower(0);
    double span = d.space.upper(0) - lo;
    for (int k = 0; k < Math.min(limit, examples.size()); k++) {
      Example e = examples.get(k);
      double[] x0 = d.x0[e.row()];
      List<Double> orig = new ArrayList<>();
      List<Double> delta = new ArrayList<>();
      List<Double> adv = new ArrayList<>();
      for (int j = 0; j < x0.length; j++) {
        orig.add((x0[j] - lo) / span);
        delta.add(e.adversarial()[j] - x0[j]);
        adv.add((e.adversarial()[j] - lo) / span);
      }
      String row = d.table.rowLabel(e.row());
      imgs.add(new Evidence.Image(row + ": original, " + d.classes.get(e.cleanDecision()), orig, false));
      imgs.add(new Evidence.Image(row + ": perturbation, eps " + fmt(e.eps()), delta, true));
      imgs.add(new Evidence.Image(row + ": adversarial, " + d.classes.get(e.adversarialDecision()), adv, false));
    }
    return new Evidence.Images(title, shape[0], shape[1], imgs);
  }

  /**
   * Writes every attacked row as CSV to the run's output directory, through a temporary file: row
   * id, true label, clean prediction and its probability, adversarial prediction and its
   * probability, whether the decision flipped and whether the attack reached its goal, epsilon,
   * attack, then each feature in the schema's units: a mutable feature as its clean and adversarial
   * value ({@code clean_<name>}, {@code adversarial_<name>}), an immutable one once. Numbers are
   * written at full precision ({@link Double#toString}); fields are quoted as RFC 4180 says, and a
   * text field that a spreadsheet would run as a formula is neutralized ({@link #csvText}). Returns
   * a note saying where, or why nothing was written.
   */
  static Evidence.Note export(CheckContext ctx, String fileName, String attack, AttackData d, List<Example> examples) {
    if (ctx.isBaseline()) {
      return null;
    }
    if (ctx.outputDir().isEmpty()) {
      return new Evidence.Note("Adversarial examples not exported", "The run has no output directory, so " + fileName + " was not written.");
    }
    Encoder enc = ctx.encoder();
    Path target = ctx.outputDir().get().resolve(fileName);
    int flipped = 0;
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), fileName, ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        List<ColumnSpec> features = new ArrayList<>();
        for (ColumnSpec c : enc.features()) {
          if (!(c.encoding() instanceof Encoding.Excluded)) {
            features.add(c);
          }
        }
        List<String> header = new ArrayList<>(List.of("row", "label", "clean_prediction", "clean_probability", "adversarial_prediction",
            "adversarial_probability", "flipped", "attack_success", "epsilon", "attack"));
        for (ColumnSpec c : features) {
          if (mutable(enc, c)) {
            header.add("clean_" + c.name());
            header.add("adversarial_" + c.name());
          } else {
            header.add(c.name());
          }
        }
        List<String> cells = new ArrayList<>();
        for (String h : header) {
          cells.add(csvText(h));
        }
        w.write(csvLine(cells));
        for (Example e : examples) {
          double[] x0 = d.x0[e.row()];
          boolean flip = e.adversarialDecision() != e.cleanDecision();
          flipped += flip ? 1 : 0;
          cells.clear();
          cells.add(csvText(d.table.rowLabel(e.row())));
          cells.add(d.labels == null ? "" : csvText(d.classes.get(d.labels[e.row()])));
          cells.add(csvText(d.classes.get(e.cleanDecision())));
          cells.add(csvNumber(d.clean[e.row()][e.cleanDecision()]));
          cells.add(csvText(d.classes.get(e.adversarialDecision())));
          cells.add(csvNumber(e.adversarialProbabilities()[e.adversarialDecision()]));
          cells.add(flip ? "yes" : "no");
          cells.add(e.success() ? "yes" : "no");
          cells.add(csvNumber(e.eps()));
          cells.add(csvText(attack));
          for (ColumnSpec c : features) {
            cells.add(decodeCell(enc, x0, c));
            if (mutable(enc, c)) {
              cells.add(decodeCell(enc, e.adversarial(), c));
            }
          }
          w.write(csvLine(cells));
        }
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UsageException(target + ": cannot write adversarial examples: " + e.getMessage(), e);
    }
    return new Evidence.Note("Adversarial examples exported", examples.size() + " attacked rows (" + flipped + " flipped) written to "
        + target.getFileName() + " beside this report (row, label, clean and adversarial prediction with probability, flipped, epsilon, "
        + "attack, each mutable feature's clean and adversarial value in original units, at full precision), for adversarial training.");
  }

  /** Whether an attack may change the column (any of its encoded inputs is mutable). */
  private static boolean mutable(Encoder enc, ColumnSpec c) {
    for (Encoder.Dim dim : enc.dims()) {
      if (dim.column().name().equals(c.name()) && dim.mutable()) {
        return true;
      }
    }
    return false;
  }

  /**
   * One feature of an encoded row as a CSV cell in the schema's units: a scaled numeric feature
   * inverted without rounding and written by {@link Double#toString} (so that
   * {@code Double.parseDouble} gives the value back exactly), a category by its name.
   */
  static String decodeCell(Encoder enc, double[] row, ColumnSpec c) {
    if (c.encoding() instanceof Encoding.Scaled s) {
      for (Encoder.Dim dim : enc.dims()) {
        if (dim.column().name().equals(c.name())) {
          return csvNumber(s.invert(row[dim.index()]));
        }
      }
    }
    return csvText(enc.decode(row, c));
  }

  /** A number cell: {@link Double#toString}, never neutralized (a leading minus sign is a sign). */
  static String csvNumber(double v) {
    return Double.toString(v);
  }

  /**
   * A text cell, RFC 4180 quoted when needed, and neutralized against spreadsheet formula
   * injection: a value starting with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage
   * return gets a leading single quote, unless the whole value is a plain decimal number.
   */
  static String csvText(String v) {
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 && !PLAIN_NUMBER.matcher(v).matches()) {
      v = "'" + v;
    }
    return quote(v);
  }

  private static final java.util.regex.Pattern PLAIN_NUMBER = java.util.regex.Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

  /** RFC 4180: a field holding a comma, a double quote, CR or LF is quoted, its quotes doubled. */
  private static String quote(String v) {
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
      return v;
    }
    return '"' + v.replace("\"", "\"\"") + '"';
  }

  /** One CSV record of already-escaped cells, ended by CRLF (RFC 4180). */
  private static String csvLine(List<String> cells) {
    return String.join(",", cells) + "\r\n";
  }

  /** How the attack treated discrete and immutable features, for the report. */
  static Evidence.Note handling(InputSpace space) {
    java.util.Set<String> immutable = new java.util.LinkedHashSet<>();
    for (int d = 0; d < space.width(); d++) {
      if (!space.mutable(d)) {
        String name = space.name(d);
        immutable.add(space.group(d) >= 0 && name.contains("=") ? name.substring(0, name.indexOf('=')) : name);
      }
    }
    return new Evidence.Note("How the attack treats features",
        "Attacks run in the encoded input space and every evaluated point is valid: inside the epsilon ball, inside each feature's "
            + "schema range, immutable features unchanged" + (immutable.isEmpty() ? "" : " (" + String.join(", ", immutable) + ")")
            + ". Integer and ordinal features are rounded towards their clean value to whole units; a one-hot category changes only "
            + "when the change fits in the ball (cost 1 under L-infinity, 1.414 under L2), else it keeps its clean category. "
            + "Epsilon is in encoded units (after each feature's scaling).");
  }
}

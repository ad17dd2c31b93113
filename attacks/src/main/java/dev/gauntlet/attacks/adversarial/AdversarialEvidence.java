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
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Evidence shared by the adversarial checks: fragile rows, image triplets, CSV export. */
final class AdversarialEvidence {
  private AdversarialEvidence() {}

  /** One adversarial example worth showing or exporting. */
  record Example(int row, double eps, double[] adversarial, int cleanDecision, int adversarialDecision) {}

  /** {@code eps=0.05}: the subject of per-epsilon measurements, as written in YAML. */
  static String epsSubject(double eps) {
    return "eps=" + BigDecimal.valueOf(eps).stripTrailingZeros().toPlainString();
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
   * Writes examples as CSV (row id, epsilon, attack, original and new prediction, label, every
   * feature in original units) to the run's output directory, through a temporary file. Returns a
   * note saying where, or why nothing was written.
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
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), fileName, ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        List<String> header = new ArrayList<>(List.of("row", "epsilon", "attack", "original_prediction", "adversarial_prediction", "label"));
        for (ColumnSpec c : enc.features()) {
          header.add(c.name());
        }
        w.write(csvLine(header));
        for (Example e : examples) {
          List<String> cells = new ArrayList<>();
          cells.add(d.table.rowLabel(e.row()));
          cells.add(BigDecimal.valueOf(e.eps()).stripTrailingZeros().toPlainString());
          cells.add(attack);
          cells.add(d.classes.get(e.cleanDecision()));
          cells.add(d.classes.get(e.adversarialDecision()));
          cells.add(d.labels == null ? "" : d.classes.get(d.labels[e.row()]));
          for (ColumnSpec c : enc.features()) {
            cells.add(enc.decode(e.adversarial(), c));
          }
          w.write(csvLine(cells));
        }
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UsageException(target + ": cannot write adversarial examples: " + e.getMessage(), e);
    }
    return new Evidence.Note("Adversarial examples exported", examples.size() + " adversarial examples written to "
        + target.getFileName() + " beside this report (row, epsilon, attack, original and adversarial prediction, label, features in original units), for adversarial training.");
  }

  private static String csvLine(List<String> cells) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      if (i > 0) {
        sb.append(',');
      }
      if (c.contains(",") || c.contains("\"") || c.contains("\n")) {
        sb.append('"').append(c.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(c);
      }
    }
    return sb.append('\n').toString();
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

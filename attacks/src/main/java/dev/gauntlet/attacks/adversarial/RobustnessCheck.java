package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.attacks.adversarial.AdversarialEvidence.Example;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.stats.Intervals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Robust accuracy against epsilon: the share of sampled rows that the model classifies correctly
 * and still classifies correctly after the attack, for each epsilon of a sweep (the robustness
 * curve), with the attack's success rate and perturbation sizes, the same for comparison attacks
 * (e.g. FGSM and the noise baseline), and robust accuracy per protected group.
 *
 * <p>Measurements: {@code clean_accuracy}; per epsilon (subject {@code eps=0.05}):
 * {@code robust_accuracy}, {@code attack_success_rate} (broken rows among the correctly classified
 * rows attacked), {@code mean_perturbation} and {@code max_perturbation} (norm of the successful
 * perturbations); per comparison attack {@code robust_accuracy_<kind>_<norm>}; per group
 * {@code group_clean_accuracy} (subject {@code sex=F}), {@code group_robust_accuracy} (subject
 * {@code sex=F eps=0.05}) and {@code robust_accuracy_gap} (subject {@code sex eps=0.05}: highest minus
 * lowest group). Groups smaller than {@code minGroupSize} are inconclusive.
 *
 * @param attack the attack that conditions judge
 * @param compare further attacks drawn on the same curve (e.g. FGSM, noise)
 * @param epsilons the sweep, each positive, in encoded units of the attack's norm
 * @param maxRows rows attacked at most (a seeded sample when the data has more)
 * @param groups group columns (empty: every categorical protected attribute)
 * @param minGroupSize groups with fewer sampled rows are inconclusive
 * @param fragileRows how many fragile rows the evidence lists
 * @param export a CSV file name in the output directory for the adversarial examples, or null
 * @param imageShape {width, height} when inputs are images, or null to detect square images
 */
public record RobustnessCheck(AttackSpec attack, List<AttackSpec> compare, double[] epsilons, int maxRows, List<String> groups,
    int minGroupSize, int fragileRows, String export, int[] imageShape) implements Check<CheckValue> {

  public RobustnessCheck {
    java.util.Objects.requireNonNull(attack, "attack");
    compare = compare == null ? List.of() : List.copyOf(compare);
    groups = groups == null ? List.of() : List.copyOf(groups);
    if (epsilons == null || epsilons.length == 0) {
      throw new IllegalArgumentException("epsilons must list at least one radius");
    }
    epsilons = epsilons.clone();
    for (int i = 0; i < epsilons.length; i++) {
      if (!(epsilons[i] > 0) || Double.isInfinite(epsilons[i])) {
        throw new IllegalArgumentException("epsilons[" + i + "] must be a positive finite number, got " + epsilons[i]);
      }
      if (i > 0 && epsilons[i] <= epsilons[i - 1]) {
        throw new IllegalArgumentException("epsilons must increase, but " + epsilons[i] + " follows " + epsilons[i - 1]);
      }
    }
    Set<String> names = new HashSet<>();
    names.add(attack.shortName());
    for (AttackSpec c : compare) {
      if (!names.add(c.shortName())) {
        throw new IllegalArgumentException("attack " + c.shortName() + " is listed twice (attack and compare must differ)");
      }
    }
    CheckOptions.validate(maxRows, minGroupSize, fragileRows, export, imageShape);
  }

  /** The attack over a sweep of epsilons, with defaults: 1000 rows, protected groups of at least 30, 10 fragile rows. */
  public static RobustnessCheck of(AttackSpec attack, double... epsilons) {
    return new RobustnessCheck(attack, List.of(), epsilons, 1000, List.of(), 30, 10, null, null);
  }

  /** The same check with comparison attacks on its curve. */
  public RobustnessCheck comparedWith(AttackSpec... others) {
    return new RobustnessCheck(attack, List.of(others), epsilons, maxRows, groups, minGroupSize, fragileRows, export, imageShape);
  }

  /** The same check exporting its adversarial examples to a CSV file in the output directory. */
  public RobustnessCheck exportingTo(String file) {
    return new RobustnessCheck(attack, compare, epsilons, maxRows, groups, minGroupSize, fragileRows, file, imageShape);
  }

  /** The same check on at most {@code rows} rows. */
  public RobustnessCheck withMaxRows(int rows) {
    return new RobustnessCheck(attack, compare, epsilons, rows, groups, minGroupSize, fragileRows, export, imageShape);
  }

  @Override
  public double[] epsilons() {
    return epsilons.clone();
  }

  @Override
  public String title() {
    return "Robust accuracy under " + attack.shortName();
  }

  @Override
  public Trial trial() {
    return Trial.ADVERSARIAL;
  }

  @Override
  public String description() {
    return "How much accuracy survives when an adversary distorts each input within a budget epsilon: " + attack.describe()
        + " at epsilon " + Arrays.toString(epsilons) + ", on at most " + maxRows + " rows.";
  }

  @Override
  public Set<Capability> requires() {
    Set<Capability> caps = EnumSet.copyOf(attack.kind().requires());
    for (AttackSpec c : compare) {
      caps.addAll(c.kind().requires());
    }
    return caps;
  }

  /** Per attack and epsilon: the attack's result and which rows stayed correct. */
  private record Sweep(AttackSpec spec, double eps, AttackResult result, boolean[] robust, int robustCount) {}

  @Override
  public CheckValue run(CheckContext ctx) {
    AttackData d = AttackData.prepare(ctx, maxRows, true);
    int n = d.size();
    boolean[] correct = new boolean[n];
    int correctCount = 0;
    for (int i = 0; i < n; i++) {
      correct[i] = d.decisions[i] == d.labels[i];
      correctCount += correct[i] ? 1 : 0;
    }
    List<Measurement> ms = new ArrayList<>();
    double[] ci = Intervals.wilson(correctCount, n, 0.95);
    ms.add(Measurement.withInterval("clean_accuracy", "", (double) correctCount / n, ci[0], ci[1], n));
    List<AttackSpec> all = new ArrayList<>();
    all.add(attack);
    all.addAll(compare);
    List<Evidence.Series> series = new ArrayList<>();
    List<Evidence.Point> cleanPts = new ArrayList<>();
    for (double e : epsilons) {
      cleanPts.add(new Evidence.Point(null, e, (double) correctCount / n, ci[0], ci[1]));
    }
    series.add(new Evidence.Series("clean", cleanPts));
    List<Sweep> primary = new ArrayList<>();
    for (int a = 0; a < all.size(); a++) {
      AttackSpec spec = all.get(a);
      List<Evidence.Point> pts = new ArrayList<>();
      for (int k = 0; k < epsilons.length; k++) {
        double e = epsilons[k];
        ctx.progress(spec.shortName() + " at eps " + AdversarialEvidence.fmt(e));
        double[] eps = new double[n];
        for (int i = 0; i < n; i++) {
          eps[i] = correct[i] ? e : 0;
        }
        AttackResult r = d.attacker.attack(spec, d.x0, d.labels, eps, ctx.seed() + 7919L * (a * 1000 + k));
        boolean[] robust = new boolean[n];
        int rc = 0;
        for (int i = 0; i < n; i++) {
          robust[i] = correct[i] && r.decisions()[i] == d.labels[i];
          rc += robust[i] ? 1 : 0;
        }
        double[] rci = Intervals.wilson(rc, n, 0.95);
        String subject = AdversarialEvidence.epsSubject(e);
        pts.add(new Evidence.Point(null, e, (double) rc / n, rci[0], rci[1]));
        if (a == 0) {
          primary.add(new Sweep(spec, e, r, robust, rc));
          measurePrimary(ms, subject, r, rc, n, rci);
        } else {
          ms.add(Measurement.withInterval("robust_accuracy_" + spec.kind().label() + "_" + spec.norm().label(), subject,
              (double) rc / n, rci[0], rci[1], n));
        }
      }
      series.add(new Evidence.Series(spec.describe(), pts));
    }
    List<Evidence> ev = new ArrayList<>();
    StringBuilder alt = new StringBuilder("Robust accuracy by epsilon. Clean accuracy " + AdversarialEvidence.fmt((double) correctCount / n) + ".");
    for (Evidence.Series s : series.subList(1, series.size())) {
      alt.append(' ').append(s.name()).append(':');
      for (Evidence.Point p : s.points()) {
        alt.append(" eps ").append(AdversarialEvidence.fmt(p.x())).append(" -> ").append(AdversarialEvidence.fmt(p.y())).append(';');
      }
    }
    ev.add(new Evidence.Chart("Robustness curve (" + n + " rows, " + attack.norm().label() + ")", Evidence.ChartKind.LINE,
        "epsilon (" + attack.norm().label() + ", encoded units)", "accuracy", series, null, alt.toString()));
    groups(ctx, d, correct, primary, ms, ev);
    List<Example> fragile = fragile(d, primary);
    if (!fragile.isEmpty()) {
      ev.add(AdversarialEvidence.fragileTable("Most fragile rows (flipped at the smallest epsilon, smallest change first)", d, ctx.encoder(),
          fragile, fragileRows, "epsilon"));
      int[] shape = AdversarialEvidence.imageShape(imageShape, d.space);
      if (shape != null) {
        ev.add(AdversarialEvidence.images("Original, perturbation and adversarial image", shape, d, fragile, Math.min(5, fragileRows)));
      }
    }
    ev.add(AdversarialEvidence.handling(d.space));
    if (export != null) {
      // every attacked row at every epsilon, broken or not
      List<Example> exported = new ArrayList<>();
      for (Sweep s : primary) {
        AttackResult r = s.result();
        for (int i = 0; i < n; i++) {
          if (r.attacked()[i]) {
            exported.add(new Example(i, s.eps(), r.adversarial()[i], d.decisions[i], r.decisions()[i], r.probabilities()[i], r.success()[i]));
          }
        }
      }
      Evidence.Note note = AdversarialEvidence.export(ctx, export, attack.shortName(), d, exported);
      if (note != null) {
        ev.add(note);
      }
    }
    Sweep first = primary.get(0);
    Sweep last = primary.get(primary.size() - 1);
    String summary = attack.describe() + " on " + n + " rows: accuracy " + AdversarialEvidence.fmt((double) correctCount / n)
        + " clean, " + AdversarialEvidence.fmt((double) first.robustCount() / n) + " at eps " + AdversarialEvidence.fmt(first.eps())
        + (primary.size() > 1 ? ", " + AdversarialEvidence.fmt((double) last.robustCount() / n) + " at eps " + AdversarialEvidence.fmt(last.eps()) : "")
        + ".";
    return new CheckValue(ms, ev, summary);
  }

  private static void measurePrimary(List<Measurement> ms, String subject, AttackResult r, int rc, int n, double[] rci) {
    ms.add(Measurement.withInterval("robust_accuracy", subject, (double) rc / n, rci[0], rci[1], n));
    int attacked = r.attackedCount();
    int broken = r.successCount();
    if (attacked == 0) {
      ms.add(Measurement.inconclusive("attack_success_rate", subject, Double.NaN, 0, "no row was attacked (none classified correctly)"));
    } else {
      double[] sci = Intervals.wilson(broken, attacked, 0.95);
      ms.add(Measurement.withInterval("attack_success_rate", subject, (double) broken / attacked, sci[0], sci[1], attacked));
    }
    if (broken == 0) {
      ms.add(Measurement.inconclusive("mean_perturbation", subject, Double.NaN, 0, "no attack succeeded"));
      ms.add(Measurement.inconclusive("max_perturbation", subject, Double.NaN, 0, "no attack succeeded"));
    } else {
      double sum = 0;
      double max = 0;
      for (int i = 0; i < r.success().length; i++) {
        if (r.success()[i]) {
          sum += r.norms()[i];
          max = Math.max(max, r.norms()[i]);
        }
      }
      ms.add(Measurement.of("mean_perturbation", subject, sum / broken, broken));
      ms.add(Measurement.of("max_perturbation", subject, max, broken));
    }
  }

  private void groups(CheckContext ctx, AttackData d, boolean[] correct, List<Sweep> primary, List<Measurement> ms, List<Evidence> ev) {
    List<ColumnSpec> cols = AttackData.groupColumns(ctx, groups);
    if (cols.isEmpty()) {
      return;
    }
    List<String> header = new ArrayList<>(List.of("group", "rows", "clean accuracy"));
    for (double e : epsilons) {
      header.add("robust at " + AdversarialEvidence.fmt(e));
    }
    List<List<String>> rows = new ArrayList<>();
    for (ColumnSpec c : cols) {
      var cat = d.table.categorical(c.name());
      double[][] robustByLevel = new double[cat.levels().size()][];
      for (int level = 0; level < cat.levels().size(); level++) {
        String subject = c.name() + "=" + cat.levels().get(level);
        int size = 0;
        int ok = 0;
        for (int i = 0; i < d.size(); i++) {
          if (cat.codes()[i] == level) {
            size++;
            ok += correct[i] ? 1 : 0;
          }
        }
        if (size == 0) {
          continue;
        }
        List<String> row = new ArrayList<>(List.of(subject, Integer.toString(size), AdversarialEvidence.fmt((double) ok / size)));
        boolean small = size < minGroupSize;
        String why = "only " + size + " sampled rows in " + subject + ", fewer than minGroupSize " + minGroupSize;
        ms.add(small ? Measurement.inconclusive("group_clean_accuracy", subject, (double) ok / size, size, why)
            : wilson("group_clean_accuracy", subject, ok, size));
        robustByLevel[level] = small ? null : new double[primary.size()];
        for (int k = 0; k < primary.size(); k++) {
          Sweep s = primary.get(k);
          int rob = 0;
          for (int i = 0; i < d.size(); i++) {
            if (cat.codes()[i] == level && s.robust()[i]) {
              rob++;
            }
          }
          String sub = subject + " " + AdversarialEvidence.epsSubject(s.eps());
          ms.add(small ? Measurement.inconclusive("group_robust_accuracy", sub, (double) rob / size, size, why)
              : wilson("group_robust_accuracy", sub, rob, size));
          if (!small) {
            robustByLevel[level][k] = (double) rob / size;
          }
          row.add(AdversarialEvidence.fmt((double) rob / size));
        }
        rows.add(row);
      }
      for (int k = 0; k < primary.size(); k++) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int levels = 0;
        for (double[] r : robustByLevel) {
          if (r != null) {
            lo = Math.min(lo, r[k]);
            hi = Math.max(hi, r[k]);
            levels++;
          }
        }
        String sub = c.name() + " " + AdversarialEvidence.epsSubject(primary.get(k).eps());
        ms.add(levels < 2 ? Measurement.inconclusive("robust_accuracy_gap", sub, Double.NaN, levels,
            "fewer than two groups of " + c.name() + " have at least " + minGroupSize + " sampled rows")
            : Measurement.of("robust_accuracy_gap", sub, hi - lo, d.size()));
      }
    }
    ev.add(new Evidence.Table("Robust accuracy by group (" + attack.shortName() + ")", header, rows));
  }

  private static Measurement wilson(String metric, String subject, int k, int n) {
    double[] ci = Intervals.wilson(k, n, 0.95);
    return Measurement.withInterval(metric, subject, (double) k / n, ci[0], ci[1], n);
  }

  /** Rows broken at the smallest epsilon that broke any, smallest perturbation first. */
  private static List<Example> fragile(AttackData d, List<Sweep> primary) {
    Set<Integer> seen = new HashSet<>();
    List<Example> out = new ArrayList<>();
    for (Sweep s : primary) {
      List<Example> here = new ArrayList<>();
      for (int i = 0; i < d.size(); i++) {
        if (s.result().success()[i] && !seen.contains(i)) {
          here.add(new Example(i, s.eps(), s.result().adversarial()[i], d.decisions[i], s.result().decisions()[i],
              s.result().probabilities()[i], true));
        }
      }
      here.sort(Comparator.comparingDouble((Example e) -> s.result().norms()[e.row()]).thenComparingInt(Example::row));
      for (Example e : here) {
        seen.add(e.row());
        out.add(e);
      }
    }
    return out;
  }
}

package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.ParamDecl;
import dev.gauntlet.harness.metric.ParamException;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import dev.gauntlet.harness.metric.SubjectShape;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.Task;
import dev.gauntlet.harness.stats.Intervals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The minimal epsilon that moves each row's predicted value by at least {@code tolerance} (tau),
 * found by binary search over epsilon with an attack that maximises the prediction's move (per
 * row: the smallest radius at which the attack moved it by tau, to within
 * {@code maxEps / 2^searchSteps}); rows not moved by tau at {@code maxEps} count as {@code +inf}.
 * On a linear model under L-inf it is {@code tau / ||w||_1} (L2: {@code tau / ||w||_2}).
 *
 * <p>Measurements: {@code median_min_shift_eps} (capped at {@code maxEps}: maxEps means at least),
 * {@code q10_min_shift_eps}, {@code shift_rate} (rows moved by tau within maxEps, Wilson interval);
 * per group {@code group_median_min_shift_eps} (subject {@code sex=F}) and
 * {@code min_shift_eps_group_ratio} (subject {@code feature=sex}: lowest group median over highest;
 * 1 means equally hard to move). No labels are needed.
 *
 * @param attack fgsm, bim, pgd (white-box), simba or noise (black-box)
 * @param tolerance tau, the move that counts, in the label's units
 * @param maxEps the largest radius tried
 * @param searchSteps binary search halvings, 1 to 30
 * @param maxRows rows searched at most (a seeded sample when the data has more)
 * @param groups group columns (empty: every categorical protected attribute)
 * @param minGroupSize groups with fewer sampled rows are inconclusive
 * @param confidence the level of the Wilson interval of {@code shift_rate}
 */
public record MinShiftCheck(AttackSpec attack, double tolerance, double maxEps, int searchSteps, int maxRows, List<String> groups,
    int minGroupSize, double confidence) implements Check<CheckValue> {

  /** The metrics, published with the {@code adversarial.min-shift} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("median_min_shift_eps", Direction.HIGHER_IS_BETTER,
          "median minimal epsilon that moves the prediction by at least tolerance (capped at maxEps: maxEps means at least)"),
      MetricDecl.of("q10_min_shift_eps", Direction.HIGHER_IS_BETTER, "10% quantile of the minimal shifting epsilon (capped at maxEps)"),
      MetricDecl.of("shift_rate", Direction.LOWER_IS_BETTER, "share of rows whose prediction moved by at least tolerance within maxEps").withInterval(),
      MetricDecl.of("group_median_min_shift_eps", Direction.HIGHER_IS_BETTER, "median minimal shifting epsilon of one group")
          .about(SubjectShape.of(Dim.SLICE)),
      MetricDecl.of("min_shift_eps_group_ratio", Direction.HIGHER_IS_BETTER,
          "lowest over highest group median of a group column (subject feature=<column>); 1 means equally hard to move")
          .about(SubjectShape.of(Dim.FEATURE)));

  /** The parameters, published with the {@code adversarial.min-shift} type. */
  public static final List<ParamDecl> PARAMS = List.of(
      ParamDecl.of("attack", "fgsm | bim | pgd | simba | noise", "pgd", "the attack searched with"),
      ParamDecl.of("norm", "linf | l2", "linf", "norm of the epsilon ball (encoded units)"),
      ParamDecl.of("steps", "integer in [1, 10000]", "10", "gradient steps of bim and pgd"),
      ParamDecl.of("stepSize", "number in (0, 10]", "2.5 / steps (bim, pgd); 0.5 (simba l2)", "one step as a fraction of epsilon"),
      ParamDecl.of("restarts", "integer in [1, 100]; pgd only", "1", "random restarts of pgd"),
      ParamDecl.of("queryBudget", "integer in [1, 1000000]", "100", "model queries per row (simba) or draws (noise)"),
      ParamDecl.of("tolerance", "positive number (label units), required", "-", "the move of the prediction that counts (tau)"),
      ParamDecl.of("maxEps", "positive number", "1.0", "the largest radius tried"),
      ParamDecl.of("searchSteps", "integer in [1, 30]", "8", "binary search halvings"),
      ParamDecl.of("maxRows", "integer in [1, 10000000]", "500", "rows searched at most (a seeded sample when the data has more)"),
      ParamDecl.of("groups", "list of categorical columns", "the protected attributes", "columns whose groups are broken down"),
      ParamDecl.of("minGroupSize", "integer in [1, 10000000]", "30", "groups with fewer sampled rows are INCONCLUSIVE"),
      ParamDecl.of("confidence", "number in [0.5, 0.999]", "0.95", "level of the Wilson interval"));

  /** Validates the parameters; the one validator for Java and YAML. */
  public MinShiftCheck {
    java.util.Objects.requireNonNull(attack, "attack");
    ShiftAttack.requireSupported(attack, "attack");
    groups = groups == null ? List.of() : List.copyOf(groups);
    ParamException.require(tolerance > 0 && !Double.isInfinite(tolerance), "tolerance",
        "tolerance (tau, the move of the prediction that counts, in the label's units) must be a positive finite number, got " + tolerance);
    ParamException.require(maxEps > 0 && !Double.isInfinite(maxEps), "maxEps", "maxEps must be a positive finite number, got " + maxEps);
    ParamException.inRange("searchSteps", searchSteps, 1, 30);
    ParamException.inRange("maxRows", maxRows, 1, 10_000_000);
    ParamException.inRange("minGroupSize", minGroupSize, 1, 10_000_000);
    ParamException.inRange("confidence", confidence, 0.5, 0.999);
  }

  /** The search with defaults: 8 halvings, 500 rows, protected groups of at least 30. */
  public static MinShiftCheck of(AttackSpec attack, double tolerance, double maxEps) {
    return new MinShiftCheck(attack, tolerance, maxEps, 8, 500, List.of(), 30, 0.95);
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
  }

  @Override
  public Set<Task> tasks() {
    return Set.of(Task.REGRESSION);
  }

  @Override
  public String title() {
    return "Minimal epsilon moving the prediction by " + AdversarialEvidence.fmt(tolerance) + " (" + attack.shortName() + ")";
  }

  @Override
  public Trial trial() {
    return Trial.ADVERSARIAL;
  }

  @Override
  public String description() {
    return "For each row, the smallest distortion (epsilon) with which " + attack.describe() + " moves the predicted value by at least "
        + AdversarialEvidence.fmt(tolerance) + ", searched up to " + AdversarialEvidence.fmt(maxEps) + ": the smaller, the easier to move.";
  }

  @Override
  public Set<Capability> requires() {
    return attack.kind().requires();
  }

  /** Binary search of every row's minimal radius moving its prediction by {@code tau}; +inf when maxEps does not. */
  static double[] search(ModelUnderTest model, InputSpace space, AttackSpec attack, double[][] x0, double tau, double maxEps, int steps, long seed,
      java.util.function.Consumer<String> progress) {
    int n = x0.length;
    double[] lo = new double[n];
    double[] hi = new double[n];
    Arrays.fill(hi, maxEps);
    ShiftAttack.Outcome r = ShiftAttack.run(model, space, attack, ShiftObjective.SHIFT, x0, null, hi.clone(), seed);
    boolean[] open = new boolean[n];
    for (int i = 0; i < n; i++) {
      open[i] = r.shift(i) >= tau;
      if (!open[i]) {
        hi[i] = Double.POSITIVE_INFINITY;
      }
    }
    for (int s = 1; s <= steps; s++) {
      progress.accept("search step " + s + " of " + steps);
      double[] mid = new double[n];
      for (int i = 0; i < n; i++) {
        mid[i] = open[i] ? (lo[i] + hi[i]) / 2 : 0;
      }
      ShiftAttack.Outcome m = ShiftAttack.run(model, space, attack, ShiftObjective.SHIFT, x0, null, mid, seed + 104729L * s);
      for (int i = 0; i < n; i++) {
        if (open[i]) {
          if (m.shift(i) >= tau) {
            hi[i] = mid[i];
          } else {
            lo[i] = mid[i];
          }
        }
      }
    }
    return hi;
  }

  @Override
  public CheckValue run(CheckContext ctx) {
    ShiftData d = ShiftData.prepare(ctx, maxRows, false);
    int n = d.size();
    double[] minEps = search(ctx.model(), d.space, attack, d.x0, tolerance, maxEps, searchSteps, ctx.seed(), ctx::progress);
    boolean any = false;
    for (double[] row : d.x0) {
      any |= d.space.canMove(row, maxEps, attack.norm());
    }
    String vacuous = any ? null : "nothing could be perturbed within maxEps " + AdversarialEvidence.fmt(maxEps);
    List<Measurement> ms = new ArrayList<>();
    int moved = 0;
    for (double e : minEps) {
      moved += Double.isFinite(e) ? 1 : 0;
    }
    double median = MinFlipCheck.quantile(minEps, 0.5);
    ms.add(GroupMedians.value("median_min_shift_eps", Subject.all(), Math.min(median, maxEps), n, vacuous));
    ms.add(GroupMedians.value("q10_min_shift_eps", Subject.all(), Math.min(MinFlipCheck.quantile(minEps, 0.1), maxEps), n, vacuous));
    double[] ci = Intervals.wilson(moved, n, confidence);
    ms.add(vacuous != null ? Measurement.inconclusive("shift_rate", Subject.all(), (double) moved / n, n, vacuous)
        : Measurement.of("shift_rate", Subject.all(), (double) moved / n, Interval.of(ci[0], ci[1], confidence, Interval.Method.WILSON), n));
    List<List<String>> groupRows = new ArrayList<>();
    for (ColumnSpec c : AttackData.groupColumns(ctx, groups)) {
      GroupMedians.measure(ms, groupRows, c.name(), d.table.categorical(c.name()), minEps, maxEps, minGroupSize, vacuous,
          "group_median_min_shift_eps", "min_shift_eps_group_ratio", (subject, in) -> { });
    }
    List<Evidence> ev = new ArrayList<>();
    List<Evidence.Point> pts = new ArrayList<>();
    for (int g = 0; g <= 20; g++) {
      double e = maxEps * g / 20;
      int hit = 0;
      for (double m : minEps) {
        hit += m <= e ? 1 : 0;
      }
      pts.add(Evidence.Point.of(e, (double) hit / n));
    }
    ev.add(new Evidence.Chart("Share of rows whose prediction moves by " + AdversarialEvidence.fmt(tolerance) + " within epsilon (" + n + " rows)",
        Evidence.ChartKind.LINE, "epsilon (" + attack.norm().label() + ", encoded units)", "share moved", List.of(new Evidence.Series("all rows", pts)), null,
        "Cumulative share of rows whose predicted value " + attack.shortName() + " moves by at least " + AdversarialEvidence.fmt(tolerance)
            + " within each epsilon; median minimal epsilon " + AdversarialEvidence.fmt(Math.min(median, maxEps)) + "."));
    if (!groupRows.isEmpty()) {
      ev.add(new Evidence.Table("Median minimal shifting epsilon by group", List.of("group", "rows", "median min shift eps"), groupRows));
    }
    ev.add(AdversarialEvidence.handling(d.space));
    String summary = vacuous != null ? "Inconclusive: " + vacuous + " (" + attack.shortName() + ", " + n + " rows)."
        : "Median minimal epsilon moving the prediction by " + AdversarialEvidence.fmt(tolerance) + ": " + (median > maxEps ? "above " : "")
        + AdversarialEvidence.fmt(Math.min(median, maxEps)) + " (" + attack.shortName() + ", " + n + " rows); " + moved + " of " + n
        + " rows moved within " + AdversarialEvidence.fmt(maxEps) + ".";
    return new CheckValue(ms, ev, summary);
  }

}

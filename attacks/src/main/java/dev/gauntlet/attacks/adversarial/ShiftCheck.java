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
import dev.gauntlet.harness.model.Task;
import dev.gauntlet.harness.stats.Intervals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Robust error of a regression model against epsilon: for each epsilon of a sweep, the attack
 * ({@link ShiftAttack}) moves each sampled row within the ball and the schema's constraints to make
 * the prediction as wrong as it can ({@code objective: error}, the default when the schema has a
 * label) or to move it as far as it can ({@code objective: shift}); the check measures the error and
 * how far the predictions moved.
 *
 * <p>Measurements ({@link #METRICS}): {@code clean_mae}; per epsilon (subject {@code eps=0.05})
 * {@code robust_mae}, {@code robust_rmse} (against the label, when there is one), {@code mean_shift},
 * {@code max_shift} (|prediction after - before|, in the label's units) and, with a
 * {@code tolerance}, {@code shift_rate} (share of rows moved by more than it, Wilson interval at
 * {@code confidence}); per group {@code group_robust_mae} and {@code group_mean_shift} (subject
 * {@code sex=F&eps=0.05}). An epsilon whose ball holds no valid point but the row, for every row, is
 * INCONCLUSIVE, as are groups below {@code minGroupSize}.
 *
 * @param attack fgsm, bim, pgd (white-box), simba or noise (black-box)
 * @param epsilons the sweep, positive and increasing, in encoded units of the attack's norm
 * @param objective what the attack maximises
 * @param tolerance a prediction change above this counts in {@code shift_rate}; NaN for none
 * @param maxRows rows attacked at most (a seeded sample when the data has more)
 * @param groups group columns (empty: every categorical protected attribute)
 * @param minGroupSize groups with fewer sampled rows are inconclusive
 * @param shownRows how many of the most shifted rows the evidence lists
 * @param confidence the level of the Wilson intervals, in [0.5, 0.999]
 */
public record ShiftCheck(AttackSpec attack, double[] epsilons, ShiftObjective objective, double tolerance, int maxRows, List<String> groups,
    int minGroupSize, int shownRows, double confidence) implements Check<CheckValue> {

  private static final SubjectShape EPS = SubjectShape.of(Dim.EPS);

  /** The metrics, published with the {@code adversarial.shift} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("clean_mae", Direction.LOWER_IS_BETTER, "mean absolute error on the sampled rows before any attack (label units)"),
      MetricDecl.of("robust_mae", Direction.LOWER_IS_BETTER, "mean absolute error after the attack at eps (label units)").about(EPS),
      MetricDecl.of("robust_rmse", Direction.LOWER_IS_BETTER, "root mean squared error after the attack at eps (label units)").about(EPS),
      MetricDecl.of("mean_shift", Direction.LOWER_IS_BETTER, "mean |prediction after - before| at eps (label units)").about(EPS),
      MetricDecl.of("max_shift", Direction.LOWER_IS_BETTER, "largest |prediction after - before| at eps (label units)").about(EPS),
      MetricDecl.of("shift_rate", Direction.LOWER_IS_BETTER, "share of the sampled rows whose prediction the attack moved by more than tolerance")
          .withInterval().about(EPS),
      MetricDecl.of("group_robust_mae", Direction.LOWER_IS_BETTER, "robust MAE of one group at eps").about(SubjectShape.of(Dim.SLICE, Dim.EPS)),
      MetricDecl.of("group_mean_shift", Direction.LOWER_IS_BETTER, "mean prediction shift of one group at eps").about(SubjectShape.of(Dim.SLICE, Dim.EPS)));

  /** The parameters, published with the {@code adversarial.shift} type. */
  public static final List<ParamDecl> PARAMS = List.of(
      ParamDecl.of("attack", "fgsm | bim | pgd | simba | noise", "pgd (simba for a model without gradients: say so)", "the attack conditions judge"),
      ParamDecl.of("norm", "linf | l2", "linf", "norm of the epsilon ball (encoded units)"),
      ParamDecl.of("steps", "integer in [1, 10000]", "10", "gradient steps of bim and pgd (fgsm takes one)"),
      ParamDecl.of("stepSize", "number in (0, 10]", "2.5 / steps (bim, pgd); 0.5 (simba l2)", "one step as a fraction of epsilon"),
      ParamDecl.of("restarts", "integer in [1, 100]; pgd only", "1", "random restarts of pgd"),
      ParamDecl.of("queryBudget", "integer in [1, 1000000]", "100", "model queries per row (simba) or draws (noise)"),
      ParamDecl.of("epsilons", "increasing list of positive numbers", "[0.01, 0.02, 0.05, 0.1, 0.2]", "the sweep, encoded units of the norm"),
      ParamDecl.of("objective", "error | shift", "error with a label, else shift", "maximise the squared error against the label, or the prediction's move"),
      ParamDecl.of("tolerance", "positive number (label units)", "none", "a move above it counts in shift_rate"),
      ParamDecl.of("maxRows", "integer in [1, 10000000]", "1000", "rows attacked at most (a seeded sample when the data has more)"),
      ParamDecl.of("groups", "list of categorical columns", "the protected attributes", "columns whose groups are broken down"),
      ParamDecl.of("minGroupSize", "integer in [1, 10000000]", "30", "groups with fewer sampled rows are INCONCLUSIVE"),
      ParamDecl.of("shownRows", "integer in [0, 10000]", "10", "how many of the most shifted rows the evidence lists"),
      ParamDecl.of("confidence", "number in [0.5, 0.999]", "0.95", "level of the Wilson intervals"));

  /** Validates the parameters; the one validator for Java and YAML. */
  public ShiftCheck {
    Objects.requireNonNull(attack, "attack");
    Objects.requireNonNull(objective, "objective");
    ShiftAttack.requireSupported(attack, "attack");
    groups = groups == null ? List.of() : List.copyOf(groups);
    ParamException.require(epsilons != null && epsilons.length > 0, "epsilons", "epsilons must list at least one radius");
    epsilons = epsilons.clone();
    for (int i = 0; i < epsilons.length; i++) {
      ParamException.require(epsilons[i] > 0 && !Double.isInfinite(epsilons[i]), "epsilons",
          "epsilons[" + i + "] must be a positive finite number, got " + epsilons[i]);
      ParamException.require(i == 0 || epsilons[i] > epsilons[i - 1], "epsilons",
          "epsilons must increase, but " + epsilons[i] + " follows " + (i == 0 ? 0 : epsilons[i - 1]));
    }
    ParamException.require(Double.isNaN(tolerance) || tolerance > 0 && !Double.isInfinite(tolerance), "tolerance",
        "tolerance must be a positive finite number (in the label's units), got " + tolerance);
    ParamException.inRange("maxRows", maxRows, 1, 10_000_000);
    ParamException.inRange("minGroupSize", minGroupSize, 1, 10_000_000);
    ParamException.inRange("shownRows", shownRows, 0, 10_000);
    ParamException.inRange("confidence", confidence, 0.5, 0.999);
  }

  /** The attack over a sweep, maximising the error; 1000 rows, protected groups of at least 30. */
  public static ShiftCheck of(AttackSpec attack, double... epsilons) {
    return new ShiftCheck(attack, epsilons, ShiftObjective.ERROR, Double.NaN, 1000, List.of(), 30, 10, 0.95);
  }

  /** The same check maximising the prediction's move instead of the error (needs no label). */
  public ShiftCheck maximisingShift() {
    return new ShiftCheck(attack, epsilons, ShiftObjective.SHIFT, tolerance, maxRows, groups, minGroupSize, shownRows, confidence);
  }

  /** The same check counting moves above {@code tau} in {@code shift_rate}. */
  public ShiftCheck withTolerance(double tau) {
    return new ShiftCheck(attack, epsilons, objective, tau, maxRows, groups, minGroupSize, shownRows, confidence);
  }

  @Override
  public double[] epsilons() {
    return epsilons.clone();
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
    return "Prediction shift under " + attack.shortName();
  }

  @Override
  public Trial trial() {
    return Trial.ADVERSARIAL;
  }

  @Override
  public String description() {
    return "How far an adversary can move the predicted value, and how wrong it can make it, by distorting each input within a budget epsilon: "
        + attack.describe() + " maximising " + (objective == ShiftObjective.ERROR ? "the squared error" : "the prediction's change")
        + " at epsilon " + Arrays.toString(epsilons) + ", on at most " + maxRows + " rows.";
  }

  @Override
  public Set<Capability> requires() {
    return attack.kind().requires();
  }

  /** One epsilon's attack. */
  record Sweep(double eps, ShiftAttack.Outcome outcome, String vacuous) {}

  /** The sampled rows and one sweep per epsilon. */
  record Analysis(ShiftData data, List<Sweep> sweeps) {}

  @Override
  public CheckValue run(CheckContext ctx) {
    return report(ctx, analyse(ctx));
  }

  Analysis analyse(CheckContext ctx) {
    ShiftData d = ShiftData.prepare(ctx, maxRows, objective == ShiftObjective.ERROR);
    List<Sweep> sweeps = new ArrayList<>();
    for (int k = 0; k < epsilons.length; k++) {
      double e = epsilons[k];
      ctx.progress(attack.shortName() + " at eps " + AdversarialEvidence.fmt(e));
      double[] eps = new double[d.size()];
      Arrays.fill(eps, e);
      ShiftAttack.Outcome o = ShiftAttack.run(ctx.model(), d.space, attack, objective, d.x0, d.targets, eps, ctx.seed() + 7919L * k);
      boolean any = false;
      for (double[] row : d.x0) {
        any |= d.space.canMove(row, e, attack.norm());
      }
      sweeps.add(new Sweep(e, o, any ? null : "nothing could be perturbed within eps " + AdversarialEvidence.fmt(e)
          + " (every mutable feature is integer, binary or categorical with a step above it, or none is mutable)"));
    }
    return new Analysis(d, sweeps);
  }

  private static Measurement value(String metric, Subject subject, double v, long n, String why) {
    return why != null ? Measurement.inconclusive(metric, subject, v, n, why) : Measurement.of(metric, subject, v, n);
  }

  static double mae(double[] pred, double[] y, boolean[] in) {
    double s = 0;
    int n = 0;
    for (int i = 0; i < pred.length; i++) {
      if (in == null || in[i]) {
        s += Math.abs(pred[i] - y[i]);
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  CheckValue report(CheckContext ctx, Analysis an) {
    ShiftData d = an.data();
    int n = d.size();
    List<Measurement> ms = new ArrayList<>();
    double[] y = d.targets;
    double[] clean = an.sweeps().get(0).outcome().before();
    double cleanMae = y == null ? Double.NaN : mae(clean, y, null);
    if (y != null) {
      ms.add(Measurement.of("clean_mae", Subject.all(), cleanMae, n));
    }
    List<Evidence.Point> maePts = new ArrayList<>();
    List<Evidence.Point> shiftPts = new ArrayList<>();
    for (Sweep s : an.sweeps()) {
      Subject subject = Subject.eps(s.eps());
      ShiftAttack.Outcome o = s.outcome();
      double sum = 0;
      double max = 0;
      int over = 0;
      for (int i = 0; i < n; i++) {
        double sh = o.shift(i);
        sum += sh;
        max = Math.max(max, sh);
        over += !Double.isNaN(tolerance) && sh > tolerance ? 1 : 0;
      }
      if (y != null) {
        double robust = mae(o.after(), y, null);
        double sq = 0;
        for (int i = 0; i < n; i++) {
          sq += (o.after()[i] - y[i]) * (o.after()[i] - y[i]);
        }
        ms.add(value("robust_mae", subject, robust, n, s.vacuous()));
        ms.add(value("robust_rmse", subject, Math.sqrt(sq / n), n, s.vacuous()));
        maePts.add(Evidence.Point.of(s.eps(), robust));
      }
      ms.add(value("mean_shift", subject, sum / n, n, s.vacuous()));
      ms.add(value("max_shift", subject, max, n, s.vacuous()));
      shiftPts.add(Evidence.Point.of(s.eps(), sum / n));
      if (!Double.isNaN(tolerance)) {
        double[] ci = Intervals.wilson(over, n, confidence);
        ms.add(s.vacuous() != null ? Measurement.inconclusive("shift_rate", subject, (double) over / n, n, s.vacuous())
            : Measurement.of("shift_rate", subject, (double) over / n, Interval.of(ci[0], ci[1], confidence, Interval.Method.WILSON), n));
      }
    }
    List<Evidence> ev = new ArrayList<>();
    List<Evidence.Series> series = new ArrayList<>();
    if (y != null) {
      List<Evidence.Point> flat = new ArrayList<>();
      for (double e : epsilons) {
        flat.add(Evidence.Point.of(e, cleanMae));
      }
      series.add(new Evidence.Series("clean MAE", flat));
      series.add(new Evidence.Series("robust MAE (" + attack.describe() + ")", maePts));
    }
    series.add(new Evidence.Series("mean shift (" + attack.describe() + ")", shiftPts));
    ev.add(new Evidence.Chart("Error and prediction shift by epsilon (" + n + " rows)", Evidence.ChartKind.LINE,
        "epsilon (" + attack.norm().label() + ", encoded units)", "label units", series, null,
        "Mean absolute error before and after " + attack.shortName() + ", and the mean move of the prediction, at each epsilon."));
    groups(ctx, an, ms, ev);
    Sweep last = an.sweeps().get(an.sweeps().size() - 1);
    if (shownRows > 0) {
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -last.outcome().shift(i)).thenComparingInt(i -> i));
      List<List<String>> rows = new ArrayList<>();
      for (int k = 0; k < Math.min(shownRows, n); k++) {
        int i = order[k];
        if (last.outcome().shift(i) == 0) {
          break;
        }
        rows.add(List.of(d.table.rowLabel(i), AdversarialEvidence.fmt(last.outcome().before()[i]), AdversarialEvidence.fmt(last.outcome().after()[i]),
            AdversarialEvidence.fmt(last.outcome().shift(i)), y == null ? "" : AdversarialEvidence.fmt(y[i]),
            AdversarialEvidence.changes(ctx.encoder(), d.x0[i], last.outcome().adversarial()[i])));
      }
      if (!rows.isEmpty()) {
        ev.add(new Evidence.Table("Most shifted rows at eps " + AdversarialEvidence.fmt(last.eps()),
            List.of("row", "prediction", "after attack", "shift", "label", "changes"), rows));
      }
    }
    ev.add(AdversarialEvidence.handling(d.space));
    Sweep first = an.sweeps().get(0);
    String vacuous = an.sweeps().stream().map(Sweep::vacuous).filter(Objects::nonNull).findFirst().map(v -> " Inconclusive: " + v + ".").orElse("");
    String summary = attack.describe() + " on " + n + " rows"
        + (y != null ? ": MAE " + AdversarialEvidence.fmt(cleanMae) + " clean, " + AdversarialEvidence.fmt(mae(first.outcome().after(), y, null))
            + " at eps " + AdversarialEvidence.fmt(first.eps())
            + (an.sweeps().size() > 1 ? ", " + AdversarialEvidence.fmt(mae(last.outcome().after(), y, null)) + " at eps " + AdversarialEvidence.fmt(last.eps()) : "")
            + ";" : ":")
        + " the prediction moved by up to " + AdversarialEvidence.fmt(maxShift(last.outcome())) + " at eps " + AdversarialEvidence.fmt(last.eps())
        + " (" + (last.outcome().queries() / Math.max(n, 1)) + " model calls per row" + ")." + vacuous;
    return new CheckValue(ms, ev, summary);
  }

  private static double maxShift(ShiftAttack.Outcome o) {
    double m = 0;
    for (int i = 0; i < o.before().length; i++) {
      m = Math.max(m, o.shift(i));
    }
    return m;
  }

  private void groups(CheckContext ctx, Analysis an, List<Measurement> ms, List<Evidence> ev) {
    ShiftData d = an.data();
    List<ColumnSpec> cols = AttackData.groupColumns(ctx, groups);
    if (cols.isEmpty()) {
      return;
    }
    List<String> header = new ArrayList<>(List.of("group", "rows"));
    for (double e : epsilons) {
      header.add((d.targets != null ? "robust MAE" : "mean shift") + " at " + AdversarialEvidence.fmt(e));
    }
    List<List<String>> rows = new ArrayList<>();
    for (ColumnSpec c : cols) {
      var cat = d.table.categorical(c.name());
      for (int level = 0; level < cat.levels().size(); level++) {
        boolean[] in = new boolean[d.size()];
        int size = 0;
        for (int i = 0; i < d.size(); i++) {
          in[i] = cat.codes()[i] == level;
          size += in[i] ? 1 : 0;
        }
        if (size == 0) {
          continue;
        }
        Subject subject = Subject.slice(c.name(), cat.levels().get(level));
        String small = size < minGroupSize ? "only " + size + " sampled rows in " + subject + ", fewer than minGroupSize " + minGroupSize : null;
        List<String> row = new ArrayList<>(List.of(subject.toString(), Integer.toString(size)));
        for (Sweep s : an.sweeps()) {
          Subject sub = subject.with(Dim.EPS, s.eps());
          String why = small != null ? small : s.vacuous();
          double shift = 0;
          for (int i = 0; i < d.size(); i++) {
            shift += in[i] ? s.outcome().shift(i) : 0;
          }
          ms.add(value("group_mean_shift", sub, shift / size, size, why));
          if (d.targets != null) {
            double m = mae(s.outcome().after(), d.targets, in);
            ms.add(value("group_robust_mae", sub, m, size, why));
            row.add(AdversarialEvidence.fmt(m));
          } else {
            row.add(AdversarialEvidence.fmt(shift / size));
          }
        }
        rows.add(row);
      }
    }
    ev.add(new Evidence.Table("By group (" + attack.shortName() + ")", header, rows));
  }
}

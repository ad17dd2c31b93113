package dev.gauntlet.drift;

import static dev.gauntlet.harness.check.MetricCondition.fmt;

import dev.gauntlet.drift.stats.DriftStats;
import dev.gauntlet.drift.stats.SortedSample;
import dev.gauntlet.drift.window.Segment;
import dev.gauntlet.drift.window.WindowPlan;
import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.data.Table;
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
import dev.gauntlet.harness.performance.RegressionErrors;
import dev.gauntlet.harness.performance.RegressionSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Temporal holdout of a regression model ({@code drift.regression}): the mean absolute error and the
 * mean error (bias) in the reference period and in each later window, overall and per group; the rise
 * of the MAE against the reference with a bootstrap interval; a retrain-by estimate, the windows until
 * the weighted decay trend of the MAE reaches the reference MAE times {@code 1 + maxRise}; and the
 * drift of the predictions and of the errors (prediction - label) against the reference period, as
 * two-sample KS statistics. Each window's numbers come from its own {@link RegressionSummary}.
 *
 * @param groups categorical columns whose groups get their own error curve
 * @param maxRise the relative rise of the MAE above the reference at which to retrain, in (0, 10]
 * @param horizon the most windows the retrain estimate looks ahead, in [1, 1000]
 * @param bootstrap Poisson bootstrap resamples of the intervals, in [100, 100000]
 * @param confidence the level of the intervals, in [0.5, 0.999]
 */
public record RegressionDecayCheck(WindowSpec spec, List<String> groups, double maxRise, int horizon, int bootstrap, double confidence)
    implements Check<CheckValue> {

  private static final SubjectShape WINDOW = SubjectShape.of(Dim.WINDOW);

  /** The metrics, published with the {@code drift.regression} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("reference_mae", Direction.LOWER_IS_BETTER, "mean absolute error in the reference period, with a bootstrap interval").withInterval(),
      MetricDecl.of("mae", Direction.LOWER_IS_BETTER, "mean absolute error in a window (window=<label>), or of a group in a window (g=A&window=<label>),"
          + " with a bootstrap interval").withInterval().about(WINDOW, SubjectShape.of(Dim.SLICE, Dim.WINDOW)),
      MetricDecl.of("mean_error", Direction.TARGET, "mean of prediction - label in a window (the bias), with a bootstrap interval").withInterval().about(WINDOW),
      MetricDecl.of("mae_rise", Direction.LOWER_IS_BETTER, "the window's MAE minus the reference MAE, with a bootstrap interval").withInterval().about(WINDOW),
      MetricDecl.of("last_window_mae_rise", Direction.LOWER_IS_BETTER, "mae_rise of the last window, with a bootstrap interval").withInterval(),
      MetricDecl.of("group_last_window_mae_rise", Direction.LOWER_IS_BETTER, "a group's last-window MAE minus its reference MAE (g=A)").about(SubjectShape.of(Dim.SLICE)),
      MetricDecl.of("prediction_ks", Direction.LOWER_IS_BETTER, "two-sample KS statistic D of the predictions in a window against the reference period").about(WINDOW),
      MetricDecl.of("residual_ks", Direction.LOWER_IS_BETTER, "two-sample KS statistic D of the errors (prediction - label) in a window against the reference period")
          .about(WINDOW),
      MetricDecl.of("windows_until_retrain", Direction.HIGHER_IS_BETTER,
          "windows after the last usable one until the weighted decay trend of the MAE reaches reference MAE x (1 + maxRise) (0 = now)"));

  /** The parameters, published with the {@code drift.regression} type. */
  public static final List<ParamDecl> PARAMS = params();

  private static List<ParamDecl> params() {
    List<ParamDecl> ps = new ArrayList<>(WindowSpec.params(false, 30));
    ps.add(ParamDecl.of("groups", "categorical column or list", "the categorical protected attributes", "columns whose groups get their own error curve"));
    ps.add(ParamDecl.of("maxRise", "number in (0, 10]", "0.1", "retrain when the MAE trend is this fraction above the reference MAE"));
    ps.add(ParamDecl.of("horizon", "integer in [1, 1000]", "12", "the most windows the retrain estimate looks ahead"));
    ps.add(ParamDecl.of("bootstrap", "integer in [100, 100000]", "500", "Poisson bootstrap resamples of the intervals"));
    ps.add(ParamDecl.of("confidence", "number in [0.5, 0.999]", "0.95", "level of the intervals"));
    return List.copyOf(ps);
  }

  /** The one validator of the parameters, for Java and YAML. */
  public RegressionDecayCheck {
    Objects.requireNonNull(spec, "spec");
    groups = List.copyOf(groups);
    ParamException.require(maxRise > 0 && maxRise <= 10, "maxRise", "maxRise must be in (0, 10] (a fraction of the reference MAE, e.g. 0.1), got " + maxRise);
    ParamException.inRange("horizon", horizon, 1, 1000);
    ParamException.inRange("bootstrap", bootstrap, 100, 100_000);
    ParamException.inRange("confidence", confidence, 0.5, 0.999);
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
    return "Temporal holdout: error decay per " + (spec.unit() == WindowUnit.ROWS ? spec.rowsPerWindow() + " rows" : spec.unit().name().toLowerCase());
  }

  @Override
  public Trial trial() {
    return Trial.DRIFT;
  }

  @Override
  public String description() {
    return "Cuts the data by time into a reference period and later windows and measures how far off the model's predictions are in each,"
        + " overall and per group, to show how fast its error grows, whether its predictions and errors drift, and when it must be retrained.";
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  /** A segment's errors: summary, point values, bootstrap replicates, sorted predictions and errors. */
  private record Seg(RegressionSummary summary, RegressionErrors.Estimate estimate, double[][] reps, double[] predictions, double[] errors) {
    long n() {
      return summary.n();
    }

    double mae() {
      return estimate.value(RegressionErrors.MAE);
    }
  }

  private Seg seg(CheckContext ctx, Table t, int[] rows, SplittableRandom rng) {
    double[] p = ctx.predictions(t).values();
    double[] y = t.numeric(ctx.label().name());
    double[] pr = new double[rows.length];
    double[] yr = new double[rows.length];
    double[] er = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      pr[i] = p[rows[i]];
      yr[i] = y[rows[i]];
      er[i] = pr[i] - yr[i];
    }
    RegressionSummary s = RegressionSummary.of(pr, yr);
    double[][] reps = RegressionErrors.replicates(s, 0.9, bootstrap, rng);
    return new Seg(s, RegressionErrors.of(s, 0.9, reps, confidence), reps, pr, er);
  }

  private Interval rise(Seg w, Seg ref) {
    double[] a = w.reps()[RegressionErrors.MAE];
    double[] b = ref.reps()[RegressionErrors.MAE];
    double[] d = new double[a.length];
    for (int r = 0; r < a.length; r++) {
      d[r] = a[r] - b[r];
    }
    return RegressionErrors.interval(d, confidence);
  }

  private static double ks(double[] a, double[] b) {
    return DriftStats.ksAndWasserstein(SortedSample.of(a, "reference"), SortedSample.of(b, "window"))[0];
  }

  @Override
  public CheckValue run(CheckContext ctx) {
    WindowPlan plan = WindowPlan.of(ctx.data(), ctx.reference(), spec);
    ctx.progress("temporal holdout of the errors: " + plan.windows().size() + " windows");
    SplittableRandom rng = ctx.random();
    Segment refSeg = plan.reference();
    Seg ref = seg(ctx, refSeg.table(), refSeg.rows(), rng);
    if (ref.n() < spec.minRows()) {
      throw new UsageException("the reference period has " + ref.n() + " rows, fewer than minRows " + spec.minRows() + "; it cannot anchor the error curve");
    }
    String level = Interval.of(0, 0, confidence, Interval.Method.BOOTSTRAP).levelText();
    List<Measurement> ms = new ArrayList<>();
    ms.add(ref.estimate().measurement("reference_mae", Subject.all(), RegressionErrors.MAE));
    double ceiling = ref.mae() * (1 + maxRise);
    List<Evidence.Point> maePoints = new ArrayList<>();
    List<Evidence.Point> biasPoints = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    List<Evidence.Cell> flagged = new ArrayList<>();
    List<double[]> usable = new ArrayList<>(); // position, mae, n
    Measurement lastRise = null;
    for (Segment w : plan.windows()) {
      Seg s = seg(ctx, w.table(), w.rows(), rng);
      Subject subj = Subject.window(w.label());
      if (s.n() < spec.minRows()) {
        String why = "window " + w.label() + " has " + s.n() + " rows, fewer than minRows " + spec.minRows();
        for (String m : List.of("mae", "mean_error", "mae_rise", "prediction_ks", "residual_ks")) {
          Measurement x = Measurement.inconclusive(m, subj, Double.NaN, s.n(), why);
          ms.add(x);
          if (m.equals("mae_rise")) {
            lastRise = x;
          }
        }
        rows.add(List.of(w.label(), Long.toString(s.n()), "too few rows", "", "", "", ""));
        continue;
      }
      Interval maeCi = s.estimate().interval(RegressionErrors.MAE);
      Interval biasCi = s.estimate().interval(RegressionErrors.MEAN_ERROR);
      double bias = s.estimate().value(RegressionErrors.MEAN_ERROR);
      double predKs = ks(ref.predictions(), s.predictions());
      double resKs = ks(ref.errors(), s.errors());
      ms.add(Measurement.of("mae", subj, s.mae(), maeCi, s.n()));
      ms.add(Measurement.of("mean_error", subj, bias, biasCi, s.n()));
      lastRise = Measurement.of("mae_rise", subj, s.mae() - ref.mae(), rise(s, ref), s.n());
      ms.add(lastRise);
      ms.add(Measurement.of("prediction_ks", subj, predKs, s.n()));
      ms.add(Measurement.of("residual_ks", subj, resKs, s.n()));
      usable.add(new double[] {w.position(), s.mae(), s.n()});
      maePoints.add(new Evidence.Point(w.label(), w.position(), s.mae(), maeCi.lower(), maeCi.upper()));
      biasPoints.add(new Evidence.Point(w.label(), w.position(), bias, biasCi.lower(), biasCi.upper()));
      if (s.mae() > ceiling) {
        flagged.add(new Evidence.Cell(rows.size(), 2));
      }
      rows.add(List.of(w.label(), Long.toString(s.n()), fmt(s.mae()) + " [" + fmt(maeCi.lower()) + ", " + fmt(maeCi.upper()) + "]",
          fmt(s.mae() - ref.mae()), fmt(bias), fmt(predKs), fmt(resKs)));
    }
    ms.add(new Measurement("last_window_mae_rise", Subject.all(), lastRise.value(), lastRise.interval(), lastRise.n(), lastRise.inconclusive()));
    // The retrain estimate: RetrainEstimate fits a decaying quality, so it is given the negated MAE and ceiling.
    String retrainText;
    List<Evidence.Series> series = new ArrayList<>();
    series.add(new Evidence.Series("MAE (" + level + " bootstrap)", maePoints));
    if (usable.size() < 3) {
      ms.add(Measurement.inconclusive("windows_until_retrain", Subject.all(), Double.NaN, usable.size(),
          "only " + usable.size() + " windows have at least minRows rows; a trend needs 3"));
      retrainText = "Too few usable windows (" + usable.size() + ") to fit a trend of the error.";
    } else {
      double[] fx = usable.stream().mapToDouble(u -> u[0]).toArray();
      double[] fy = usable.stream().mapToDouble(u -> -u[1]).toArray();
      double[] fw = usable.stream().mapToDouble(u -> u[2]).toArray();
      double lastX = fx[fx.length - 1];
      RetrainEstimate est = RetrainEstimate.fit(fx, fy, fw, -ceiling, lastX, fy[fy.length - 1], horizon);
      ms.add(Measurement.of("windows_until_retrain", Subject.all(), est.windowsAhead(), usable.size()));
      double x1 = lastX + (est.crosses() ? Math.ceil(est.windowsAhead()) : 0);
      series.add(new Evidence.Series("trend (weighted least squares)", List.of(Evidence.Point.of(fx[0], -(est.intercept() + est.slope() * fx[0])),
          Evidence.Point.of(x1, -(est.intercept() + est.slope() * x1)))));
      retrainText = est.windowsAhead() == 0
          ? "The last usable window's MAE is already above the ceiling " + fmt(ceiling) + ": retrain now."
          : est.crosses()
              ? "The MAE trend (+" + fmt(-est.slope()) + " per window) reaches the ceiling " + fmt(ceiling) + " in " + fmt(est.windowsAhead()) + " windows."
              : "The MAE trend (" + fmt(-est.slope()) + " per window) does not reach the ceiling " + fmt(ceiling) + " within " + horizon + " windows.";
    }
    List<Evidence> ev = new ArrayList<>();
    ev.add(new Evidence.Chart("Mean absolute error per window (reference " + fmt(ref.mae()) + ")", Evidence.ChartKind.LINE, "window", "MAE", series,
        new Evidence.Band("at most the reference MAE x " + fmt(1 + maxRise), 0, ceiling),
        "Mean absolute error of the model in each " + spec.unit().name().toLowerCase() + " window after the reference period, with " + level
            + " bootstrap intervals; the band is up to the reference MAE " + fmt(ref.mae()) + " times " + fmt(1 + maxRise) + ". " + retrainText));
    ev.add(new Evidence.Chart("Mean error (prediction - label) per window", Evidence.ChartKind.LINE, "window", "mean error",
        List.of(new Evidence.Series("mean error (" + level + " bootstrap)", biasPoints)), null,
        "The model's bias in each window: positive when it predicts too high on average, with " + level + " bootstrap intervals."));
    ev.add(new Evidence.Table("Per window (reference MAE " + fmt(ref.mae()) + " on " + ref.n() + " rows)",
        List.of("window", "rows", "MAE [" + level + " CI]", "MAE rise vs reference", "mean error", "KS of predictions", "KS of errors"), rows, 0, flagged));
    for (String g : groups) {
      groupCurves(ctx, plan, g, ms, ev, rng);
    }
    ev.add(new Evidence.Note("How the data was cut", plan.description() + " " + retrainText));
    String summary = "Mean absolute error " + fmt(ref.mae()) + " in the reference period, "
        + (lastRise.inconclusive() == null ? fmt(ref.mae() + lastRise.value()) : "not measurable") + " in the last window (" + plan.last().label()
        + "). " + retrainText;
    return new CheckValue(ms, ev, summary);
  }

  private void groupCurves(CheckContext ctx, WindowPlan plan, String g, List<Measurement> ms, List<Evidence> ev, SplittableRandom rng) {
    List<String> levels = ctx.schema().column(g).categories();
    List<Evidence.Series> series = new ArrayList<>();
    for (int lv = 0; lv < levels.size(); lv++) {
      Segment rs = plan.reference();
      Seg ref = seg(ctx, rs.table(), rowsOf(rs, g, lv), rng);
      List<Evidence.Point> pts = new ArrayList<>();
      Seg last = null;
      for (Segment w : plan.windows()) {
        Seg s = seg(ctx, w.table(), rowsOf(w, g, lv), rng);
        last = s;
        Subject subj = Subject.slice(g, levels.get(lv)).with(Dim.WINDOW, w.label());
        if (s.n() < spec.minRows()) {
          ms.add(Measurement.inconclusive("mae", subj, s.n() == 0 ? Double.NaN : s.mae(), s.n(),
              "group " + g + "=" + levels.get(lv) + " has " + s.n() + " rows in " + w.label() + ", fewer than minRows " + spec.minRows()));
        } else {
          Interval ci = s.estimate().interval(RegressionErrors.MAE);
          ms.add(Measurement.of("mae", subj, s.mae(), ci, s.n()));
          pts.add(new Evidence.Point(w.label(), w.position(), s.mae(), ci.lower(), ci.upper()));
        }
      }
      Subject gs = Subject.slice(g, levels.get(lv));
      if (ref.n() < spec.minRows() || last == null || last.n() < spec.minRows()) {
        ms.add(Measurement.inconclusive("group_last_window_mae_rise", gs, Double.NaN, last == null ? 0 : last.n(),
            "group " + gs + " has " + ref.n() + " reference and " + (last == null ? 0 : last.n()) + " last-window rows; both need minRows " + spec.minRows()));
      } else {
        ms.add(Measurement.of("group_last_window_mae_rise", gs, last.mae() - ref.mae(), last.n()));
      }
      series.add(new Evidence.Series(gs + " (reference " + (ref.n() == 0 ? "n/a" : fmt(ref.mae())) + ")", pts));
    }
    ev.add(new Evidence.Chart("Mean absolute error per window by " + g, Evidence.ChartKind.LINE, "window", "MAE", series, null,
        "Mean absolute error per window for each group of " + g + "."));
  }

  private static int[] rowsOf(Segment s, String column, int level) {
    int[] codes = s.table().categorical(column).codes();
    return java.util.Arrays.stream(s.rows()).filter(r -> codes[r] == level).toArray();
  }
}

package dev.gauntlet.drift;

import static dev.gauntlet.harness.check.MetricCondition.fmt;

import dev.gauntlet.drift.simulate.ShiftedValues;
import dev.gauntlet.drift.simulate.Simulator;
import dev.gauntlet.drift.simulate.ValueShift;
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
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * {@code drift.simulation} in a regression suite: the model's mean absolute error and root mean
 * squared error at each severity of a simulated covariate, label or concept shift of the evaluation
 * data ({@link ValueShift}), with Poisson-bootstrap intervals of the shifted sample, and, on a stream
 * in time order with the shift setting in at a known row, when Page-Hinkley and ADWIN notice it in
 * the absolute errors (in units of the unshifted MAE; DDM reads 0/1 errors and is not run).
 *
 * @param shift makes the shift from the data (a concept shift reads its feature's quantiles)
 * @param severities the severities to try, in [0, 1]
 * @param onset how the shift sets in on the stream, or null for no stream
 * @param changeAt where the change is, as a fraction of the stream, in (0, 1)
 * @param width the gradual transition's length, as a fraction of the stream, in (0, 1 - changeAt]
 * @param streamSeverity the severity after the change on the stream, in (0, 1]
 * @param minRows fewer evaluation rows is a usage error
 * @param bootstrap Poisson bootstrap resamples of the intervals, in [100, 100000]
 * @param confidence the level of the intervals, in [0.5, 0.999]
 */
public record RegressionShiftSimulationCheck(String shiftName, Function<Table, ValueShift> shift, double[] severities, Simulator.Onset onset,
    double changeAt, double width, double streamSeverity, int minRows, int bootstrap, double confidence) implements Check<CheckValue> {

  private static final SubjectShape SEVERITY = SubjectShape.of(Dim.SEVERITY);

  /** The metrics of a regression suite's {@code drift.simulation}. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("unshifted_mae", Direction.LOWER_IS_BETTER, "regression: mean absolute error on the evaluation data before any shift, bootstrap interval")
          .withInterval(),
      MetricDecl.of("unshifted_rmse", Direction.LOWER_IS_BETTER, "regression: root mean squared error before any shift, bootstrap interval").withInterval(),
      MetricDecl.of("mae", Direction.LOWER_IS_BETTER, "regression: mean absolute error after the shift at a severity (severity=<number>), bootstrap interval")
          .withInterval().about(SEVERITY),
      MetricDecl.of("rmse", Direction.LOWER_IS_BETTER, "regression: root mean squared error after the shift at a severity, bootstrap interval")
          .withInterval().about(SEVERITY),
      MetricDecl.of("mae_rise", Direction.LOWER_IS_BETTER, "regression: the MAE at a severity minus the unshifted MAE").about(SEVERITY),
      MetricDecl.of("rmse_rise", Direction.LOWER_IS_BETTER, "regression: the RMSE at a severity minus the unshifted RMSE").about(SEVERITY),
      MetricDecl.of("max_mae_rise", Direction.LOWER_IS_BETTER, "regression: largest mae_rise over the severities"),
      MetricDecl.of("max_rmse_rise", Direction.LOWER_IS_BETTER, "regression: largest rmse_rise over the severities"),
      StreamRun.DETECTION_DELAY,
      StreamRun.FALSE_ALARMS);

  /** The parameters only a regression suite's {@code drift.simulation} takes (beyond those of {@link ShiftSimulationCheck#PARAMS}). */
  public static final List<ParamDecl> PARAMS = List.of(
      ParamDecl.of("quantile", "number in (0, 1)", "0.5", "regression label shift: rows whose label is above this quantile are the high rows"),
      ParamDecl.of("offset", "non-zero number", "the label's standard deviation", "regression concept shift: what the label moves by"),
      ParamDecl.of("bootstrap", "integer in [100, 100000]", "500", "regression: Poisson bootstrap resamples of the MAE and RMSE intervals"),
      ParamDecl.of("confidence", "number in [0.5, 0.999]", "0.95", "regression: level of the intervals"));

  /** The one validator of the parameters, for Java and YAML. */
  public RegressionShiftSimulationCheck {
    Objects.requireNonNull(shift, "shift");
    severities = severities.clone();
    ShiftSimulationCheck.requireShiftParams(severities, changeAt, width, streamSeverity, minRows);
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
    return "Simulated " + shiftName;
  }

  @Override
  public Trial trial() {
    return Trial.DRIFT;
  }

  @Override
  public String description() {
    return "Applies a simulated shift to the evaluation data at growing severity and reports how far off the model's predictions become"
        + " (MAE and RMSE against severity)"
        + (onset == null ? "." : ", then injects it " + onset.name().toLowerCase() + "ly into a time-ordered stream to see when each detector fires.");
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  private RegressionErrors.Estimate errors(double[] p, double[] y, SplittableRandom rnd) {
    return RegressionErrors.estimate(RegressionSummary.of(p, y), 0.9, bootstrap, confidence, rnd.nextLong());
  }

  private String withInterval(RegressionErrors.Estimate e, int metric) {
    return fmt(e.value(metric)) + " [" + fmt(e.lower()[metric]) + ", " + fmt(e.upper()[metric]) + "]";
  }

  @Override
  public CheckValue run(CheckContext ctx) {
    Table t = ctx.data();
    if (t.rowCount() < minRows) {
      throw new UsageException("the evaluation data has " + t.rowCount() + " rows, fewer than minRows " + minRows);
    }
    double[] y = t.numeric(ctx.label().name());
    double[] p = ctx.predictions(t).values();
    ValueShift s = shift.apply(t);
    SplittableRandom rnd = ctx.random();
    List<Measurement> ms = new ArrayList<>();
    int n = y.length;
    RegressionErrors.Estimate base = errors(p, y, rnd.split());
    double baseMae = base.value(RegressionErrors.MAE);
    double baseRmse = base.value(RegressionErrors.RMSE);
    ms.add(base.measurement("unshifted_mae", Subject.all(), RegressionErrors.MAE));
    ms.add(base.measurement("unshifted_rmse", Subject.all(), RegressionErrors.RMSE));
    List<Evidence.Point> maePts = new ArrayList<>();
    List<Evidence.Point> rmsePts = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    double maxMae = 0;
    double maxRmse = 0;
    double[] sev = severities.clone();
    Arrays.sort(sev);
    for (double sv : sev) {
      ShiftedValues sh = Simulator.batch(s, t, y, sv, rnd.split());
      RegressionErrors.Estimate e = errors(sh.predictions(p), sh.labels(), rnd.split());
      int m = sh.rows().length;
      double mae = e.value(RegressionErrors.MAE);
      double rmse = e.value(RegressionErrors.RMSE);
      Subject subj = Subject.severity(sv);
      ms.add(e.measurement("mae", subj, RegressionErrors.MAE));
      ms.add(e.measurement("rmse", subj, RegressionErrors.RMSE));
      ms.add(Measurement.of("mae_rise", subj, mae - baseMae, m));
      ms.add(Measurement.of("rmse_rise", subj, rmse - baseRmse, m));
      maxMae = Math.max(maxMae, mae - baseMae);
      maxRmse = Math.max(maxRmse, rmse - baseRmse);
      maePts.add(new Evidence.Point(fmt(sv), sv, mae, e.lower()[RegressionErrors.MAE], e.upper()[RegressionErrors.MAE]));
      rmsePts.add(new Evidence.Point(fmt(sv), sv, rmse, e.lower()[RegressionErrors.RMSE], e.upper()[RegressionErrors.RMSE]));
      rows.add(List.of(fmt(sv), withInterval(e, RegressionErrors.MAE), withInterval(e, RegressionErrors.RMSE), fmt(mae - baseMae), fmt(rmse - baseRmse),
          fmt(Arrays.stream(sh.labels()).average().orElse(Double.NaN))));
    }
    ms.add(Measurement.of("max_mae_rise", Subject.all(), maxMae, n));
    ms.add(Measurement.of("max_rmse_rise", Subject.all(), maxRmse, n));
    String level = Interval.of(0, 0, confidence, Interval.Method.BOOTSTRAP).levelText();
    List<Evidence> ev = new ArrayList<>();
    ev.add(new Evidence.Chart("Error against severity: " + s.describe(), Evidence.ChartKind.LINE, "severity", "error",
        List.of(new Evidence.Series("MAE (" + level + " bootstrap)", maePts), new Evidence.Series("RMSE (" + level + " bootstrap)", rmsePts)), null,
        "Mean absolute error and root mean squared error of the model on the evaluation data after " + s.describe() + " at severities "
            + Arrays.toString(sev) + "; unshifted MAE " + fmt(baseMae) + " and RMSE " + fmt(baseRmse) + ", largest MAE rise " + fmt(maxMae) + "."));
    ev.add(new Evidence.Table("Error per severity (unshifted MAE " + fmt(baseMae) + ", RMSE " + fmt(baseRmse) + ")",
        List.of("severity", "MAE [" + level + " CI]", "RMSE [" + level + " CI]", "MAE rise", "RMSE rise", "mean label"), rows));
    String streamText = "";
    if (onset != null) {
      int[] order = ShiftSimulationCheck.timeOrder(ctx, t);
      int change = (int) Math.round(changeAt * order.length);
      int w = Math.max(1, (int) Math.round(width * order.length));
      ShiftedValues stream = Simulator.stream(s, t, y, order, change, onset, w, streamSeverity, rnd.split());
      String what = "a " + onset.name().toLowerCase() + " " + s.describe() + " (severity " + fmt(streamSeverity) + ")";
      streamText = " On a stream with " + what + " at row " + change + ", over the absolute errors in units of the unshifted MAE:"
          + StreamRun.detect(StreamRun.scaled(stream.absoluteErrors(p), baseMae), change, what, ms, ev, StreamRun.realValued(), StreamRun.SCALED_ERROR);
    }
    return new CheckValue(ms, ev, "Under " + s.describe() + " the MAE rises from " + fmt(baseMae) + " by up to " + fmt(maxMae) + " and the RMSE from "
        + fmt(baseRmse) + " by up to " + fmt(maxRmse) + "." + streamText);
  }
}

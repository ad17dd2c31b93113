package dev.gauntlet.drift;

import static dev.gauntlet.harness.check.MetricCondition.fmt;

import dev.gauntlet.drift.simulate.Shift;
import dev.gauntlet.drift.simulate.Shifted;
import dev.gauntlet.drift.simulate.Simulator;
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
import dev.gauntlet.harness.stats.Intervals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Rehearses a distribution shift on the evaluation data: the model's accuracy at each severity of
 * a simulated covariate, label (prior) or concept shift, and, on a stream in time order with the
 * shift setting in suddenly or gradually at a known row, when each streaming detector notices.
 *
 * <p>Metrics ({@link #METRICS}): {@code accuracy} and {@code accuracy_drop} (against the unshifted
 * data) per {@code severity=<s>}; {@code unshifted_accuracy}, {@code max_accuracy_drop}; with a
 * stream, {@code detection_delay} and {@code false_alarms} per {@code detector=<name>}.
 *
 * @param shift makes the shift from the data (so a concept shift can read its feature's quantiles)
 * @param severities the severities to try, in [0, 1]
 * @param onset how the shift sets in on the stream, or null for no stream
 * @param changeAt where the change is, as a fraction of the stream
 * @param width the gradual transition's length, as a fraction of the stream
 * @param streamSeverity the severity after the change on the stream
 */
public record ShiftSimulationCheck(String shiftName, Function<Table, Shift> shift, double[] severities, Simulator.Onset onset,
    double changeAt, double width, double streamSeverity, int minRows) implements Check<CheckValue> {

  /** The level of the accuracy intervals. */
  static final double LEVEL = 0.95;

  /** The metrics, published with the {@code drift.simulation} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("unshifted_accuracy", Direction.HIGHER_IS_BETTER, "accuracy on the evaluation data before any shift"),
      MetricDecl.of("accuracy", Direction.HIGHER_IS_BETTER, "accuracy after the shift at a severity (severity=<number>), Wilson interval")
          .withInterval().about(SubjectShape.of(Dim.SEVERITY)),
      MetricDecl.of("accuracy_drop", Direction.LOWER_IS_BETTER, "unshifted accuracy minus the accuracy at a severity").about(SubjectShape.of(Dim.SEVERITY)),
      MetricDecl.of("max_accuracy_drop", Direction.LOWER_IS_BETTER, "largest accuracy_drop over the severities"),
      StreamRun.DETECTION_DELAY,
      StreamRun.FALSE_ALARMS);

  /** The parameters, published with the {@code drift.simulation} type. */
  public static final List<ParamDecl> PARAMS = List.of(
      ParamDecl.of("shift", "covariate | prior | concept", "required", "the kind of shift"),
      ParamDecl.of("feature", "column", "required for covariate and concept", "the feature the shift moves (numeric for concept)"),
      ParamDecl.of("level", "category", "required for a categorical covariate", "the category made more frequent"),
      ParamDecl.of("target", "number in (0, 1)", "0.5", "a prior shift's positive share at severity 1"),
      ParamDecl.of("severities", "list of numbers in [0, 1]", "[0, 0.25, 0.5, 0.75, 1]", "the severities to try"),
      ParamDecl.of("onset", "sudden | gradual | none", "sudden", "how the shift sets in on the time-ordered stream (none: no stream)"),
      ParamDecl.of("changeAt", "number in (0, 1)", "0.5", "where the change is, as a fraction of the stream"),
      ParamDecl.of("width", "number in (0, 1 - changeAt]", "min(0.1, 1 - changeAt)", "the gradual transition's length, as a fraction of the stream"),
      ParamDecl.of("streamSeverity", "number in (0, 1]", "1", "the severity after the change on the stream"),
      ParamDecl.of("minRows", "integer >= 1", "100", "fewer evaluation rows than this is a usage error"));

  /** The one validator of the parameters, for Java and YAML. */
  public ShiftSimulationCheck {
    Objects.requireNonNull(shift, "shift");
    severities = severities.clone();
    requireShiftParams(severities, changeAt, width, streamSeverity, minRows);
  }

  /** The parameters both task's simulations share (severities, the stream's change, minRows), validated once. */
  static void requireShiftParams(double[] severities, double changeAt, double width, double streamSeverity, int minRows) {
    ParamException.require(severities.length > 0, "severities", "give at least one severity");
    for (double s : severities) {
      ParamException.require(s >= 0 && s <= 1, "severities", "every severity must be in [0, 1], got " + s);
    }
    ParamException.require(changeAt > 0 && changeAt < 1, "changeAt", "changeAt is a fraction of the stream in (0, 1), got " + changeAt);
    ParamException.require(width > 0 && width <= 1 - changeAt, "width", "width is a fraction of the stream in (0, " + (1 - changeAt) + "], got " + width);
    ParamException.require(streamSeverity > 0 && streamSeverity <= 1, "streamSeverity", "streamSeverity must be in (0, 1], got " + streamSeverity);
    ParamException.require(minRows >= 1, "minRows", "minRows must be at least 1, got " + minRows);
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
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
    return "Applies a simulated shift to the evaluation data at growing severity and reports the model's accuracy against severity"
        + (onset == null ? "." : ", then injects it " + onset.name().toLowerCase() + "ly into a time-ordered stream to see when each detector fires.");
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  @Override
  public CheckValue run(CheckContext ctx) {
    Table t = ctx.data();
    int[] labels = t.labels();
    int classes = ctx.label().categories().size();
    int[] decisions = ctx.predictions(t).decisions();
    if (t.rowCount() < minRows) {
      throw new dev.gauntlet.harness.UsageException("the evaluation data has " + t.rowCount() + " rows, fewer than minRows " + minRows);
    }
    Shift s = shift.apply(t);
    SplittableRandom rnd = ctx.random();
    List<Measurement> ms = new ArrayList<>();
    long base = 0;
    for (int i = 0; i < labels.length; i++) {
      base += decisions[i] == labels[i] ? 1 : 0;
    }
    double baseAcc = (double) base / labels.length;
    ms.add(Measurement.of("unshifted_accuracy", Subject.all(), baseAcc, labels.length));
    List<Evidence.Point> pts = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    double maxDrop = 0;
    double[] sev = severities.clone();
    Arrays.sort(sev);
    for (double sv : sev) {
      Shifted sh = Simulator.batch(s, t, labels, classes, sv, rnd.split());
      long correct = sh.correct(decisions);
      int n = sh.rows().length;
      double acc = (double) correct / n;
      double[] ci = Intervals.wilson(correct, n, LEVEL);
      Subject subj = Subject.severity(sv);
      ms.add(Measurement.of("accuracy", subj, acc, Interval.of(ci[0], ci[1], LEVEL, Interval.Method.WILSON), n));
      ms.add(Measurement.of("accuracy_drop", subj, baseAcc - acc, n));
      maxDrop = Math.max(maxDrop, baseAcc - acc);
      pts.add(new Evidence.Point(fmt(sv), sv, acc, ci[0], ci[1]));
      rows.add(List.of(fmt(sv), fmt(acc) + " [" + fmt(ci[0]) + ", " + fmt(ci[1]) + "]", fmt(baseAcc - acc), positiveShare(sh, ctx)));
    }
    ms.add(Measurement.of("max_accuracy_drop", Subject.all(), maxDrop, labels.length));
    List<Evidence> ev = new ArrayList<>();
    ev.add(new Evidence.Chart("Accuracy against severity: " + s.describe(), Evidence.ChartKind.LINE, "severity", "accuracy",
        List.of(new Evidence.Series("accuracy (" + levelText() + " Wilson)", pts)), null,
        "Accuracy of the model on the evaluation data after " + s.describe() + " at severities " + Arrays.toString(sev)
            + "; unshifted accuracy " + fmt(baseAcc) + ", largest drop " + fmt(maxDrop) + "."));
    ev.add(new Evidence.Table("Accuracy per severity (unshifted " + fmt(baseAcc) + ")",
        List.of("severity", "accuracy [" + levelText() + " CI]", "drop", "share of positive labels"), rows));
    String streamText = "";
    if (onset != null) {
      int[] order = timeOrder(ctx, t);
      int change = (int) Math.round(changeAt * order.length);
      int w = Math.max(1, (int) Math.round(width * order.length));
      Shifted stream = Simulator.stream(s, t, labels, classes, order, change, onset, w, streamSeverity, rnd.split());
      String what = "a " + onset.name().toLowerCase() + " " + s.describe() + " (severity " + fmt(streamSeverity) + ")";
      streamText = " On a stream with " + what + " at row " + change + ":" + StreamRun.detect(stream.errors(decisions), change, what, ms, ev);
    }
    return new CheckValue(ms, ev, "Under " + s.describe() + " accuracy falls from " + fmt(baseAcc) + " by up to " + fmt(maxDrop)
        + " at the largest severity." + streamText);
  }

  private static String levelText() {
    return Interval.of(0, 1, LEVEL, Interval.Method.WILSON).levelText();
  }

  private static String positiveShare(Shifted sh, CheckContext ctx) {
    int pos = ctx.label().positiveIndex();
    return fmt((double) Arrays.stream(sh.labels()).filter(y -> y == pos).count() / sh.labels().length);
  }

  static int[] timeOrder(CheckContext ctx, Table t) {
    if (ctx.schema().time().isEmpty()) {
      return IntStream.range(0, t.rowCount()).toArray();
    }
    long[] ts = t.timestamps(ctx.schema().time().get().name());
    return IntStream.range(0, t.rowCount()).boxed().sorted(Comparator.comparingLong(i -> ts[i])).mapToInt(Integer::intValue).toArray();
  }
}

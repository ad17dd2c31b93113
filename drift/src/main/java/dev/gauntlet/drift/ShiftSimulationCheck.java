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
 * <p>Metrics: {@code accuracy} and {@code accuracy_drop} (against the unshifted data) per
 * {@code severity=s}; {@code max_accuracy_drop}; with a stream, {@code detection_delay} and
 * {@code false_alarms} per detector.
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

  public ShiftSimulationCheck {
    Objects.requireNonNull(shift, "shift");
    severities = severities.clone();
    if (severities.length == 0) {
      throw new IllegalArgumentException("give at least one severity");
    }
    for (double s : severities) {
      if (!(s >= 0 && s <= 1)) {
        throw new IllegalArgumentException("severity " + s + " is outside [0, 1]");
      }
    }
    if (!(changeAt > 0 && changeAt < 1)) {
      throw new IllegalArgumentException("changeAt must be a fraction in (0, 1), got " + changeAt);
    }
    if (!(width > 0 && width <= 1 - changeAt)) {
      throw new IllegalArgumentException("width must be in (0, 1 - changeAt], got " + width);
    }
    if (!(streamSeverity > 0 && streamSeverity <= 1)) {
      throw new IllegalArgumentException("stream severity must be in (0, 1], got " + streamSeverity);
    }
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
    ms.add(Measurement.of("unshifted_accuracy", "", baseAcc, labels.length));
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
      double[] ci = Intervals.wilson(correct, n, 0.95);
      String subj = "severity=" + fmt(sv);
      ms.add(Measurement.withInterval("accuracy", subj, acc, ci[0], ci[1], n));
      ms.add(Measurement.of("accuracy_drop", subj, baseAcc - acc, n));
      maxDrop = Math.max(maxDrop, baseAcc - acc);
      pts.add(new Evidence.Point(fmt(sv), sv, acc, ci[0], ci[1]));
      rows.add(List.of(fmt(sv), fmt(acc) + " [" + fmt(ci[0]) + ", " + fmt(ci[1]) + "]", fmt(baseAcc - acc), positiveShare(sh, ctx)));
    }
    ms.add(Measurement.of("max_accuracy_drop", "", maxDrop, labels.length));
    List<Evidence> ev = new ArrayList<>();
    ev.add(new Evidence.Chart("Accuracy against severity: " + s.describe(), Evidence.ChartKind.LINE, "severity", "accuracy",
        List.of(new Evidence.Series("accuracy (95% Wilson)", pts)), null,
        "Accuracy of the model on the evaluation data after " + s.describe() + " at severities " + Arrays.toString(sev)
            + "; unshifted accuracy " + fmt(baseAcc) + ", largest drop " + fmt(maxDrop) + "."));
    ev.add(new Evidence.Table("Accuracy per severity (unshifted " + fmt(baseAcc) + ")",
        List.of("severity", "accuracy [95% CI]", "drop", "share of positive labels"), rows));
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

  private static String positiveShare(Shifted sh, CheckContext ctx) {
    int pos = ctx.label().positiveIndex();
    return fmt((double) Arrays.stream(sh.labels()).filter(y -> y == pos).count() / sh.labels().length);
  }

  private static int[] timeOrder(CheckContext ctx, Table t) {
    if (ctx.schema().time().isEmpty()) {
      return IntStream.range(0, t.rowCount()).toArray();
    }
    long[] ts = t.timestamps(ctx.schema().time().get().name());
    return IntStream.range(0, t.rowCount()).boxed().sorted(Comparator.comparingLong(i -> ts[i])).mapToInt(Integer::intValue).toArray();
  }
}

package dev.gauntlet.drift;

import static dev.gauntlet.harness.check.MetricCondition.fmt;

import dev.gauntlet.drift.detect.DriftDetector;
import dev.gauntlet.drift.simulate.SyntheticStream;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.data.Column;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Streaming detectors (Page-Hinkley, DDM, ADWIN, published defaults) over the model's per-row
 * errors in time order on the evaluation data, or over a synthetic stream with known change points
 * (SEA concepts, rotating hyperplane) to rehearse them.
 *
 * <p>Metrics ({@link #METRICS}, subject {@code detector=page-hinkley|ddm|adwin}): on the model's
 * data {@code alarms} and {@code first_alarm_row} (inconclusive when it never fires); on a
 * synthetic stream {@code detection_delay} and {@code false_alarms}.
 *
 * @param source where the error stream comes from
 * @param rows the length of a synthetic stream
 */
public record DetectorCheck(Source source, int rows) implements Check<CheckValue> {

  /** The error stream's source. */
  public enum Source {
    /** The model's errors on the evaluation data, in time order. */
    MODEL,
    /** SEA concepts with a sudden change from theta 8 to 7 in the middle; the model is the first concept. */
    SEA,
    /** A hyperplane that starts rotating in the middle; the model is the initial plane. */
    HYPERPLANE
  }

  /** The metrics, published with the {@code drift.detectors} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("alarms", Direction.LOWER_IS_BETTER, "alarms of a detector over the model's errors in time order (detector=page-hinkley, ddm, adwin)")
          .about(SubjectShape.of(Dim.DETECTOR)),
      MetricDecl.of("first_alarm_row", Direction.HIGHER_IS_BETTER, "row (in time order) of the detector's first alarm; INCONCLUSIVE when it never fires")
          .about(SubjectShape.of(Dim.DETECTOR)),
      StreamRun.DETECTION_DELAY,
      StreamRun.FALSE_ALARMS);

  /** The parameters, published with the {@code drift.detectors} type. */
  public static final List<ParamDecl> PARAMS = List.of(
      ParamDecl.of("source", "model | sea | hyperplane", "model", "the model's errors in time order, or a synthetic stream with a known change"),
      ParamDecl.of("rows", "integer in [200, 10000000]", "20000", "length of a synthetic stream (sea, hyperplane only)"));

  /** The one validator of the parameters, for Java and YAML. */
  public DetectorCheck {
    Objects.requireNonNull(source, "source");
    if (source != Source.MODEL) {
      ParamException.inRange("rows", rows, 200, 10_000_000);
    }
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
  }

  @Override
  public String title() {
    return "Streaming drift detectors on " + switch (source) {
      case MODEL -> "the model's errors";
      case SEA -> "a SEA-concepts stream";
      case HYPERPLANE -> "a rotating-hyperplane stream";
    };
  }

  @Override
  public Trial trial() {
    return Trial.DRIFT;
  }

  @Override
  public String description() {
    return "Runs Page-Hinkley, DDM and ADWIN with their published defaults over a stream of per-row errors and reports when each fires.";
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  @Override
  public CheckValue run(CheckContext ctx) {
    List<Measurement> ms = new ArrayList<>();
    List<Evidence> ev = new ArrayList<>();
    if (source != Source.MODEL) {
      SyntheticStream s = source == Source.SEA
          ? SyntheticStream.sea(rows, new double[] {8, 7}, new int[] {rows / 2}, 0.1, ctx.random())
          : SyntheticStream.hyperplane(rows, 10, rows / 2, 0.001, 0.05, ctx.random());
      String what = source == Source.SEA ? "SEA concepts (theta 8 -> 7, 10% noise)" : "a rotating hyperplane (10 dimensions, 5% noise)";
      String text = StreamRun.detect(s.modelErrors(), s.changePoints()[0], what, ms, ev);
      return new CheckValue(ms, ev, "On " + what + " with its change at row " + s.changePoints()[0] + ":" + text);
    }
    Table t = ctx.data();
    String time = ctx.schema().time().orElseThrow(() -> new dev.gauntlet.harness.UsageException(
        "schema '" + ctx.schema().name() + "' has no time column; the detectors read the model's errors in time order")).name();
    long[] ts = t.timestamps(time);
    int[] order = IntStream.range(0, t.rowCount()).boxed().sorted(Comparator.comparingLong(i -> ts[i])).mapToInt(Integer::intValue).toArray();
    int[] d = ctx.predictions(t).decisions();
    int[] y = t.labels();
    double[] err = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      err[i] = d[order[i]] == y[order[i]] ? 0 : 1;
    }
    Column.Timestamp tc = (Column.Timestamp) t.column(time);
    List<List<String>> rowsOut = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (DriftDetector det : DriftDetector.defaults()) {
      int[] alarms = DriftDetector.alarms(det, err);
      String name = det.name().substring(0, det.name().indexOf('('));
      Subject subject = Subject.detector(StreamRun.id(det));
      ms.add(Measurement.of("alarms", subject, alarms.length, err.length));
      if (alarms.length == 0) {
        ms.add(Measurement.inconclusive("first_alarm_row", subject, Double.NaN, err.length, name + " raised no alarm"));
        text.append(' ').append(name).append(" raised no alarm;");
      } else {
        ms.add(Measurement.of("first_alarm_row", subject, alarms[0], err.length));
        text.append(' ').append(name).append(" first fired at row ").append(alarms[0]).append(" (").append(tc.format(order[alarms[0]])).append(");");
      }
      List<String> when = new ArrayList<>();
      for (int k = 0; k < Math.min(5, alarms.length); k++) {
        when.add(alarms[k] + " (" + tc.format(order[alarms[k]]) + ")");
      }
      rowsOut.add(List.of(det.name(), Integer.toString(alarms.length), alarms.length == 0 ? "none" : String.join(", ", when)
          + (alarms.length > 5 ? ", ..." : "")));
    }
    ev.add(new Evidence.Table("Alarms over the model's errors in time order (" + err.length + " rows, error rate " + fmt(StreamRun.mean(err, 0, err.length)) + ")",
        List.of("detector", "alarms", "first alarms: row (time)"), rowsOut));
    ev.add(StreamRun.errorChart(err, -1, "the model's errors in time order"));
    return new CheckValue(ms, ev, "Over " + err.length + " rows in time order:" + text);
  }
}

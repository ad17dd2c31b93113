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
 * <p>A regression model's error stream is its absolute errors |prediction - label| divided by their
 * mean over the stream (so the published defaults, tuned on 0/1 errors, apply in units of the MAE);
 * Page-Hinkley and ADWIN take such real values. DDM reads a 0/1 stream: with {@code errorAbove}
 * tau the stream is 1 where the absolute error is above tau, else 0, and every detector runs on it.
 *
 * @param source where the error stream comes from
 * @param rows the length of a synthetic stream
 * @param detectors the detectors to run, by subject name (page-hinkley, ddm, adwin); empty = the
 *     default: all three, or page-hinkley and adwin over a regression model's real-valued errors
 * @param errorAbove regression: counts an absolute error above it as an error (a 0/1 stream), or NaN
 */
public record DetectorCheck(Source source, int rows, List<String> detectors, double errorAbove) implements Check<CheckValue> {

  /** The detectors' subject names. */
  static final List<String> NAMES = List.of("page-hinkley", "ddm", "adwin");

  /** The default detectors over a synthetic or classifier's stream. */
  public DetectorCheck(Source source, int rows) {
    this(source, rows, List.of(), Double.NaN);
  }

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
      ParamDecl.of("rows", "integer in [200, 10000000]", "20000", "length of a synthetic stream (sea, hyperplane only)"),
      ParamDecl.of("detectors", "list of page-hinkley | ddm | adwin", "all three (regression: page-hinkley, adwin)",
          "the detectors to run; DDM needs a 0/1 error stream (regression: set errorAbove)"),
      ParamDecl.of("errorAbove", "number >= 0", "none", "regression: an absolute error above it counts as an error, making a 0/1 stream for every detector"));

  /** The one validator of the parameters, for Java and YAML. */
  public DetectorCheck {
    Objects.requireNonNull(source, "source");
    if (source != Source.MODEL) {
      ParamException.inRange("rows", rows, 200, 10_000_000);
    }
    detectors = List.copyOf(detectors);
    for (String d : detectors) {
      ParamException.require(NAMES.contains(d), "detectors", "unknown detector '" + d + "'; expected page-hinkley, ddm or adwin");
    }
    ParamException.require(detectors.stream().distinct().count() == detectors.size(), "detectors", "detectors lists a detector twice: " + detectors);
    ParamException.require(Double.isNaN(errorAbove) || (errorAbove >= 0 && Double.isFinite(errorAbove)), "errorAbove",
        "errorAbove must be a finite number >= 0, got " + errorAbove);
    ParamException.require(Double.isNaN(errorAbove) || source == Source.MODEL, "errorAbove", "errorAbove applies to the model's errors (source: model)");
  }

  @Override
  public Set<dev.gauntlet.harness.model.Task> tasks() {
    return Set.of(dev.gauntlet.harness.model.Task.CLASSIFICATION, dev.gauntlet.harness.model.Task.REGRESSION);
  }

  /**
   * The detectors to run in a suite of {@code task}; {@link dev.gauntlet.harness.UsageException} when DDM is asked for on a
   * regression model's real-valued errors (no {@code errorAbove}).
   */
  List<DriftDetector> chosen(dev.gauntlet.harness.model.Task task) {
    boolean real = task == dev.gauntlet.harness.model.Task.REGRESSION && Double.isNaN(errorAbove);
    List<String> names = !detectors.isEmpty() ? detectors : real ? List.of("page-hinkley", "adwin") : NAMES;
    List<DriftDetector> out = new ArrayList<>();
    for (String n : names) {
      if (n.equals("ddm") && real) {
        throw new ParamException("detectors", "detector 'ddm' (DDM, Gama et al. 2004) reads a 0/1 error stream, but a regression model's errors are"
            + " real numbers: set errorAbove: <tau> to count an absolute error above tau as an error, or list only page-hinkley and adwin,"
            + " which take real values");
      }
      out.add(switch (n) {
        case "page-hinkley" -> new dev.gauntlet.drift.detect.PageHinkley();
        case "ddm" -> new dev.gauntlet.drift.detect.Ddm();
        default -> new dev.gauntlet.drift.detect.Adwin();
      });
    }
    return out;
  }

  /**
   * A regression model's error stream, in time order: 1/0 for an absolute error above/not above
   * {@code errorAbove}, else the absolute errors divided by their mean (unscaled when it is 0).
   */
  double[] regressionStream(double[] predictions, double[] labels, int[] order) {
    double[] abs = new double[order.length];
    double sum = 0;
    for (int i = 0; i < order.length; i++) {
      abs[i] = Math.abs(predictions[order[i]] - labels[order[i]]);
      sum += abs[i];
    }
    if (!Double.isNaN(errorAbove)) {
      for (int i = 0; i < abs.length; i++) {
        abs[i] = abs[i] > errorAbove ? 1 : 0;
      }
      return abs;
    }
    return StreamRun.scaled(abs, sum / Math.max(1, abs.length));
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
      chosen(dev.gauntlet.harness.model.Task.CLASSIFICATION);
      SyntheticStream s = source == Source.SEA
          ? SyntheticStream.sea(rows, new double[] {8, 7}, new int[] {rows / 2}, 0.1, ctx.random())
          : SyntheticStream.hyperplane(rows, 10, rows / 2, 0.001, 0.05, ctx.random());
      String what = source == Source.SEA ? "SEA concepts (theta 8 -> 7, 10% noise)" : "a rotating hyperplane (10 dimensions, 5% noise)";
      String text = StreamRun.detect(s.modelErrors(), s.changePoints()[0], what, ms, ev, chosen(dev.gauntlet.harness.model.Task.CLASSIFICATION),
          StreamRun.ERROR_RATE);
      return new CheckValue(ms, ev, "On " + what + " with its change at row " + s.changePoints()[0] + ":" + text);
    }
    Table t = ctx.data();
    String time = ctx.schema().time().orElseThrow(() -> new dev.gauntlet.harness.UsageException(
        "schema '" + ctx.schema().name() + "' has no time column; the detectors read the model's errors in time order")).name();
    long[] ts = t.timestamps(time);
    int[] order = IntStream.range(0, t.rowCount()).boxed().sorted(Comparator.comparingLong(i -> ts[i])).mapToInt(Integer::intValue).toArray();
    boolean regression = ctx.task() == dev.gauntlet.harness.model.Task.REGRESSION;
    if (!regression && !Double.isNaN(errorAbove)) {
      throw new ParamException("errorAbove", "errorAbove applies to a regression suite (a numeric label); a classifier's errors are already 0/1");
    }
    List<DriftDetector> dets = chosen(ctx.task());
    double[] err;
    if (regression) {
      err = regressionStream(ctx.predictions(t).values(), t.numeric(ctx.label().name()), order);
    } else {
      int[] d = ctx.predictions(t).decisions();
      int[] y = t.labels();
      err = new double[order.length];
      for (int i = 0; i < order.length; i++) {
        err[i] = d[order[i]] == y[order[i]] ? 0 : 1;
      }
    }
    boolean real = regression && Double.isNaN(errorAbove);
    String quantity = real ? "mean absolute error / MAE" : regression ? "share of absolute errors above " + fmt(errorAbove) : StreamRun.ERROR_RATE;
    String errors = real ? "absolute errors (in units of their mean " : regression ? "errors (absolute error above " + fmt(errorAbove) + ", " : "errors (";
    Column.Timestamp tc = (Column.Timestamp) t.column(time);
    List<List<String>> rowsOut = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (DriftDetector det : dets) {
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
    double mean = real ? StreamRun.mean(regressionStreamRaw(ctx, t, order), 0, order.length) : StreamRun.mean(err, 0, err.length);
    ev.add(new Evidence.Table("Alarms over the model's " + errors + (real ? "" : "rate ") + fmt(mean) + ") in time order, " + err.length + " rows",
        List.of("detector", "alarms", "first alarms: row (time)"), rowsOut));
    ev.add(StreamRun.errorChart(err, -1, "the model's " + (real ? "absolute errors" : "errors") + " in time order", quantity));
    return new CheckValue(ms, ev, "Over " + err.length + " rows in time order" + (real ? " (absolute errors in units of their mean, MAE " + fmt(mean) + ")"
        : regression ? " (absolute errors above " + fmt(errorAbove) + " counted as errors)" : "") + ":" + text);
  }

  private static double[] regressionStreamRaw(CheckContext ctx, Table t, int[] order) {
    double[] p = ctx.predictions(t).values();
    double[] y = t.numeric(ctx.label().name());
    double[] abs = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      abs[i] = Math.abs(p[order[i]] - y[order[i]]);
    }
    return abs;
  }
}

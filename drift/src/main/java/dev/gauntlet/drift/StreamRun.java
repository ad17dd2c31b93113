package dev.gauntlet.drift;

import static dev.gauntlet.harness.check.MetricCondition.fmt;

import dev.gauntlet.drift.detect.DriftDetector;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import dev.gauntlet.harness.metric.SubjectShape;
import java.util.Locale;
import java.util.ArrayList;
import java.util.List;

/** Runs the default detectors over an error stream with a known change point, as measurements and evidence. */
final class StreamRun {
  private StreamRun() {}

  /** {@code detection_delay} per detector ({@code detector=<name>}). */
  static final MetricDecl DETECTION_DELAY = MetricDecl.of("detection_delay", Direction.LOWER_IS_BETTER,
      "rows from the true change to the detector's first alarm at or after it (detector=page-hinkley, ddm, adwin)").about(SubjectShape.of(Dim.DETECTOR));
  /** {@code false_alarms} per detector. */
  static final MetricDecl FALSE_ALARMS = MetricDecl.of("false_alarms", Direction.LOWER_IS_BETTER, "the detector's alarms before the true change")
      .about(SubjectShape.of(Dim.DETECTOR));

  /** The detector's subject name: {@code page-hinkley}, {@code ddm}, {@code adwin}. */
  static String id(DriftDetector d) {
    return d.name().substring(0, d.name().indexOf('(')).toLowerCase(Locale.ROOT);
  }

  /**
   * Adds {@code detection_delay} (rows from the change to the first alarm at or after it;
   * inconclusive when none fires) and {@code false_alarms} (alarms before the change) per detector,
   * a table, and a chart of the error rate along the stream.
   */
  static String detect(double[] errors, int changeAt, String what, List<Measurement> ms, List<Evidence> ev) {
    return detect(errors, changeAt, what, ms, ev, DriftDetector.defaults(), ERROR_RATE);
  }

  /** How the chart names the stream's values: a classifier's 0/1 errors. */
  static final String ERROR_RATE = "error rate";

  /** How the chart names a regression model's scaled absolute errors. */
  static final String SCALED_ERROR = "mean absolute error / unshifted MAE";

  /**
   * As {@link #detect(double[], int, String, List, List)} with the given detectors, over a stream of
   * values named {@code quantity} in the chart ({@link #ERROR_RATE} or {@link #SCALED_ERROR}).
   */
  static String detect(double[] errors, int changeAt, String what, List<Measurement> ms, List<Evidence> ev, List<DriftDetector> detectors,
      String quantity) {
    List<List<String>> rows = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (DriftDetector d : detectors) {
      int[] alarms = DriftDetector.alarms(d, errors);
      int before = 0;
      int first = -1;
      for (int a : alarms) {
        if (a < changeAt) {
          before++;
        } else if (first < 0) {
          first = a;
        }
      }
      String name = d.name().substring(0, d.name().indexOf('('));
      Subject subject = Subject.detector(id(d));
      if (first < 0) {
        ms.add(Measurement.inconclusive("detection_delay", subject, Double.NaN, errors.length,
            name + " raised no alarm after the change at row " + changeAt));
      } else {
        ms.add(Measurement.of("detection_delay", subject, first - changeAt, errors.length));
      }
      ms.add(Measurement.of("false_alarms", subject, before, changeAt));
      rows.add(List.of(d.name(), Integer.toString(alarms.length), before + "", first < 0 ? "none" : Integer.toString(first),
          first < 0 ? "not detected" : Integer.toString(first - changeAt)));
      text.append(' ').append(name).append(first < 0 ? " did not detect it" : " detected it after " + (first - changeAt) + " rows").append(';');
    }
    ev.add(new Evidence.Table("Detectors on " + what + " (true change at row " + changeAt + " of " + errors.length + ")",
        List.of("detector", "alarms", "before the change", "first alarm after", "delay (rows)"), rows));
    ev.add(errorChart(errors, changeAt, what, quantity));
    return text.toString();
  }

  /** The error rate in 40 consecutive blocks of the stream; {@code changeAt} is -1 when unknown. */
  static Evidence.Chart errorChart(double[] errors, int changeAt, String what) {
    return errorChart(errors, changeAt, what, ERROR_RATE);
  }

  /** The mean of the stream's values (named {@code quantity}) in 40 consecutive blocks; {@code changeAt} is -1 when unknown. */
  static Evidence.Chart errorChart(double[] errors, int changeAt, String what, String quantity) {
    int blocks = Math.min(40, errors.length);
    List<Evidence.Point> pts = new ArrayList<>();
    for (int b = 0; b < blocks; b++) {
      int from = (int) ((long) b * errors.length / blocks);
      int to = (int) ((long) (b + 1) * errors.length / blocks);
      double s = 0;
      for (int i = from; i < to; i++) {
        s += errors[i];
      }
      pts.add(new Evidence.Point(null, from, s / Math.max(1, to - from), Double.NaN, Double.NaN));
    }
    String q = quantity;
    String title = Character.toUpperCase(q.charAt(0)) + q.substring(1);
    return new Evidence.Chart(title + " along " + what, Evidence.ChartKind.LINE, "row in stream", q,
        List.of(new Evidence.Series(q + " per block of " + errors.length / blocks + " rows", pts)), null,
        changeAt < 0 ? "The model's " + q + " in consecutive blocks of rows in time order (overall " + fmt(mean(errors, 0, errors.length)) + ")."
            : "The model's " + q + " in consecutive blocks of the stream; the true change is at row " + changeAt + " ("
                + fmt(mean(errors, 0, changeAt)) + " before, " + fmt(mean(errors, changeAt, errors.length)) + " after).");
  }

  /** The detectors that take real values: Page-Hinkley and ADWIN, with their published defaults (DDM reads a 0/1 stream). */
  static List<DriftDetector> realValued() {
    return List.of(new dev.gauntlet.drift.detect.PageHinkley(), new dev.gauntlet.drift.detect.Adwin());
  }

  /**
   * Absolute errors in units of {@code mae} (the reference MAE), so that the detectors' published
   * defaults, tuned on 0/1 errors, apply whatever the label's unit; unscaled when {@code mae} is 0.
   */
  static double[] scaled(double[] absoluteErrors, double mae) {
    double k = mae > 0 && Double.isFinite(mae) ? mae : 1;
    double[] out = new double[absoluteErrors.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = absoluteErrors[i] / k;
    }
    return out;
  }

  static double mean(double[] x, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += x[i];
    }
    return to > from ? s / (to - from) : Double.NaN;
  }
}

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
    List<List<String>> rows = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (DriftDetector d : DriftDetector.defaults()) {
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
    ev.add(errorChart(errors, changeAt, what));
    return text.toString();
  }

  /** The error rate in 40 consecutive blocks of the stream; {@code changeAt} is -1 when unknown. */
  static Evidence.Chart errorChart(double[] errors, int changeAt, String what) {
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
    return new Evidence.Chart("Error rate along " + what, Evidence.ChartKind.LINE, "row in stream", "error rate",
        List.of(new Evidence.Series("error rate per block of " + errors.length / blocks + " rows", pts)), null,
        changeAt < 0 ? "The model's error rate in consecutive blocks of rows in time order (overall " + fmt(mean(errors, 0, errors.length)) + ")."
            : "The model's error rate in consecutive blocks of the stream; the true change is at row " + changeAt + " (error rate "
                + fmt(mean(errors, 0, changeAt)) + " before, " + fmt(mean(errors, changeAt, errors.length)) + " after).");
  }

  static double mean(double[] x, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += x[i];
    }
    return to > from ? s / (to - from) : Double.NaN;
  }
}

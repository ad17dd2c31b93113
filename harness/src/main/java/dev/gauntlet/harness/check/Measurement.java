package dev.gauntlet.harness.check;

import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.MetricId;
import dev.gauntlet.harness.metric.Subject;
import java.util.Objects;

/**
 * One measured number of a check, about a typed {@link Subject} (a slice, a feature, an epsilon, a
 * window, or the whole data). Its metric must be declared by the check's {@link
 * dev.gauntlet.harness.metric.MetricSet}.
 *
 * @param metric the metric's name, e.g. {@code accuracy} or {@code disparate_impact}
 * @param subject what it is about; {@link Subject#all()} for the whole data
 * @param value the point estimate; NaN only when {@code inconclusive} is set
 * @param interval its confidence interval with level and method, or null when there is none
 * @param n how many rows (or cases) it was measured on, or -1 when not applicable
 * @param inconclusive why the value cannot be judged (e.g. a slice below the minimum size), or null
 */
public record Measurement(String metric, Subject subject, double value, Interval interval, long n, String inconclusive) {

  public Measurement {
    Objects.requireNonNull(metric, "metric");
    subject = subject == null ? Subject.all() : subject;
    if (Double.isNaN(value) && inconclusive == null) {
      throw new IllegalArgumentException("metric '" + metric + "' (" + subject + ") is NaN; give the reason it cannot be measured");
    }
    if (Double.isInfinite(value) && inconclusive == null) {
      throw new IllegalArgumentException("metric '" + metric + "' (" + subject + ") is infinite; give the reason it cannot be measured");
    }
  }

  /** A measurement of the whole data without an interval. */
  public static Measurement of(String metric, double value) {
    return new Measurement(metric, Subject.all(), value, null, -1, null);
  }

  public static Measurement of(String metric, Subject subject, double value, long n) {
    return new Measurement(metric, subject, value, null, n, null);
  }

  public static Measurement of(String metric, Subject subject, double value, Interval interval, long n) {
    return new Measurement(metric, subject, value, interval, n, null);
  }

  public static Measurement inconclusive(String metric, Subject subject, double value, long n, String why) {
    return new Measurement(metric, subject, value, null, n, Objects.requireNonNull(why));
  }

  public MetricId id() {
    return new MetricId(metric, subject);
  }

  public boolean hasInterval() {
    return interval != null;
  }

  /** The interval's lower end, or NaN. */
  public double lower() {
    return interval == null ? Double.NaN : interval.lower();
  }

  /** The interval's upper end, or NaN. */
  public double upper() {
    return interval == null ? Double.NaN : interval.upper();
  }

  /** {@code metric} or {@code metric[subject]}. */
  public String key() {
    return id().toString();
  }
}

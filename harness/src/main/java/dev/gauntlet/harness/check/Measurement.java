package dev.gauntlet.harness.check;

import java.util.Objects;

/**
 * One measured number of a check, optionally about a subject (a slice, a feature, an epsilon).
 *
 * @param metric the metric's name, e.g. {@code accuracy} or {@code selection_rate_ratio}
 * @param subject what it is about (e.g. {@code sex=F}), or the empty string for the whole data
 * @param value the point estimate; NaN only when {@code inconclusive} is set
 * @param lower the lower end of its confidence interval, or NaN when there is none
 * @param upper the upper end of its confidence interval, or NaN when there is none
 * @param n how many rows (or cases) it was measured on, or -1 when not applicable
 * @param inconclusive why the value cannot be judged (e.g. a slice below the minimum size), or null
 */
public record Measurement(String metric, String subject, double value, double lower, double upper, long n, String inconclusive) {

  public Measurement {
    Objects.requireNonNull(metric, "metric");
    subject = subject == null ? "" : subject;
    if (Double.isNaN(value) && inconclusive == null) {
      throw new IllegalArgumentException("metric '" + metric + "' (" + subject + ") is NaN; give the reason it cannot be measured");
    }
  }

  public static Measurement of(String metric, double value) {
    return new Measurement(metric, "", value, Double.NaN, Double.NaN, -1, null);
  }

  public static Measurement of(String metric, String subject, double value, long n) {
    return new Measurement(metric, subject, value, Double.NaN, Double.NaN, n, null);
  }

  public static Measurement withInterval(String metric, String subject, double value, double lower, double upper, long n) {
    return new Measurement(metric, subject, value, lower, upper, n, null);
  }

  public static Measurement inconclusive(String metric, String subject, double value, long n, String why) {
    return new Measurement(metric, subject, value, Double.NaN, Double.NaN, n, Objects.requireNonNull(why));
  }

  public boolean hasInterval() {
    return !Double.isNaN(lower) && !Double.isNaN(upper);
  }

  /** {@code metric} or {@code metric[subject]}. */
  public String key() {
    return subject.isEmpty() ? metric : metric + "[" + subject + "]";
  }
}

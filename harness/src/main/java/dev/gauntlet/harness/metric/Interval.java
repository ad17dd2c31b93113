package dev.gauntlet.harness.metric;

import java.util.Locale;
import java.util.Objects;

/**
 * A confidence interval as a value: its ends, its level and how it was computed. Every sentence
 * and label that shows an interval shows its level, e.g. "90% Wilson interval 0.71 to 0.78".
 *
 * @param lower the lower end
 * @param upper the upper end, at or above {@code lower}
 * @param level the confidence level in (0, 1), e.g. 0.95
 * @param method how it was computed
 */
public record Interval(double lower, double upper, double level, Method method) {

  /** How an interval was computed. */
  public enum Method {
    WILSON("Wilson score"),
    NEWCOMBE("Newcombe (difference of Wilson intervals)"),
    BOOTSTRAP("percentile bootstrap"),
    NORMAL("normal approximation"),
    CLOPPER_PEARSON("Clopper-Pearson exact"),
    HOEFFDING("Hoeffding bound"),
    /** The variance of a sum of independent Bernoulli outcomes with known, different means (a Poisson-binomial), normal approximation. */
    POISSON_BINOMIAL("Poisson-binomial variance, normal approximation");

    private final String label;

    Method(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public Interval {
    Objects.requireNonNull(method, "method");
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("interval level must be in (0, 1), got " + level);
    }
    if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
      throw new IllegalArgumentException("interval [" + lower + ", " + upper + "] is not an interval");
    }
  }

  public static Interval of(double lower, double upper, double level, Method method) {
    return new Interval(lower, upper, level, method);
  }

  /** {@code 95%}, {@code 90%}, {@code 99.5%}. */
  public String levelText() {
    double pct = level * 100;
    String s = pct == Math.rint(pct) ? Long.toString((long) pct) : String.format(Locale.ROOT, "%.4g", pct).replaceAll("0+$", "");
    return s + "%";
  }

  public boolean contains(double x) {
    return x >= lower && x <= upper;
  }
}

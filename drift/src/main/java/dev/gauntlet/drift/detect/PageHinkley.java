package dev.gauntlet.drift.detect;

/**
 * The Page-Hinkley test (Page 1954) for an increase in the mean, as in MOA's
 * {@code PageHinkleyDM} and River's {@code PageHinkley}: with {@code m_t = alpha * m_{t-1} + (x_t -
 * mean_t - delta)}, a change when {@code m_t - min m > lambda} after {@code minInstances} values.
 * Published defaults: minInstances 30, delta 0.005, lambda 50, alpha 1 - 0.0001.
 */
public final class PageHinkley implements DriftDetector {
  private final int minInstances;
  private final double delta;
  private final double lambda;
  private final double alpha;
  private long n;
  private double mean;
  private double sum;
  private double min;

  public PageHinkley() {
    this(30, 0.005, 50, 1 - 0.0001);
  }

  public PageHinkley(int minInstances, double delta, double lambda, double alpha) {
    if (minInstances < 1 || !(delta >= 0) || !(lambda > 0) || !(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("Page-Hinkley needs minInstances >= 1, delta >= 0, lambda > 0, alpha in (0, 1]; got "
          + minInstances + ", " + delta + ", " + lambda + ", " + alpha);
    }
    this.minInstances = minInstances;
    this.delta = delta;
    this.lambda = lambda;
    this.alpha = alpha;
    reset();
  }

  private void reset() {
    n = 0;
    mean = 0;
    sum = 0;
    min = Double.MAX_VALUE;
  }

  @Override
  public String name() {
    return "Page-Hinkley(delta=" + delta + ", lambda=" + lambda + ")";
  }

  @Override
  public boolean update(double x) {
    n++;
    mean += (x - mean) / n;
    sum = alpha * sum + (x - mean - delta);
    min = Math.min(min, sum);
    if (n >= minInstances && sum - min > lambda) {
      reset();
      return true;
    }
    return false;
  }

  @Override
  public PageHinkley fresh() {
    return new PageHinkley(minInstances, delta, lambda, alpha);
  }
}

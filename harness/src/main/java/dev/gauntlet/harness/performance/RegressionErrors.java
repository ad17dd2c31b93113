package dev.gauntlet.harness.performance;

import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.stats.Poisson;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Error metrics of a regression model from a {@link RegressionSummary}, with seeded Poisson
 * bootstrap percentile intervals. The error is {@code e = prediction - label}.
 *
 * <ul>
 *   <li>{@code mae} = mean |e|; {@code rmse} = sqrt(mean e^2); {@code meanError} = mean e (the bias:
 *       positive when the model predicts too high);
 *   <li>{@code r2} = 1 - sum e^2 / sum (y - mean y)^2 (NaN when the labels are constant);
 *   <li>{@code medianAbsError} and {@code quantileAbsError}: quantiles of |e| by linear
 *       interpolation between order statistics (NumPy's default, type 7; the median of an even
 *       count is the mean of the middle two).
 * </ul>
 * The point values use the summary's exact sums; bootstrap replicates weight each distinct (error,
 * label) pair by a Poisson(count) draw, in the summary's canonical order, so the intervals do not
 * depend on how the rows were split either.
 *
 * @since 0.5
 */
public final class RegressionErrors {
  private RegressionErrors() {}

  /** Indexes of the metrics in {@link Estimate#values()} and {@link Estimate#lower()}/{@link Estimate#upper()}. */
  public static final int MAE = 0;
  public static final int RMSE = 1;
  public static final int R2 = 2;
  public static final int MEAN_ERROR = 3;
  public static final int MEDIAN_ABS = 4;
  public static final int QUANTILE_ABS = 5;
  static final int COUNT = 6;

  /**
   * The metrics and their intervals.
   *
   * @param n the rows
   * @param values the point values, indexed by {@link #MAE} ... {@link #QUANTILE_ABS}
   * @param lower the lower interval bounds (NaN without intervals)
   * @param upper the upper interval bounds
   * @param confidence the level of the intervals
   */
  public record Estimate(long n, double[] values, double[] lower, double[] upper, double confidence) {
    public double value(int metric) {
      return values[metric];
    }

    /**
     * The metric's percentile-bootstrap interval at {@link #confidence()}.
     *
     * @throws IllegalArgumentException when the metric has no interval (NaN bounds)
     */
    public Interval interval(int metric) {
      return Interval.of(lower[metric], upper[metric], confidence, Interval.Method.BOOTSTRAP);
    }

    /**
     * The metric as the measurement {@code name} of {@code subject} over {@link #n()} rows, with its
     * bootstrap interval.
     *
     * @throws IllegalArgumentException when the metric has no interval (NaN bounds)
     */
    public Measurement measurement(String name, Subject subject, int metric) {
      return Measurement.of(name, subject, value(metric), interval(metric), n);
    }
  }

  /** The point values (no intervals). */
  public static Estimate of(RegressionSummary s, double quantile) {
    return estimate(s, quantile, 0, 0.95, 0);
  }

  /**
   * The point values with, as intervals, the {@link #percentile percentile intervals} at
   * {@code confidence} of {@code replicates} (as {@link #replicates} draws them for {@code s}).
   */
  public static Estimate of(RegressionSummary s, double quantile, double[][] replicates, double confidence) {
    Estimate point = of(s, quantile);
    double[] lo = new double[COUNT];
    double[] hi = new double[COUNT];
    for (int m = 0; m < COUNT; m++) {
      double[] ci = percentile(replicates[m], confidence);
      lo[m] = ci[0];
      hi[m] = ci[1];
    }
    return new Estimate(point.n(), point.values(), lo, hi, confidence);
  }

  /**
   * The point values and percentile intervals from {@code resamples} Poisson-bootstrap replicates
   * drawn from {@code seed} ({@code resamples = 0}: no intervals).
   */
  public static Estimate estimate(RegressionSummary s, double quantile, int resamples, double confidence, long seed) {
    long n = s.n();
    double[] v = new double[COUNT];
    Arrays.fill(v, Double.NaN);
    double[] lo = new double[COUNT];
    double[] hi = new double[COUNT];
    Arrays.fill(lo, Double.NaN);
    Arrays.fill(hi, Double.NaN);
    if (n == 0) {
      return new Estimate(0, v, lo, hi, confidence);
    }
    Pairs ps = Pairs.of(s);
    v[MAE] = s.sumAbsError() / n;
    v[RMSE] = Math.sqrt(s.sumSquaredError() / n);
    v[MEAN_ERROR] = s.sumError() / n;
    double mean = s.sumLabel() / n;
    dev.gauntlet.harness.summary.ExactSum sst = new dev.gauntlet.harness.summary.ExactSum();
    for (int i = 0; i < ps.e.length; i++) {
      double dy = ps.y[i] - mean;
      sst.add(ps.c[i] * (dy * dy));
    }
    double tss = sst.value();
    v[R2] = tss > 0 ? 1 - s.sumSquaredError() / tss : Double.NaN;
    v[MEDIAN_ABS] = quantile(ps.e, ps.c, ps.byAbs, n, 0.5);
    v[QUANTILE_ABS] = quantile(ps.e, ps.c, ps.byAbs, n, quantile);
    if (resamples > 0) {
      double[][] reps = ps.replicates(quantile, resamples, new SplittableRandom(seed));
      double alpha = 1 - confidence;
      for (int m = 0; m < COUNT; m++) {
        double[] sorted = Arrays.stream(reps[m]).filter(r -> !Double.isNaN(r)).sorted().toArray();
        if (sorted.length == 0 || Double.isNaN(v[m])) {
          continue;
        }
        lo[m] = type7(sorted, alpha / 2);
        hi[m] = type7(sorted, 1 - alpha / 2);
      }
    }
    return new Estimate(n, v, lo, hi, confidence);
  }

  /**
   * {@code resamples} Poisson-bootstrap replicates of every metric: {@code [metric][replicate]},
   * NaN where a replicate leaves the metric undefined (no rows drawn; constant labels for R-squared).
   * Draws from {@code rng} in the summary's canonical order, one draw per distinct pair.
   */
  public static double[][] replicates(RegressionSummary s, double quantile, int resamples, SplittableRandom rng) {
    return Pairs.of(s).replicates(quantile, resamples, rng);
  }

  /** A summary's distinct (error, label) pairs and their counts, in its canonical order, and that order's permutation by |error|. */
  private record Pairs(double[] e, double[] y, long[] c, int[] byAbs) {
    static Pairs of(RegressionSummary s) {
      int d = s.distinct();
      double[] e = new double[d];
      double[] y = new double[d];
      long[] c = new long[d];
      for (int i = 0; i < d; i++) {
        e[i] = s.error(i);
        y[i] = s.label(i);
        c[i] = s.count(i);
      }
      return new Pairs(e, y, c, RegressionErrors.byAbs(e));
    }

    /** The replicates of {@link RegressionErrors#replicates}: each pair weighted by a Poisson(count) draw from {@code rng}. */
    double[][] replicates(double quantile, int resamples, SplittableRandom rng) {
      int d = e.length;
      double[][] reps = new double[COUNT][resamples];
      long[] w = new long[d];
      double[] r = new double[COUNT];
      for (int b = 0; b < resamples; b++) {
        for (int i = 0; i < d; i++) {
          w[i] = Poisson.draw(rng, c[i]);
        }
        weighted(e, y, w, byAbs, quantile, r);
        for (int m = 0; m < COUNT; m++) {
          reps[m][b] = r[m];
        }
      }
      return reps;
    }
  }

  /**
   * The percentile-bootstrap interval of the finite replicates at {@code confidence}.
   *
   * @throws IllegalArgumentException when none is finite
   */
  public static Interval interval(double[] replicates, double confidence) {
    double[] ci = percentile(replicates, confidence);
    return Interval.of(ci[0], ci[1], confidence, Interval.Method.BOOTSTRAP);
  }

  /** The percentile interval {@code [lower, upper]} of the finite replicates at {@code confidence}; NaNs when none is finite. */
  public static double[] percentile(double[] replicates, double confidence) {
    double[] f = Arrays.stream(replicates).filter(Double::isFinite).sorted().toArray();
    if (f.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double alpha = 1 - confidence;
    return new double[] {type7(f, alpha / 2), type7(f, 1 - alpha / 2)};
  }

  static int[] byAbs(double[] e) {
    Integer[] boxed = new Integer[e.length];
    for (int i = 0; i < e.length; i++) {
      boxed[i] = i;
    }
    Arrays.sort(boxed, (a, b) -> Double.compare(Math.abs(e[a]), Math.abs(e[b])));
    int[] out = new int[e.length];
    for (int i = 0; i < e.length; i++) {
      out[i] = boxed[i];
    }
    return out;
  }

  /** The metrics of one weighted replicate into {@code out} (NaN where undefined, e.g. zero total weight). */
  static void weighted(double[] e, double[] y, long[] w, int[] byAbs, double quantile, double[] out) {
    long n = 0;
    double sa = 0;
    double s2 = 0;
    double s1 = 0;
    double sy = 0;
    for (int i = 0; i < e.length; i++) {
      if (w[i] == 0) {
        continue;
      }
      n += w[i];
      sa += w[i] * Math.abs(e[i]);
      s2 += w[i] * (e[i] * e[i]);
      s1 += w[i] * e[i];
      sy += w[i] * y[i];
    }
    if (n == 0) {
      Arrays.fill(out, Double.NaN);
      return;
    }
    double mean = sy / n;
    double tss = 0;
    for (int i = 0; i < e.length; i++) {
      if (w[i] != 0) {
        double dy = y[i] - mean;
        tss += w[i] * (dy * dy);
      }
    }
    out[MAE] = sa / n;
    out[RMSE] = Math.sqrt(s2 / n);
    out[MEAN_ERROR] = s1 / n;
    out[R2] = tss > 0 ? 1 - s2 / tss : Double.NaN;
    out[MEDIAN_ABS] = quantile(e, w, byAbs, n, 0.5);
    out[QUANTILE_ABS] = quantile(e, w, byAbs, n, quantile);
  }

  /** The type-7 {@code q}-quantile of |e| with each distinct value repeated by its weight; {@code byAbs} orders the values by |e|. */
  static double quantile(double[] e, long[] w, int[] byAbs, long n, double q) {
    double h = (n - 1) * q;
    long k = (long) Math.floor(h);
    double frac = h - k;
    double a = Double.NaN;
    double b = Double.NaN;
    long seen = 0;
    for (int idx : byAbs) {
      if (w[idx] == 0) {
        continue;
      }
      long next = seen + w[idx];
      double v = Math.abs(e[idx]);
      if (Double.isNaN(a) && k < next) {
        a = v;
      }
      if (k + 1 < next) {
        b = v;
        break;
      }
      seen = next;
    }
    if (Double.isNaN(b)) {
      b = a; // k is the last order statistic
    }
    return frac == 0 ? a : a + frac * (b - a);
  }

  /** The type-7 quantile of a sorted sample. */
  static double type7(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int k = (int) Math.floor(h);
    if (k + 1 >= sorted.length) {
      return sorted[sorted.length - 1];
    }
    return sorted[k] + (h - k) * (sorted[k + 1] - sorted[k]);
  }
}

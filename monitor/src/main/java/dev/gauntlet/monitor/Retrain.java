package dev.gauntlet.monitor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * When the per-window accuracy is expected to cross a floor: an ordinary least-squares line of
 * accuracy on the window's midpoint (in days), extrapolated from {@code asOf}. The interval is a
 * parametric bootstrap of the line: the level at the mean time and the slope drawn independently
 * (they are uncorrelated once time is centred) from normal distributions with the least-squares
 * standard errors, each draw's crossing capped to [0, horizon], the percentiles taken.
 *
 * @param days the point estimate: 0 when the line is already below the floor at {@code asOf},
 *     {@code horizon} when it does not reach it within the horizon (or rises)
 * @param lower the interval's lower end in days
 * @param upper the interval's upper end in days
 * @param slopePer30Days the line's slope in accuracy per 30 days
 * @param crosses whether the point estimate reaches the floor within the horizon
 */
record Retrain(double days, double lower, double upper, double slopePer30Days, boolean crosses) {
  static final int DRAWS = 4000;

  /**
   * @param x window midpoints in days (any origin)
   * @param y window accuracies
   * @param asOf the monitor's now, in the same days
   */
  static Retrain fit(double[] x, double[] y, double asOf, double floor, int horizon, double confidence, long seed) {
    int k = x.length;
    if (k < 3) {
      throw new IllegalArgumentException("a trend needs at least 3 windows, got " + k);
    }
    double mx = 0;
    double my = 0;
    for (int i = 0; i < k; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= k;
    my /= k;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < k; i++) {
      sxx += (x[i] - mx) * (x[i] - mx);
      sxy += (x[i] - mx) * (y[i] - my);
    }
    double slope = sxx > 0 ? sxy / sxx : 0;
    double sse = 0;
    for (int i = 0; i < k; i++) {
      double r = y[i] - (my + slope * (x[i] - mx));
      sse += r * r;
    }
    double s2 = sse / (k - 2);
    double seSlope = sxx > 0 ? Math.sqrt(s2 / sxx) : 0;
    double seLevel = Math.sqrt(s2 / k);
    double point = crossing(my, slope, mx, asOf, floor, horizon);
    SplittableRandom r = new SplittableRandom(seed);
    double[] draws = new double[DRAWS];
    for (int b = 0; b < DRAWS; b++) {
      double lvl = my + seLevel * gaussian(r);
      double sl = slope + seSlope * gaussian(r);
      draws[b] = crossing(lvl, sl, mx, asOf, floor, horizon);
    }
    Arrays.sort(draws);
    double a = (1 - confidence) / 2;
    double lo = draws[(int) Math.floor(a * (DRAWS - 1))];
    double hi = draws[(int) Math.ceil((1 - a) * (DRAWS - 1))];
    return new Retrain(point, Math.min(lo, point), Math.max(hi, point), slope * 30, point < horizon);
  }

  /** Days from {@code asOf} until {@code level + slope (x - mx)} reaches {@code floor}, in [0, horizon]. */
  static double crossing(double level, double slope, double mx, double asOf, double floor, int horizon) {
    double now = level + slope * (asOf - mx);
    if (now < floor) {
      return 0;
    }
    if (slope >= 0) {
      return horizon;
    }
    double days = (floor - now) / slope;
    return Math.max(0, Math.min(horizon, days));
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller from the seeded generator
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}

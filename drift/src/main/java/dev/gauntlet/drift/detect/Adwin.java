package dev.gauntlet.drift.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * ADWIN, adaptive windowing (Bifet and Gavalda 2007), with the exponential histogram of buckets of
 * MOA and River: it keeps a window of recent values and drops its oldest part whenever two
 * sub-windows have means that differ by more than the bound {@code sqrt(2 m v ln(2 ln n / delta))
 * + 2/3 m ln(2 ln n / delta)}. Published defaults (River): delta 0.002, clock 32 (the cut is
 * checked every 32 values), 5 buckets per size, minimum sub-window length 5, grace period 10.
 */
public final class Adwin implements DriftDetector {
  private final double delta;
  private final int clock;
  private final int maxBuckets;
  private final int minWindowLength;
  private final int gracePeriod;
  private final List<Level> levels = new ArrayList<>();
  private long width;
  private double total;
  private double variance;
  private long time;

  public Adwin() {
    this(0.002, 32, 5, 5, 10);
  }

  public Adwin(double delta, int clock, int maxBuckets, int minWindowLength, int gracePeriod) {
    if (!(delta > 0 && delta < 1) || clock < 1 || maxBuckets < 2 || minWindowLength < 1 || gracePeriod < 0) {
      throw new IllegalArgumentException("ADWIN needs delta in (0, 1), clock >= 1, maxBuckets >= 2, minWindowLength >= 1; got "
          + delta + ", " + clock + ", " + maxBuckets + ", " + minWindowLength);
    }
    this.delta = delta;
    this.clock = clock;
    this.maxBuckets = maxBuckets;
    this.minWindowLength = minWindowLength;
    this.gracePeriod = gracePeriod;
  }

  /** Buckets of one size (2^level values), oldest first. */
  private final class Level {
    final double[] totals = new double[maxBuckets + 1];
    final double[] variances = new double[maxBuckets + 1];
    int count;

    void add(double t, double v) {
      totals[count] = t;
      variances[count] = v;
      count++;
    }

    void removeOldest(int k) {
      System.arraycopy(totals, k, totals, 0, count - k);
      System.arraycopy(variances, k, variances, 0, count - k);
      count -= k;
    }
  }

  @Override
  public String name() {
    return "ADWIN(delta=" + delta + ")";
  }

  /** The current window's length. */
  public long width() {
    return width;
  }

  /** The current window's mean. */
  public double mean() {
    return width == 0 ? 0 : total / width;
  }

  @Override
  public boolean update(double x) {
    insert(x);
    time++;
    if (time % clock != 0 || width <= gracePeriod || width <= minWindowLength) {
      return false;
    }
    return detect();
  }

  private void insert(double x) {
    width++;
    double inc = width > 1 ? (width - 1) * (x - total / (width - 1)) * (x - total / (width - 1)) / width : 0;
    variance += inc;
    total += x;
    if (levels.isEmpty()) {
      levels.add(new Level());
    }
    levels.get(0).add(x, 0);
    for (int i = 0; i < levels.size(); i++) {
      Level l = levels.get(i);
      if (l.count <= maxBuckets) {
        break;
      }
      double size = Math.pow(2, i);
      double t1 = l.totals[0];
      double t2 = l.totals[1];
      double u1 = t1 / size;
      double u2 = t2 / size;
      double v = l.variances[0] + l.variances[1] + size * size * (u1 - u2) * (u1 - u2) / (2 * size);
      l.removeOldest(2);
      if (i + 1 == levels.size()) {
        levels.add(new Level());
      }
      levels.get(i + 1).add(t1 + t2, v);
    }
  }

  private void deleteOldest() {
    int top = levels.size() - 1;
    Level l = levels.get(top);
    double n1 = Math.pow(2, top);
    double t = l.totals[0];
    double v = l.variances[0];
    width -= (long) n1;
    total -= t;
    double u1 = t / n1;
    double inc = width > 0 ? v + n1 * width * (u1 - total / width) * (u1 - total / width) / (n1 + width) : v;
    variance = width > 0 ? Math.max(0, variance - inc) : 0;
    l.removeOldest(1);
    if (l.count == 0) {
      levels.remove(top);
    }
  }

  private boolean detect() {
    boolean change = false;
    boolean reduce = true;
    while (reduce) {
      reduce = false;
      double n0 = 0;
      double n1 = width;
      double u0 = 0;
      double u1 = total;
      outer:
      for (int i = levels.size() - 1; i >= 0; i--) {
        Level l = levels.get(i);
        double size = Math.pow(2, i);
        for (int k = 0; k < l.count; k++) {
          if (i == 0 && k == l.count - 1) {
            break outer; // no cut after the newest bucket
          }
          n0 += size;
          n1 -= size;
          u0 += l.totals[k];
          u1 -= l.totals[k];
          if (n0 >= minWindowLength && n1 >= minWindowLength && cut(n0, n1, u0, u1)) {
            reduce = true;
            change = true;
            if (width > 0) {
              deleteOldest();
            }
            break outer;
          }
        }
      }
    }
    return change;
  }

  private boolean cut(double n0, double n1, double u0, double u1) {
    double diff = Math.abs(u0 / n0 - u1 / n1);
    double n = width;
    double dd = Math.log(2 * Math.log(n) / delta);
    double v = variance / width;
    double m = 1 / (n0 - minWindowLength + 1) + 1 / (n1 - minWindowLength + 1);
    double eps = Math.sqrt(2 * m * v * dd) + 2.0 / 3.0 * dd * m;
    return diff > eps;
  }

  @Override
  public Adwin fresh() {
    return new Adwin(delta, clock, maxBuckets, minWindowLength, gracePeriod);
  }
}

package dev.gauntlet.drift.stats;

/**
 * A numeric sample sorted once, so that one reference can be compared with many windows without
 * sorting it again. Rejects NaN and infinite values: drift statistics on them mean nothing.
 */
public final class SortedSample {
  private final double[] sorted;
  private double mean = Double.NaN;
  private double std = Double.NaN;

  private SortedSample(double[] sorted) {
    this.sorted = sorted;
  }

  /**
   * Copies and sorts {@code values}.
   *
   * @param what names the sample in error messages (e.g. {@code income in 2023-05})
   * @throws IllegalArgumentException on an empty sample or a non-finite value
   */
  public static SortedSample of(double[] values, String what) {
    double[] v = values.clone();
    return ofOwned(v, what);
  }

  /** Like {@link #of} but sorts {@code values} in place (the caller gives up the array). */
  public static SortedSample ofOwned(double[] values, String what) {
    return ofOwned(values, what, new DoubleSorter());
  }

  /**
   * Like {@link #ofOwned(double[], String)}, sorting with {@code sorter} so that its scratch
   * buffers are reused across samples (one sorter per thread).
   */
  public static SortedSample ofOwned(double[] values, String what, DoubleSorter sorter) {
    if (values.length == 0) {
      throw new IllegalArgumentException(what + ": no values");
    }
    if (!sorter.sortFinite(values)) {
      for (double x : values) {
        if (!Double.isFinite(x)) {
          throw new IllegalArgumentException(what + ": value " + x + " is not finite");
        }
      }
      throw new IllegalStateException(what + ": the sorter rejected a sample of finite values");
    }
    return new SortedSample(values);
  }

  /**
   * Wraps an array the caller has already sorted ascending (and gives up), after checking in one
   * pass that it is sorted and finite.
   *
   * @throws IllegalArgumentException on an empty, unsorted or non-finite sample
   */
  public static SortedSample ofSorted(double[] sorted, String what) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException(what + ": no values");
    }
    for (int i = 0; i < sorted.length; i++) {
      if (!Double.isFinite(sorted[i])) {
        throw new IllegalArgumentException(what + ": value " + sorted[i] + " is not finite");
      }
      if (i > 0 && sorted[i] < sorted[i - 1]) {
        throw new IllegalArgumentException(what + ": not sorted at index " + i + " (" + sorted[i - 1] + " then " + sorted[i] + ")");
      }
    }
    return new SortedSample(sorted);
  }

  public int size() {
    return sorted.length;
  }

  /** The i-th smallest value (0-based). */
  public double get(int i) {
    return sorted[i];
  }

  double[] values() {
    return sorted;
  }

  public double min() {
    return sorted[0];
  }

  public double max() {
    return sorted[sorted.length - 1];
  }

  public double mean() {
    if (Double.isNaN(mean)) {
      double s = 0;
      for (double x : sorted) {
        s += x;
      }
      mean = s / sorted.length;
    }
    return mean;
  }

  /** The population standard deviation (divisor n, as NumPy's default {@code np.std}). */
  public double std() {
    if (Double.isNaN(std)) {
      double m = mean();
      double s = 0;
      for (double x : sorted) {
        s += (x - m) * (x - m);
      }
      std = Math.sqrt(s / sorted.length);
    }
    return std;
  }

  /** How many values are at or below {@code x}. */
  public int countAtOrBelow(double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The number of distinct values, counting at most {@code limit + 1}. */
  public int distinct(int limit) {
    int d = 1;
    for (int i = 1; i < sorted.length && d <= limit; i++) {
      if (sorted[i] != sorted[i - 1]) {
        d++;
      }
    }
    return d;
  }
}

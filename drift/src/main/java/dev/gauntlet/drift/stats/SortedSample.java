package dev.gauntlet.drift.stats;

/**
 * A numeric sample sorted once, so that one reference can be compared with many windows without
 * sorting it again. Rejects NaN and infinite values: drift statistics on them mean nothing.
 *
 * <p>Held either as the sorted values themselves or, when built from a summary's distinct values
 * with their counts ({@link #ofCounts}), as those distinct values: memory is then per distinct
 * value, not per row, and every statistic computed from it (ranks, {@link #mean}, {@link #std}, and
 * {@link DriftStats}' KS, Wasserstein and PSI) equals, bit for bit, the same statistic of the
 * expanded sorted values, since each is computed with the same operations in the same order.
 */
public final class SortedSample {
  /** Ascending entries; with {@code through == null} one row each (ties repeated), else distinct. */
  private final double[] entries;
  /** {@code through[e]}: the rows in entries {@code 0..e}; null when every entry is one row. */
  private final long[] through;
  private final int size;
  private double mean = Double.NaN;
  private double std = Double.NaN;

  private SortedSample(double[] sorted) {
    this.entries = sorted;
    this.through = null;
    this.size = sorted.length;
  }

  private SortedSample(double[] distinct, long[] through) {
    this.entries = distinct;
    this.through = through;
    this.size = (int) through[through.length - 1];
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

  /**
   * The sample of count column {@code c} of {@code counts} (its distinct values with their counts),
   * held per distinct value: the same sample as the values expanded by their counts, in
   * {@code counts}' order ({@link Double#compare}), without an array of one entry per row.
   *
   * @throws IllegalArgumentException on an empty sample, a non-finite value, or more than
   *     {@code Integer.MAX_VALUE} rows
   */
  public static SortedSample ofCounts(dev.gauntlet.harness.summary.SortedCounts counts, int c, String what) {
    int d = 0;
    for (int i = 0; i < counts.distinct(); i++) {
      d += counts.count(i, c) > 0 ? 1 : 0;
    }
    if (d == 0) {
      throw new IllegalArgumentException(what + ": no values");
    }
    double[] v = new double[d];
    long[] t = new long[d];
    long n = 0;
    int e = 0;
    for (int i = 0; i < counts.distinct(); i++) {
      long k = counts.count(i, c);
      if (k == 0) {
        continue;
      }
      double x = counts.value(i);
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException(what + ": value " + x + " is not finite");
      }
      n += k;
      v[e] = x;
      t[e] = n;
      e++;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + ": " + n + " rows, more than one sample holds");
    }
    return new SortedSample(v, t);
  }

  public int size() {
    return size;
  }

  /** The i-th smallest value (0-based). */
  public double get(int i) {
    if (through == null) {
      return entries[i];
    }
    if (i < 0 || i >= size) {
      throw new ArrayIndexOutOfBoundsException("index " + i + " out of a sample of " + size);
    }
    int lo = 0;
    int hi = entries.length - 1;
    while (lo < hi) { // the first entry whose rows reach past i
      int mid = (lo + hi) >>> 1;
      if (through[mid] > i) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return entries[lo];
  }

  /** How many entries the sample holds: its rows, or its distinct values when built from counts. */
  int entries() {
    return entries.length;
  }

  /** The {@code e}-th entry's value. */
  double entry(int e) {
    return entries[e];
  }

  /** The rows in the first {@code e} entries (so {@code rowsBefore(entries())} is the size). */
  long rowsBefore(int e) {
    return through == null ? e : e == 0 ? 0 : through[e - 1];
  }

  /** The sorted values, one per row (a copy when held per distinct value). */
  double[] values() {
    if (through == null) {
      return entries;
    }
    double[] out = new double[size];
    for (int e = 0; e < entries.length; e++) {
      java.util.Arrays.fill(out, (int) rowsBefore(e), (int) through[e], entries[e]);
    }
    return out;
  }

  /** Calls {@code f} with each distinct entry's value, ascending (ties held per row are passed once per row). */
  public void forEachEntry(java.util.function.DoubleConsumer f) {
    for (double x : entries) {
      f.accept(x);
    }
  }

  public double min() {
    return entries[0];
  }

  public double max() {
    return entries[entries.length - 1];
  }

  public double mean() {
    if (Double.isNaN(mean)) {
      double s = 0;
      for (int e = 0; e < entries.length; e++) {
        double x = entries[e];
        for (long r = rowsBefore(e), end = rowsBefore(e + 1); r < end; r++) { // row by row: the same sum as over the rows
          s += x;
        }
      }
      mean = s / size;
    }
    return mean;
  }

  /** The population standard deviation (divisor n, as NumPy's default {@code np.std}). */
  public double std() {
    if (Double.isNaN(std)) {
      double m = mean();
      double s = 0;
      for (int e = 0; e < entries.length; e++) {
        double dx = entries[e] - m;
        for (long r = rowsBefore(e), end = rowsBefore(e + 1); r < end; r++) {
          s += dx * dx;
        }
      }
      std = Math.sqrt(s / size);
    }
    return std;
  }

  /** How many values are at or below {@code x}. */
  public int countAtOrBelow(double x) {
    int lo = 0;
    int hi = entries.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (entries[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return (int) rowsBefore(lo);
  }

  /** The number of distinct values, counting at most {@code limit + 1}. */
  public int distinct(int limit) {
    int d = 1;
    for (int i = 1; i < entries.length && d <= limit; i++) {
      if (entries[i] != entries[i - 1]) {
        d++;
      }
    }
    return d;
  }
}

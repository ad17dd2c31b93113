package dev.gauntlet.drift.stats;

import java.util.Arrays;

/**
 * Sorts finite doubles into exactly the order {@link Arrays#sort(double[])} gives (bit for bit,
 * {@code -0.0} before {@code 0.0}), with an LSD radix sort on an order-preserving 64-bit key:
 * all bits flipped for negative values, the sign bit flipped for the others. Eight passes of 8
 * bits, passes in which every key has the same digit skipped; the histograms of all passes come
 * from one read pass, which also checks that every value is finite. Arrays shorter than
 * {@link #RADIX_MIN} go to {@code Arrays.sort}.
 *
 * <p>An instance keeps two scratch buffers of the largest length it has sorted and reuses them, so
 * sorting a reference and many windows allocates once. Not thread-safe: one instance per thread.
 */
public final class DoubleSorter {
  /** Arrays shorter than this are sorted with {@code Arrays.sort}. */
  public static final int RADIX_MIN = 2048;

  private static final int PASSES = 8;
  private static final int RADIX = 256;
  private static final long NON_FINITE = 0x7FF0000000000000L;

  private long[] a = new long[0];
  private long[] b = new long[0];
  private final int[] counts = new int[PASSES * RADIX];

  /**
   * Sorts {@code values} in place.
   *
   * @return {@code true}, or {@code false} (leaving {@code values} unchanged) when a value is NaN
   *     or infinite
   */
  public boolean sortFinite(double[] values) {
    int n = values.length;
    if (n < RADIX_MIN) {
      for (double x : values) {
        if (!Double.isFinite(x)) {
          return false;
        }
      }
      Arrays.sort(values);
      return true;
    }
    int[] c = counts;
    Arrays.fill(c, 0);
    for (int i = 0; i < n; i++) {
      long bits = Double.doubleToRawLongBits(values[i]);
      if ((bits & NON_FINITE) == NON_FINITE) {
        return false;
      }
      long k = key(bits);
      c[(int) (k & 0xFF)]++;
      c[RADIX + (int) ((k >>> 8) & 0xFF)]++;
      c[2 * RADIX + (int) ((k >>> 16) & 0xFF)]++;
      c[3 * RADIX + (int) ((k >>> 24) & 0xFF)]++;
      c[4 * RADIX + (int) ((k >>> 32) & 0xFF)]++;
      c[5 * RADIX + (int) ((k >>> 40) & 0xFF)]++;
      c[6 * RADIX + (int) ((k >>> 48) & 0xFF)]++;
      c[7 * RADIX + (int) (k >>> 56)]++;
    }
    int[] active = new int[PASSES];
    int passes = 0;
    for (int p = 0; p < PASSES; p++) {
      int off = p * RADIX;
      boolean trivial = false;
      int sum = 0;
      for (int d = 0; d < RADIX; d++) {
        int cnt = c[off + d];
        if (cnt == n) {
          trivial = true;
        }
        c[off + d] = sum;
        sum += cnt;
      }
      if (!trivial) {
        active[passes++] = p;
      }
    }
    if (passes == 0) {
      return true; // every value has the same bits
    }
    if (a.length < n) {
      a = new long[n];
      b = new long[n];
    }
    long[] src = a;
    long[] dst = b;
    // first pass: doubles -> keys, scattered by the first active digit
    int shift = active[0] * 8;
    int off = active[0] * RADIX;
    for (int i = 0; i < n; i++) {
      long k = key(Double.doubleToRawLongBits(values[i]));
      src[c[off + (int) ((k >>> shift) & 0xFF)]++] = k;
    }
    for (int q = 1; q < passes - 1; q++) {
      shift = active[q] * 8;
      off = active[q] * RADIX;
      for (int i = 0; i < n; i++) {
        long k = src[i];
        dst[c[off + (int) ((k >>> shift) & 0xFF)]++] = k;
      }
      long[] t = src;
      src = dst;
      dst = t;
    }
    if (passes == 1) {
      for (int i = 0; i < n; i++) {
        values[i] = Double.longBitsToDouble(unkey(src[i]));
      }
      return true;
    }
    // last pass: keys -> doubles, scattered straight into the caller's array
    shift = active[passes - 1] * 8;
    off = active[passes - 1] * RADIX;
    for (int i = 0; i < n; i++) {
      long k = src[i];
      values[c[off + (int) ((k >>> shift) & 0xFF)]++] = Double.longBitsToDouble(unkey(k));
    }
    return true;
  }

  /** The order-preserving key of a double's bits (as an unsigned number). */
  static long key(long bits) {
    return bits ^ ((bits >> 63) | Long.MIN_VALUE);
  }

  /** The inverse of {@link #key}. */
  static long unkey(long k) {
    return k ^ ((~k >> 63) | Long.MIN_VALUE);
  }
}

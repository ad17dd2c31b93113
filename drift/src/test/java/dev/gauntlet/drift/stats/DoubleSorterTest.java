package dev.gauntlet.drift.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The radix sort against {@link Arrays#sort(double[])}, compared bit for bit. */
@Timeout(120) // a broken sort key once made a test spin instead of fail
class DoubleSorterTest {
  static final double[] SPECIAL = {
    0.0, -0.0, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
    -Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL), 1.0, -1.0, Math.nextUp(1.0), Math.nextDown(1.0), 1e300, -1e-300
  };

  /** Random values mixing a small pool (ties), specials, wide-range and unit-range values of both signs. */
  static double[] mixed(SplittableRandom r, int n) {
    double[] pool = new double[50];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = r.nextDouble(-5, 5);
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = switch (r.nextInt(4)) {
        case 0 -> pool[r.nextInt(pool.length)];
        case 1 -> SPECIAL[r.nextInt(SPECIAL.length)];
        case 2 -> (r.nextBoolean() ? -1 : 1) * Math.scalb(r.nextDouble(), r.nextInt(-1074, 1024));
        default -> r.nextGaussian();
      };
    }
    return x;
  }

  static void assertSameAsArraysSort(double[] x, DoubleSorter sorter) {
    double[] expected = x.clone();
    Arrays.sort(expected);
    double[] actual = x.clone();
    assertTrue(sorter.sortFinite(actual));
    assertArrayEquals(bits(expected), bits(actual), "length " + x.length);
  }

  static long[] bits(double[] x) {
    return Arrays.stream(x).mapToLong(Double::doubleToRawLongBits).toArray();
  }

  @Test
  void keyOrdersLikeDoubleCompareAndInverts() {
    double[] s = SPECIAL.clone();
    for (double a : s) {
      long ka = DoubleSorter.key(Double.doubleToRawLongBits(a));
      assertEquals(Double.doubleToRawLongBits(a), DoubleSorter.unkey(ka));
      for (double b : s) {
        long kb = DoubleSorter.key(Double.doubleToRawLongBits(b));
        assertEquals(Integer.signum(Double.compare(a, b)), Integer.signum(Long.compareUnsigned(ka, kb)), a + " vs " + b);
      }
    }
  }

  @Test
  void randomMixedDataSortsExactlyLikeArraysSortReusingOneSorter() {
    SplittableRandom r = new SplittableRandom(42);
    DoubleSorter sorter = new DoubleSorter();
    // sizes below and above the radix threshold, shrinking and growing so the scratch buffers are reused
    for (int n : new int[] {1, 7, DoubleSorter.RADIX_MIN - 1, DoubleSorter.RADIX_MIN, 100_000, 5_000, 3_333, 200_001}) {
      assertSameAsArraysSort(mixed(r, n), sorter);
    }
  }

  @Test
  void gaussianDataAndZerosOfBothSignsSortLikeArraysSort() {
    SplittableRandom r = new SplittableRandom(7);
    double[] g = new double[50_000];
    for (int i = 0; i < g.length; i++) {
      g[i] = i % 10 == 0 ? (i % 20 == 0 ? -0.0 : 0.0) : r.nextGaussian();
    }
    DoubleSorter sorter = new DoubleSorter();
    assertSameAsArraysSort(g, sorter);
    double[] sorted = g.clone();
    sorter.sortFinite(sorted);
    // all -0.0 (2,500 of them) come right before all +0.0, as Arrays.sort puts them
    int firstZero = 0;
    while (sorted[firstZero] < 0) {
      firstZero++;
    }
    for (int k = 0; k < 2500; k++) {
      assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(sorted[firstZero + k]));
      assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(sorted[firstZero + 2500 + k]));
    }
  }

  @Test
  void degenerateDigitPatternsSkipPassesAndStillSort() {
    DoubleSorter sorter = new DoubleSorter();
    double[] same = new double[10_000];
    Arrays.fill(same, -3.25);
    assertSameAsArraysSort(same, sorter);
    // values differing only in the lowest byte: exactly one active pass
    double[] low = new double[10_000];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < low.length; i++) {
      low[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(1.5) + r.nextInt(256));
    }
    assertSameAsArraysSort(low, sorter);
    // integers 0..4095 in reverse, negated half: few active passes
    double[] ints = new double[8192];
    for (int i = 0; i < ints.length; i++) {
      ints[i] = (i % 2 == 0 ? -1 : 1) * (double) (ints.length - i);
    }
    assertSameAsArraysSort(ints, sorter);
  }

  @Test
  void nonFiniteValuesAreRejectedAndTheArrayLeftAlone() {
    DoubleSorter sorter = new DoubleSorter();
    for (int n : new int[] {10, 10_000}) {
      for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
        double[] x = mixed(new SplittableRandom(n), n);
        x[n / 2] = bad;
        double[] before = x.clone();
        assertFalse(sorter.sortFinite(x), bad + " in " + n + " values");
        assertArrayEquals(bits(before), bits(x));
      }
    }
  }
}

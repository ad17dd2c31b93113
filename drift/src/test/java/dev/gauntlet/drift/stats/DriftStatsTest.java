package dev.gauntlet.drift.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Drift statistics against independent values. Every literal below was computed by
 * {@code drift/src/test/python/reference_values.py} with SciPy 1.17.1 / NumPy 2.4 (Debian's
 * python3-scipy 1.10.1 lacks {@code false_discovery_control}); its output is committed beside it
 * as {@code reference_values.out}. The KS p-values follow SciPy's {@code method='auto'} rule; the
 * wider grid is in {@link KsPValueTest}.
 */
@Timeout(120) // a broken sort key once made a test spin instead of fail
class DriftStatsTest {
  static final double[] A = {1.2, 3.4, 0.5, 2.2, 5.1, 4.4, 3.3, 2.9, 0.1, 1.7, 2.5, 3.9};
  static final double[] B = {2.0, 4.1, 5.5, 3.8, 6.2, 2.7, 4.9, 5.0, 3.1, 4.4, 6.8, 1.9, 3.6, 5.9, 4.2};

  static double[] largeA() {
    double[] a = new double[400];
    for (int i = 0; i < a.length; i++) {
      a[i] = (i * 37 % 101) / 10.0;
    }
    return a;
  }

  static double[] largeB() {
    double[] b = new double[300];
    for (int j = 0; j < b.length; j++) {
      b[j] = (j * 53 % 97) / 10.0 + 0.8;
    }
    return b;
  }

  @Test
  void ksAndWassersteinOnSmallSamplesMatchScipyExact() {
    SortedSample a = SortedSample.of(A, "a");
    SortedSample b = SortedSample.of(B, "b");
    double[] dw = DriftStats.ksAndWasserstein(a, b);
    assertEquals(0.48333333333333334, dw[0], 1e-12, "scipy.stats.ks_2samp(a, b).statistic");
    assertEquals(1.6733333333333333, dw[1], 1e-12, "scipy.stats.wasserstein_distance(a, b)");
    assertEquals(0.060984556939597985, DriftStats.ksPValue(dw[0], A.length, B.length), 0.060984556939597985 * 1e-10,
        "ks_2samp(method='exact').pvalue");
  }

  @Test
  void ksWassersteinAndPsiOnLargeSamplesWithTiesMatchScipy() {
    SortedSample a = SortedSample.of(largeA(), "a");
    SortedSample b = SortedSample.of(largeB(), "b");
    PsiBins bins = PsiBins.quantiles(a, 10);
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, bins.edges(), 0, "reference-quantile edges from the script");
    assertArrayEquals(new long[] {44, 40, 39, 40, 40, 39, 39, 40, 40, 39}, bins.counts(a));
    assertArrayEquals(new long[] {10, 31, 31, 31, 31, 30, 32, 31, 31, 42}, bins.counts(b));
    NumericDrift d = DriftStats.numeric(a, b, bins);
    assertEquals(0.08666666666666667, d.ks(), 1e-12, "ks_2samp statistic");
    assertEquals(0.1447362977574377, d.ksP(), 0.1447362977574377 * 1e-10, "ks_2samp(method='auto').pvalue: exact, max(n, m) <= 10,000");
    assertEquals(0.5836666666666668, d.wasserstein(), 1e-12, "wasserstein_distance");
    assertEquals(0.5836666666666668 / 2.919652205314873, d.wassersteinNorm(), 1e-12, "over np.std(reference)");
    assertEquals(0.10868256857562394, d.psi(), 1e-12, "PSI by hand in NumPy");
  }

  /** Long enough for the radix sort, with ties, negatives, -0.0 and +0.0 (formulas as in the script). */
  static double[] radixA() {
    double[] a = new double[5000];
    for (int i = 0; i < a.length; i++) {
      a[i] = (i % 3 == 0 ? -1.0 : 1.0) * (((i * 37 % 1009) - 504) / 8.0);
    }
    return a;
  }

  static double[] radixB() {
    double[] b = new double[4000];
    for (int j = 0; j < b.length; j++) {
      b[j] = (j % 5 == 0 ? -1.0 : 1.0) * (((j * 53 % 997) - 450) / 8.0);
    }
    return b;
  }

  @Test
  void statisticsOfRadixSortedSamplesWithBothZerosMatchScipy() {
    assertTrue(radixB().length >= DoubleSorter.RADIX_MIN, "the samples must take the radix path");
    DoubleSorter sorter = new DoubleSorter();
    SortedSample a = SortedSample.ofOwned(radixA(), "a", sorter);
    SortedSample b = SortedSample.ofOwned(radixB(), "b", sorter);
    PsiBins bins = PsiBins.quantiles(a, 10);
    assertArrayEquals(new double[] {-50.5, -37.875, -25.375, -12.75, -0.125, 12.5, 25.125, 37.875, 50.5}, bins.edges(), 0);
    assertArrayEquals(new long[] {502, 502, 498, 501, 500, 499, 499, 504, 499, 496}, bins.counts(a));
    assertArrayEquals(new long[] {267, 406, 402, 405, 406, 406, 406, 408, 404, 490}, bins.counts(b));
    NumericDrift d = DriftStats.numeric(a, b, bins);
    assertEquals(0.0347, d.ks(), 1e-12, "ks_2samp statistic");
    assertEquals(0.009265260369702748, d.ksP(), 0.009265260369702748 * 1e-10, "ks_2samp(method='auto').pvalue: exact, max(n, m) <= 10,000");
    assertEquals(3.5965125000000007, d.wasserstein(), 1e-12, "wasserstein_distance");
    assertEquals(3.5965125000000007 / 36.42741401595782, d.wassersteinNorm(), 1e-12, "over np.std(reference)");
    assertEquals(0.018791200596275988, d.psi(), 1e-12, "PSI by hand in NumPy");
  }

  /**
   * The merge pass as first written (both CDF values divided afresh at every step), to check that
   * the pass that carries them gives bit-identical results.
   */
  static double[] ksAndWassersteinAfresh(double[] a, double[] b) {
    int n = a.length;
    int m = b.length;
    int i = 0;
    int j = 0;
    double d = 0;
    double w = 0;
    double prev = Math.min(a[0], b[0]);
    while (i < n || j < m) {
      double x = i < n && (j >= m || a[i] <= b[j]) ? a[i] : b[j];
      w += Math.abs((double) i / n - (double) j / m) * (x - prev);
      while (i < n && a[i] == x) {
        i++;
      }
      while (j < m && b[j] == x) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / n - (double) j / m));
      prev = x;
    }
    return new double[] {d, w};
  }

  @Test
  void mergePassIsBitIdenticalToDividingAfreshAtEveryStep() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(3000);
      int m = 1 + r.nextInt(3000);
      int levels = 1 + r.nextInt(trial % 2 == 0 ? 20 : 100_000);
      double shift = r.nextInt(5) / 4.0;
      double[] a = new double[n];
      double[] b = new double[m];
      for (int k = 0; k < n; k++) {
        a[k] = (r.nextInt(levels) - levels / 2) / 8.0 * (r.nextInt(4) == 0 ? -1 : 1);
      }
      for (int k = 0; k < m; k++) {
        b[k] = (r.nextInt(levels) - levels / 2) / 8.0 + shift;
      }
      assertMergeBitIdentical(a, b, "trial " + trial);
    }
    // edge cases: disjoint either way, identical, single values, runs of both zeros spanning both samples
    assertMergeBitIdentical(new double[] {1, 2, 3}, new double[] {4, 5}, "a below b");
    assertMergeBitIdentical(new double[] {4, 5}, new double[] {1, 2, 3}, "b below a");
    assertMergeBitIdentical(new double[] {1, 2, 2, 3}, new double[] {1, 2, 2, 3}, "identical");
    assertMergeBitIdentical(new double[] {7}, new double[] {7}, "one equal value");
    assertMergeBitIdentical(new double[] {7}, new double[] {-7}, "one value each");
    assertMergeBitIdentical(new double[] {-0.0, 0.0, 0.0, 1}, new double[] {0.0, -0.0, 2}, "both zeros");
    assertMergeBitIdentical(new double[] {-1, 5, 5}, new double[] {5, 5, 5, 5}, "run ending both samples");
  }

  static void assertMergeBitIdentical(double[] a, double[] b, String what) {
    SortedSample sa = SortedSample.of(a, "a");
    SortedSample sb = SortedSample.of(b, "b");
    double[] expected = ksAndWassersteinAfresh(sa.values(), sb.values());
    double[] actual = DriftStats.ksAndWasserstein(sa, sb);
    assertEquals(Double.doubleToRawLongBits(expected[0]), Double.doubleToRawLongBits(actual[0]), "KS D, " + what);
    assertEquals(Double.doubleToRawLongBits(expected[1]), Double.doubleToRawLongBits(actual[1]), "Wasserstein, " + what);
  }

  @Test
  void identicalSamplesHaveNoDrift() {
    SortedSample a = SortedSample.of(largeA(), "a");
    NumericDrift d = DriftStats.numeric(a, a, PsiBins.quantiles(a, 10));
    assertEquals(0, d.ks());
    assertEquals(1.0, d.ksP());
    assertEquals(0, d.wasserstein());
    assertEquals(0, d.psi(), 1e-15);
  }

  @Test
  void chiSquareCramersVJensenShannonAndPsiMatchScipy() {
    CategoricalDrift d = DriftStats.categorical(new long[] {30, 50, 20}, new long[] {20, 45, 35});
    assertEquals(6.354066985645932, d.chi2(), 1e-10, "chi2_contingency(correction=False)");
    assertEquals(0.04170920242693336, d.chi2P(), 1e-10);
    assertEquals(2, d.df());
    assertEquals(0.1782423488630849, d.cramersV(), 1e-10);
    assertEquals(0.12668884729860694, d.jensenShannon(), 1e-12, "scipy.spatial.distance.jensenshannon");
    assertEquals(0.1297569047840211, d.psi(), 1e-12);
    double[] two = DriftStats.chiSquare(new long[] {40, 60}, new long[] {55, 45});
    assertEquals(4.511278195488721, two[0], 1e-10);
    assertEquals(0.033672068856345896, two[2], 1e-10);
  }

  @Test
  void jensenShannonAndPsiWithEmptyCategories() {
    assertEquals(0.464501404022459, DriftStats.jensenShannon(new long[] {50, 50, 0}, new long[] {25, 25, 50}), 1e-12);
    assertEquals(1.5640491119253044, DriftStats.psi(new long[] {50, 50, 0}, new long[] {40, 40, 20}), 1e-12);
    assertEquals(0.22821740957339182, DriftStats.psi(new long[] {25, 25, 25, 25}, new long[] {10, 20, 30, 40}), 1e-12);
  }

  @Test
  void multipleTestingMatchesScipyAndHolmByHand() {
    double[] p = {0.01, 0.04, 0.03, 0.005, 0.2};
    assertArrayEquals(new double[] {0.025, 0.05, 0.05, 0.025, 0.2}, MultipleTesting.BH.adjust(p), 1e-12, "scipy.stats.false_discovery_control");
    assertArrayEquals(new double[] {0.04, 0.09, 0.09, 0.025, 0.2}, MultipleTesting.HOLM.adjust(p), 1e-12);
    assertArrayEquals(p, MultipleTesting.NONE.adjust(p));
  }

  @Test
  void defaultTestFollowsEvidentlysRules() {
    assertEquals(DefaultTest.KS, DefaultTest.choose(1000, true, 6));
    assertEquals(DefaultTest.CHI_SQUARE, DefaultTest.choose(1000, true, 5));
    assertEquals(DefaultTest.Z, DefaultTest.choose(500, false, 2));
    assertEquals(DefaultTest.CHI_SQUARE, DefaultTest.choose(500, false, 3));
    assertEquals(DefaultTest.WASSERSTEIN_NORM, DefaultTest.choose(1001, true, 6));
    assertEquals(DefaultTest.JENSEN_SHANNON, DefaultTest.choose(1001, true, 4));
    assertEquals(DefaultTest.JENSEN_SHANNON, DefaultTest.choose(5000, false, 2));
  }

  @Test
  void badInputIsRejectedWithItsName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SortedSample.of(new double[] {1, Double.NaN}, "income in 2023-05"));
    assertEquals("income in 2023-05: value NaN is not finite", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SortedSample.of(new double[0], "x"));
    IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> SortedSample.ofSorted(new double[] {1, 3, 2}, "age in 2023-06"));
    assertEquals("age in 2023-06: not sorted at index 2 (3.0 then 2.0)", u.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SortedSample.ofSorted(new double[] {1, Double.POSITIVE_INFINITY}, "x"));
    assertEquals(2.0, SortedSample.ofSorted(new double[] {-0.0, 0.0, 2}, "x").max());
    assertThrows(IllegalArgumentException.class, () -> DriftStats.categorical(new long[] {0, 0}, new long[] {1, 2}));
  }
}

package dev.gauntlet.drift.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.summary.SortedCounts;
import org.junit.jupiter.api.Test;

/**
 * A sample held per distinct value ({@link SortedSample#ofCounts}, what {@code drift.features}
 * reads from its summaries, with no array of one value per row) gives the statistics SciPy gives
 * on the rows: the literals are {@link DriftStatsTest}'s, from {@code reference_values.py}. Then
 * every statistic is bit-identical to the same sample held per row.
 */
class CountedSampleTest {
  private static SortedSample counted(double[] rows, String what) {
    return SortedSample.ofCounts(SortedCounts.of(rows, 0, rows.length), 0, what);
  }

  @Test
  void tiedSamplesHeldPerDistinctValueMatchScipy() {
    SortedSample a = counted(DriftStatsTest.largeA(), "a");
    SortedSample b = counted(DriftStatsTest.largeB(), "b");
    assertEquals(400, a.size());
    assertTrue(a.entries() == 101, "held per distinct value: " + a.entries() + " entries for 400 rows");
    PsiBins bins = PsiBins.quantiles(a, 10);
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, bins.edges(), 0);
    assertArrayEquals(new long[] {44, 40, 39, 40, 40, 39, 39, 40, 40, 39}, bins.counts(a));
    assertArrayEquals(new long[] {10, 31, 31, 31, 31, 30, 32, 31, 31, 42}, bins.counts(b));
    NumericDrift d = DriftStats.numeric(a, b, bins);
    assertEquals(0.08666666666666667, d.ks(), 1e-12, "ks_2samp statistic");
    assertEquals(0.1447362977574377, d.ksP(), 0.1447362977574377 * 1e-10);
    assertEquals(0.5836666666666668, d.wasserstein(), 1e-12, "wasserstein_distance");
    assertEquals(0.5836666666666668 / 2.919652205314873, d.wassersteinNorm(), 1e-12, "over np.std(reference)");
    assertEquals(0.10868256857562394, d.psi(), 1e-12, "PSI by hand in NumPy");
  }

  @Test
  void bothZerosAndNegativesMatchScipyAndTheRowSampleBitForBit() {
    SortedSample a = counted(DriftStatsTest.radixA(), "a");
    SortedSample b = counted(DriftStatsTest.radixB(), "b");
    PsiBins bins = PsiBins.quantiles(a, 10);
    assertArrayEquals(new double[] {-50.5, -37.875, -25.375, -12.75, -0.125, 12.5, 25.125, 37.875, 50.5}, bins.edges(), 0);
    assertArrayEquals(new long[] {267, 406, 402, 405, 406, 406, 406, 408, 404, 490}, bins.counts(b));
    NumericDrift d = DriftStats.numeric(a, b, bins);
    assertEquals(0.0347, d.ks(), 1e-12);
    assertEquals(3.5965125000000007, d.wasserstein(), 1e-12);
    assertEquals(0.018791200596275988, d.psi(), 1e-12);

    SortedSample ra = SortedSample.of(DriftStatsTest.radixA(), "a");
    SortedSample rb = SortedSample.of(DriftStatsTest.radixB(), "b");
    NumericDrift r = DriftStats.numeric(ra, rb, PsiBins.quantiles(ra, 10));
    assertEquals(Double.doubleToLongBits(r.ks()), Double.doubleToLongBits(d.ks()));
    assertEquals(Double.doubleToLongBits(r.wasserstein()), Double.doubleToLongBits(d.wasserstein()));
    assertEquals(Double.doubleToLongBits(r.wassersteinNorm()), Double.doubleToLongBits(d.wassersteinNorm()));
    assertEquals(Double.doubleToLongBits(r.psi()), Double.doubleToLongBits(d.psi()));
    assertEquals(Double.doubleToLongBits(ra.mean()), Double.doubleToLongBits(a.mean()));
    assertEquals(Double.doubleToLongBits(ra.std()), Double.doubleToLongBits(a.std()));
    for (int i = 0; i < ra.size(); i += 7) {
      assertEquals(ra.get(i), a.get(i), 0, "rank " + i);
    }
    for (double x = -70; x <= 70; x += 0.0625) {
      assertEquals(ra.countAtOrBelow(x), a.countAtOrBelow(x), "at or below " + x);
    }
    assertEquals(ra.distinct(1000), a.distinct(1000));
    assertArrayEquals(ra.values(), a.values(), 0);
  }

  @Test
  void emptyAndNonFiniteSamplesAreRefusedWithTheirName() {
    SortedCounts none = SortedCounts.empty(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SortedSample.ofCounts(none, 0, "income in 2024-03"));
    assertTrue(e.getMessage().startsWith("income in 2024-03: no values"), e.getMessage());
    SortedCounts nan = SortedCounts.of(new double[] {1, Double.NaN}, 0, 2);
    e = assertThrows(IllegalArgumentException.class, () -> SortedSample.ofCounts(nan, 0, "x in Q1"));
    assertTrue(e.getMessage().contains("NaN is not finite"), e.getMessage());
  }
}

package dev.gauntlet.fairness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Reference values from SciPy: fairness/src/test/python/significance_reference.py. */
class SignificanceTest {

  @Test
  void fisherExactMatchesScipy() {
    assertEquals(0.02997312285237981, Significance.fisherExact(3, 7, 9, 2), 1e-12);
    assertEquals(0.10278971697348147, Significance.fisherExact(1, 29, 6, 24), 1e-12);
    assertEquals(0.007936507936507938, Significance.fisherExact(0, 5, 5, 0), 1e-12);
    assertEquals(1.0, Significance.fisherExact(10, 10, 10, 10), 1e-12);
  }

  @Test
  void pooledZTestMatchesScipy() {
    assertEquals(0.012419330651552265, Significance.zTest(10, 40, 30, 60), 1e-12);
    assertEquals(0.0023259111307739957, Significance.zTest(120, 400, 180, 450), 1e-12);
  }

  @Test
  void twoProportionsSwitchesToFisherForSmallExpectedCounts() {
    // 1/30 vs 6/30: expected successes per row 3.5 < 5, so Fisher.
    assertEquals(0.10278971697348147, Significance.twoProportions(1, 30, 6, 30), 1e-12);
    // 10/40 vs 30/60: every expected cell >= 16, so the z test.
    assertEquals(0.012419330651552265, Significance.twoProportions(10, 40, 30, 60), 1e-12);
  }

  @Test
  void benjaminiHochbergMatchesScipy() {
    assertArrayEquals(new double[] {0.025, 0.05, 0.05, 0.2, 0.025},
        Significance.benjaminiHochberg(new double[] {0.01, 0.04, 0.03, 0.2, 0.005}), 1e-12);
  }

  @Test
  void badCountsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Significance.zTest(5, 4, 1, 2));
    assertThrows(IllegalArgumentException.class, () -> Significance.twoProportions(0, 0, 1, 2));
    assertThrows(IllegalArgumentException.class, () -> Significance.benjaminiHochberg(new double[] {Double.NaN}));
  }
}

package dev.gauntlet.harness.performance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.stats.Intervals;
import org.junit.jupiter.api.Test;

class PerformanceStatisticsTest {

  @Test
  void aucCountsOrderedPairsAndHalfTies() {
    // positives score 0.9, 0.4, 0.6; negatives 0.1, 0.4, 0.8.
    // pairs (pos > neg): 0.9 beats 3; 0.4 beats 0.1 and ties 0.4 (half); 0.6 beats 0.1 and 0.4 -> 3 + 1.5 + 2 = 6.5 of 9
    double auc = PerformanceCheck.auc(new double[] {0.9, 0.1, 0.4, 0.4, 0.6, 0.8}, new int[] {1, 0, 1, 0, 1, 0}, 1);
    assertEquals(6.5 / 9, auc, 1e-12);
    assertTrue(Double.isNaN(PerformanceCheck.auc(new double[] {0.2, 0.3}, new int[] {1, 1}, 1)));
  }

  @Test
  void wilsonIntervalMatchesPublishedValues() {
    // Newcombe (1998), Statistics in Medicine 17:857-872, Table I: 81/263 -> 0.2553 to 0.3662; 0/10 -> 0 to 0.2775
    double[] a = Intervals.wilson(81, 263, 0.95);
    assertEquals(0.2553, a[0], 5e-5);
    assertEquals(0.3662, a[1], 5e-5);
    double[] b = Intervals.wilson(0, 10, 0.95);
    assertEquals(0.0, b[0], 1e-12);
    assertEquals(0.2775, b[1], 5e-5);
    assertEquals(1.959964, Intervals.z(0.95), 1e-6);
  }
}

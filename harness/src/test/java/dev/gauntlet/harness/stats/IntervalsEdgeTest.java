package dev.gauntlet.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Wilson interval's bounds at 0 and n successes are exactly 0 and 1, not rounding residue. */
class IntervalsEdgeTest {
  @Test
  void boundsAtTheEdgesAreExact() {
    for (int n : new int[] {1, 10, 2000, 10_000}) {
      assertEquals(0.0, Intervals.wilson(0, n, 0.95)[0], 0.0, "lower bound of 0/" + n);
      assertEquals(1.0, Intervals.wilson(n, n, 0.95)[1], 0.0, "upper bound of " + n + "/" + n);
    }
    // upper bound for 0/2000 in closed form: z^2 / (n + z^2), z = 1.959964
    assertEquals(3.841459 / 2003.841459, Intervals.wilson(0, 2000, 0.95)[1], 1e-9);
  }
}

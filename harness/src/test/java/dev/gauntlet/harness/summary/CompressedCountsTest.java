package dev.gauntlet.harness.summary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SortedCounts past its budget: every rank within the reported bound of the exact rank, the bound not vacuous. */
class CompressedCountsTest {

  private static final java.util.Map<SortedCounts, long[][]> PREFIX = new java.util.IdentityHashMap<>();

  /**
   * Rows of {@code s} at or below {@code x}, per column: the count column summed over the values
   * that compare at or below {@code x} (prefix sums, found by binary search).
   */
  static long atOrBelow(SortedCounts s, double x, int c) {
    long[][] prefix = PREFIX.computeIfAbsent(s, k -> {
      long[][] p = new long[k.columns()][k.distinct() + 1];
      for (int col = 0; col < k.columns(); col++) {
        for (int i = 0; i < k.distinct(); i++) {
          p[col][i + 1] = p[col][i] + k.count(i, col);
        }
      }
      return p;
    });
    int lo = 0;
    int hi = s.distinct();
    while (lo < hi) { // the number of values that compare at or below x
      int mid = (lo + hi) >>> 1;
      if (Double.compare(s.value(mid), x) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return prefix[c][lo];
  }

  @Test
  void everyRankOfAMergedAndRecompressedSampleIsWithinTheBound() throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    int budget = 1024;
    SortedCounts exact = SortedCounts.empty(2);
    java.util.List<SortedCounts> parts = new java.util.ArrayList<>();
    for (int chunk = 0; chunk < 40; chunk++) {
      int m = 2000 + r.nextInt(3000);
      double[] v = new double[m];
      int[] col = new int[m];
      for (int i = 0; i < m; i++) {
        v[i] = r.nextInt(10) == 0 ? 0.5 : r.nextGaussian() * (1 + chunk / 10.0); // a heavy value and a drifting spread
        col[i] = r.nextInt(3) == 0 ? 1 : 0;
      }
      SortedCounts part = SortedCounts.of(v, col, 2, 0, m);
      exact = exact.merge(part);
      parts.add(part.compress(budget));
    }
    // merged pairwise in rounds, compressed after each merge, as chunks merge in the engine (a binary tree)
    while (parts.size() > 1) {
      java.util.List<SortedCounts> next = new java.util.ArrayList<>();
      for (int i = 0; i < parts.size(); i += 2) {
        next.add(i + 1 < parts.size() ? parts.get(i).merge(parts.get(i + 1)).compress(budget) : parts.get(i));
      }
      parts = next;
    }
    SortedCounts approx = parts.get(0);
    assertEquals(0, exact.rankError());
    assertTrue(approx.distinct() <= budget + 2, approx.distinct() + " entries");
    assertEquals(exact.value(0), approx.value(0), "the minimum stays exact");
    assertEquals(exact.value(exact.distinct() - 1), approx.value(approx.distinct() - 1), "the maximum stays exact");
    assertTrue(approx.rankError() > 0);
    long n = exact.total(0) + exact.total(1);
    assertTrue(approx.rankError() < 0.03 * n, "a vacuous bound: " + approx.rankError() + " of " + n);
    long worst = 0;
    for (int i = 0; i < exact.distinct(); i++) {
      double x = exact.value(i);
      for (int c = 0; c < 2; c++) {
        long err = Math.abs(atOrBelow(approx, x, c) - atOrBelow(exact, x, c));
        assertTrue(err <= approx.rankError(), "at " + x + ", column " + c + ": off by " + err + ", bound " + approx.rankError());
        worst = Math.max(worst, err);
      }
      // between distinct values too
      double mid = i + 1 < exact.distinct() ? (x + exact.value(i + 1)) / 2 : x + 1;
      assertTrue(Math.abs(atOrBelow(approx, mid, 0) - atOrBelow(exact, mid, 0)) <= approx.rankError());
    }
    assertTrue(worst > 0, "compression moved nothing: the test would not see an ignored bound");
    assertEquals(exact.total(0), approx.total(0));
    assertEquals(exact.total(1), approx.total(1));
    // the bound survives encoding
    SortedCounts back = SortedCounts.decode(new DataInputStream(new ByteArrayInputStream(approx.bytes())));
    assertEquals(approx.rankError(), back.rankError());
    assertArrayEquals(approx.bytes(), back.bytes());
  }

  @Test
  void theAucOfACompressedScoreSampleIsWithinItsBound() {
    SplittableRandom r = new SplittableRandom(11);
    int m = 20000;
    double[] v = new double[m];
    int[] y = new int[m];
    for (int i = 0; i < m; i++) {
      y[i] = r.nextInt(3) == 0 ? 1 : 0;
      v[i] = 1 / (1 + Math.exp(-(r.nextGaussian() + 0.8 * y[i])));
    }
    long[] confusion = {0, 0, 0, 0};
    var exact = new dev.gauntlet.harness.performance.PerformanceSummary(2, confusion, SortedCounts.of(v, y, 2, 0, m));
    assertEquals(0, exact.aucBound());
    // the AUC by hand: positives above negatives, ties a half (continuous scores: no ties)
    double above = 0;
    long pos = 0;
    double[] negs = java.util.stream.IntStream.range(0, m).filter(i -> y[i] == 0).mapToDouble(i -> v[i]).sorted().toArray();
    for (int i = 0; i < m; i++) {
      if (y[i] == 1) {
        pos++;
        int below = Arrays.binarySearch(negs, v[i]);
        above += below >= 0 ? below + 0.5 : -below - 1;
      }
    }
    double auc = above / (pos * (double) negs.length);
    assertEquals(auc, exact.auc(), 1e-12);
    SortedCounts half1 = SortedCounts.of(v, y, 2, 0, m / 2).compress(1024);
    SortedCounts half2 = SortedCounts.of(v, y, 2, m / 2, m).compress(1024);
    var approx = new dev.gauntlet.harness.performance.PerformanceSummary(2, confusion, half1.merge(half2).compress(1024));
    double b = approx.aucBound();
    assertTrue(b > 0 && b < 0.05, "bound " + b);
    assertTrue(approx.auc() != auc, "compression left the AUC unchanged: the bound is not exercised");
    assertTrue(Math.abs(approx.auc() - auc) <= b, "compressed AUC " + approx.auc() + ", exact " + auc + ", bound " + b);
  }

  @Test
  void underTheBudgetNothingChanges() {
    double[] v = {3, 1, 2, 2, 5};
    SortedCounts s = SortedCounts.of(v, 0, v.length);
    assertSame(s, s.compress(5));
    assertEquals(0, s.rankError());
  }

  @Test
  void runsAreCountedAtTheirSmallestValueWithTheHandCountedError() {
    // 8 distinct values, one row each, budget 4: runs of at most ceil(2 * 8 / 4) = 4 rows, the largest value alone
    // -> {1,2,3,4}, {5,6,7}, {8}; a rank inside the first run counts its 3 larger rows too: error 3.
    double[] v = {8, 7, 6, 5, 4, 3, 2, 1};
    SortedCounts c = SortedCounts.of(v, 0, v.length).compress(4);
    assertEquals(3, c.distinct());
    assertEquals(1.0, c.value(0));
    assertEquals(5.0, c.value(1));
    assertEquals(8.0, c.value(2), "the maximum stays exact");
    assertEquals(4, c.count(0));
    assertEquals(3, c.rankError());
    assertArrayEquals(new double[] {1, 1, 1, 1, 5, 5, 5, 8}, c.expand(0));
    assertEquals(Arrays.asList(4L, 3L, 1L), Arrays.asList(c.count(0), c.count(1), c.count(2)));
  }
}

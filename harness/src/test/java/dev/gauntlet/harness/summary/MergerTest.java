package dev.gauntlet.harness.summary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The merger of a stream of chunk summaries holds a tree of them while they are exact, and one
 * running summary once they are lossy, so a budgeted summary's memory does not grow with the
 * number of chunks; its stated rank error still bounds every rank (checked against the sorted
 * rows themselves).
 */
class MergerTest {
  /** A sample kept within a budget, as the checks' budgeted summaries keep theirs. */
  record Budgeted(SortedCounts s, int budget) implements Summary<Budgeted> {
    @Override
    public Budgeted merge(Budgeted o) {
      return new Budgeted(s.merge(o.s).bounded(budget), budget);
    }

    @Override
    public boolean exact() {
      return s.rankError() == 0;
    }

    @Override
    public void encode(DataOutput out) throws IOException {
      s.encode(out);
    }
  }

  @Test
  void exactSummariesMergeToTheWholeAndLossyOnesAreHeldOnceWithinTheirBound() {
    SplittableRandom r = new SplittableRandom(11);
    int budget = 4096;
    int chunks = 300;
    int rows = 500;
    double[] all = new double[chunks * rows];
    Merger<Budgeted> merger = new Merger<>();
    int firstLossy = -1;
    int mostHeldBefore = 0;
    int mostEntries = 0;
    for (int k = 0; k < chunks; k++) {
      double[] v = new double[rows];
      for (int i = 0; i < rows; i++) {
        v[i] = r.nextInt(8) == 0 ? 0.25 : r.nextGaussian() * (1 + k / 60.0); // a heavy value, a drifting spread
      }
      System.arraycopy(v, 0, all, k * rows, rows);
      merger.add(new Budgeted(SortedCounts.of(v, 0, rows).bounded(budget), budget));
      Budgeted now = merger.result();
      if (firstLossy < 0 && merger.running()) {
        firstLossy = k;
      }
      if (firstLossy < 0) {
        mostHeldBefore = Math.max(mostHeldBefore, merger.held());
        if (now.exact()) { // the merge of the chunks so far is the sorted rows so far
          double[] sorted = Arrays.copyOf(all, (k + 1) * rows);
          Arrays.sort(sorted);
          assertArrayEquals(sorted, now.s().expand(0), 0, "exact after chunk " + k);
        }
      } else {
        assertEquals(1, merger.held(), "once lossy, one running summary (chunk " + k + ")");
        mostEntries = Math.max(mostEntries, now.s().distinct());
      }
    }
    assertTrue(firstLossy > 0 && firstLossy < 20, "the budget is reached after a few chunks, not at once: " + firstLossy);
    assertTrue(mostHeldBefore >= 2, "a tree of exact summaries before: " + mostHeldBefore);
    assertTrue(mostEntries <= 2 * budget + 2 + rows, "memory stays at the budget: " + mostEntries + " entries");

    SortedCounts approx = merger.result().s();
    Arrays.sort(all);
    long bound = approx.rankError();
    assertTrue(bound > 0 && bound < 0.02 * all.length, "a bound that is neither zero nor vacuous: " + bound + " of " + all.length);
    assertEquals(all.length, approx.total(0));
    assertEquals(all[0], approx.value(0), 0, "the minimum stays exact");
    assertEquals(all[all.length - 1], approx.value(approx.distinct() - 1), 0, "the maximum stays exact");
    long worst = 0;
    int e = 0;
    long below = 0; // the summary's count of values <= x
    for (int i = 0; i < all.length; i++) {
      if (i + 1 < all.length && all[i + 1] == all[i]) {
        continue;
      }
      double x = all[i];
      while (e < approx.distinct() && approx.value(e) <= x) {
        below += approx.count(e, 0);
        e++;
      }
      long err = Math.abs(below - (i + 1));
      assertTrue(err <= bound, "at " + x + ": off by " + err + ", bound " + bound);
      worst = Math.max(worst, err);
    }
    assertTrue(worst > 0, "compression moved nothing: the test would not see an ignored bound");
  }

  @Test
  void aRunningSummaryIsDeterministicForTheSameStream() {
    byte[][] out = new byte[2][];
    for (int run = 0; run < 2; run++) {
      SplittableRandom r = new SplittableRandom(5);
      Merger<Budgeted> m = new Merger<>();
      for (int k = 0; k < 60; k++) {
        double[] v = r.doubles(700).toArray();
        m.add(new Budgeted(SortedCounts.of(v, 0, v.length).bounded(1024), 1024));
      }
      out[run] = m.result().bytes();
    }
    assertArrayEquals(out[0], out[1]);
  }
}

package dev.gauntlet.harness.summary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.performance.PerformanceCheck;
import dev.gauntlet.harness.performance.PerformanceSummary;
import dev.gauntlet.harness.run.RunFixtures;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Merging the summaries of any split of the rows gives exactly the summary (and the measurements)
 * of the whole: random splits into 1 to 8 partitions of random sizes (empty ones included, rows
 * shuffled), merged in random orders and tree shapes, several seeds; equality is exact.
 */
class SummaryPropertyTest {

  /** Addends over the whole exponent range: tiny, huge, subnormal, negative, cancelling. */
  private static double[] addends(SplittableRandom r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(5)) {
        case 0 -> v[i] = r.nextDouble();
        case 1 -> v[i] = -r.nextDouble() * Math.pow(2, r.nextInt(-60, 60));
        case 2 -> v[i] = Math.scalb(r.nextDouble() - 0.5, r.nextInt(-1074, 1000));
        case 3 -> v[i] = Double.MIN_VALUE * r.nextInt(1, 1000);
        default -> v[i] = i > 0 ? -v[i - 1] : 1e300;
      }
    }
    return v;
  }

  @Test
  void exactSumIsTheCorrectlyRoundedSumWhateverTheSplit() throws IOException {
    for (long seed = 1; seed <= 40; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      double[] v = addends(r, r.nextInt(0, 400));
      BigDecimal exact = BigDecimal.ZERO;
      ExactSum whole = new ExactSum();
      for (double x : v) {
        exact = exact.add(new BigDecimal(x));
        whole.add(x);
      }
      assertEquals(exact.doubleValue(), whole.value(), "seed " + seed);
      int k = r.nextInt(1, 9);
      ExactSum[] parts = new ExactSum[k];
      for (int c = 0; c < k; c++) {
        parts[c] = new ExactSum();
      }
      for (double x : v) {
        parts[r.nextInt(k)].add(x);
      }
      ExactSum merged = new ExactSum();
      for (int c = k - 1; c >= 0; c--) {
        merged = r.nextBoolean() ? merged.plus(parts[c]) : parts[c].plus(merged);
      }
      assertEquals(whole.value(), merged.value(), "seed " + seed);
      assertArrayEquals(bytes(whole), bytes(merged), "seed " + seed);
      ExactSum back = ExactSum.decode(new DataInputStream(new ByteArrayInputStream(bytes(merged))));
      assertArrayEquals(bytes(merged), bytes(back));
      assertEquals(merged.value(), back.value());
    }
    ExactSum special = new ExactSum();
    special.add(Double.POSITIVE_INFINITY);
    special.add(1);
    assertEquals(Double.POSITIVE_INFINITY, special.value());
    special.add(Double.NEGATIVE_INFINITY);
    assertEquals(Double.NaN, special.value());
  }

  private static byte[] bytes(ExactSum s) throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    s.encode(new java.io.DataOutputStream(b));
    return b.toByteArray();
  }

  @Test
  void sortedCountsMergeIsAssociativeAndCommutative() throws IOException {
    for (long seed = 1; seed <= 30; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      SortedCounts[] s = new SortedCounts[3];
      for (int t = 0; t < 3; t++) {
        int n = r.nextInt(0, 50);
        double[] v = new double[n];
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = r.nextInt(4) == 0 ? (r.nextBoolean() ? -0.0 : 0.0) : r.nextInt(10) / 4.0;
          c[i] = r.nextInt(2);
        }
        s[t] = SortedCounts.of(v, c, 2, 0, n);
      }
      assertArrayEquals(s[0].merge(s[1]).merge(s[2]).bytes(), s[0].merge(s[1].merge(s[2])).bytes(), "seed " + seed);
      assertArrayEquals(s[0].merge(s[1]).bytes(), s[1].merge(s[0]).bytes(), "seed " + seed);
      SortedCounts m = s[0].merge(s[1]).merge(s[2]);
      assertArrayEquals(m.bytes(), SortedCounts.decode(new DataInputStream(new ByteArrayInputStream(m.bytes()))).bytes());
    }
  }

  /** A table of {@code n} rows and a model whose scores are coarse (many ties) and noisy (errors both ways). */
  private static Table table(int n) {
    return RunFixtures.table(n, false);
  }

  private static FunctionModel coarse(long seed) {
    return RunFixtures.model("coarse", x -> {
      double[][] p = new double[x.length][];
      for (int i = 0; i < x.length; i++) {
        long h = Double.doubleToLongBits(x[i][0]) * 0x9E3779B97F4A7C15L + seed;
        double q = Math.floor(Math.min(1, Math.max(0, x[i][0] + ((h >>> 40) % 7 - 3) / 10.0)) * 8) / 8;
        p[i] = new double[] {1 - q, q};
      }
      return p;
    });
  }

  private static CheckContext context(FunctionModel m, Table t) {
    return new CheckContext(m, false, t, null, 42, 0.5, null, null, new CheckContext.Cache());
  }

  @Test
  void performanceIsTheSameOnEverySplit() {
    for (long seed = 1; seed <= 12; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      int n = r.nextInt(31, 400);
      Table t = table(n);
      FunctionModel m = coarse(seed);
      PerformanceCheck check = new PerformanceCheck();
      CheckContext ctx = context(m, t);
      CheckValue whole = check.run(ctx);
      // The AUC is bit-identical to the row-based rank statistic.
      Predictions p = ctx.predictions(t);
      double rowAuc = PerformanceCheck.auc(p.scores(), t.labels(), 1);
      assertEquals(rowAuc, whole.measurements().get(2).value(), "seed " + seed);
      for (int k = 1; k <= 8; k++) {
        CheckValue split = check.run(ctx.withEngine(new RandomSplitEngine(k, seed * 31 + k)));
        assertEquals(whole.measurements(), split.measurements(), "seed " + seed + ", " + k + " partitions");
        assertEquals(whole.summary(), split.summary());
        assertEquals(String.valueOf(whole.evidence()), String.valueOf(split.evidence()));
      }
      assertEquals(whole.measurements(), check.run(ctx.withEngine(InProcessEngine.byRows(7))).measurements());
      // Merge is associative and commutative on random triples of partitions.
      Summarizer<PerformanceSummary> sz = PerformanceSummary.summarizer(2, 1);
      List<PerformanceSummary> tri = new ArrayList<>();
      int a = r.nextInt(0, n + 1);
      int b = r.nextInt(a, n + 1);
      tri.add(sz.summarize(new Partition(t, p, 0, a)));
      tri.add(sz.summarize(new Partition(t, p, a, b)));
      tri.add(sz.summarize(new Partition(t, p, b, n)));
      assertArrayEquals(tri.get(0).merge(tri.get(1)).merge(tri.get(2)).bytes(), tri.get(0).merge(tri.get(1).merge(tri.get(2))).bytes());
      assertArrayEquals(tri.get(0).merge(tri.get(2)).bytes(), tri.get(2).merge(tri.get(0)).bytes());
      assertArrayEquals(sz.summarize(Partition.of(t, p)).bytes(), tri.get(2).merge(tri.get(0)).merge(tri.get(1)).bytes());
    }
  }
}

package dev.gauntlet.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.summary.MergeLaws;
import dev.gauntlet.harness.summary.InProcessEngine;
import dev.gauntlet.harness.summary.Partition;
import dev.gauntlet.harness.summary.RandomSplitEngine;
import dev.gauntlet.harness.summary.Summarizer;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The drift checks computed from mergeable summaries give the same measurements, evidence and
 * summary on every random split of the rows (1 to 8 partitions of random sizes, empty ones
 * included, rows shuffled, merged in random order), exactly; and their summaries merge
 * associatively and commutatively.
 */
class SplitPropertyTest {

  static void assertSplitIndependent(dev.gauntlet.harness.check.Check<CheckValue> check, CheckContext ctx, long seed) throws Exception {
    CheckValue whole = check.run(ctx);
    for (int k = 1; k <= 8; k++) {
      CheckValue split = check.run(ctx.withEngine(new RandomSplitEngine(k, seed * 131 + k)));
      String where = "seed " + seed + ", " + k + " partitions";
      assertEquals(whole.measurements(), split.measurements(), where);
      assertEquals(String.valueOf(whole.evidence()), String.valueOf(split.evidence()), where);
      assertEquals(whole.summary(), split.summary(), where);
    }
    assertEquals(whole.measurements(), check.run(ctx.withEngine(InProcessEngine.byRows(97))).measurements());
  }

  @Test
  void temporalHoldoutIsTheSameOnEverySplit() throws Exception {
    for (long seed = 1; seed <= 4; seed++) {
      DriftData d = new DriftData(20 + (int) seed * 7, 0.4, seed);
      TemporalHoldoutCheck monthly = new TemporalHoldoutCheck(new WindowSpec("date", WindowUnit.MONTH, 0, 12, WindowSpec.Origin.FIXED, 10),
          List.of("g"), 0.03, 12);
      assertSplitIndependent(monthly, DriftData.context(d.table, null), seed);
      TemporalHoldoutCheck quarterly = new TemporalHoldoutCheck(new WindowSpec("date", WindowUnit.QUARTER, 0, 0, WindowSpec.Origin.ROLLING, 30),
          List.of("g"), 0.05, 6);
      assertSplitIndependent(quarterly, DriftData.context(d.secondYear(), d.firstYear()), seed);
    }
  }

  @Test
  void featureDriftIsTheSameOnEverySplit() throws Exception {
    for (long seed = 1; seed <= 3; seed++) {
      DriftData d = new DriftData(25 + (int) seed * 5, 0.6, seed);
      FeatureDriftCheck monthly = new FeatureDriftCheck(new WindowSpec("date", WindowUnit.MONTH, 0, 12, WindowSpec.Origin.FIXED, 20), List.of(), 10,
          0.05, dev.gauntlet.drift.stats.MultipleTesting.BH, Double.NaN, 3, true);
      assertSplitIndependent(monthly, DriftData.context(d.table, null), seed);
      FeatureDriftCheck rolling = new FeatureDriftCheck(new WindowSpec("date", WindowUnit.QUARTER, 0, 0, WindowSpec.Origin.ROLLING, 30),
          List.of("x", "g"), 5, 0.1, dev.gauntlet.drift.stats.MultipleTesting.HOLM, Double.NaN, 2, true);
      assertSplitIndependent(rolling, DriftData.context(d.secondYear(), d.firstYear()), seed);
    }
  }

  @Test
  void windowSamplesMergeAssociativelyAndCommutatively() throws IOException {
    DriftData d = new DriftData(12, 0.3, 5);
    Table t = d.table;
    Predictions p = DriftData.context(t, null).predictions(t);
    WindowSpec spec = new WindowSpec("date", WindowUnit.MONTH, 0, 4, WindowSpec.Origin.FIXED, 5);
    List<FeatureDriftCheck.Watched> cols = List.of(new FeatureDriftCheck.Watched("x", true, List.of(), true),
        new FeatureDriftCheck.Watched("g", false, List.of("A", "B"), true), new FeatureDriftCheck.Watched("prediction", false, List.of("no", "yes"), false));
    Summarizer<WindowSamples> sz = WindowSamples.summarizer(spec, cols, true);
    for (long seed = 1; seed <= 10; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      int n = t.rowCount();
      int a = r.nextInt(0, n + 1);
      int b = r.nextInt(a, n + 1);
      WindowSamples x = sz.summarize(new Partition(t, p, 0, a));
      WindowSamples y = sz.summarize(new Partition(t, p, a, b));
      WindowSamples z = sz.summarize(new Partition(t, p, b, n));
      WindowSamples all = sz.summarize(Partition.of(t, p));
      MergeLaws.assertLaws(x, y, z, all, WindowSamples::decode);
      // The merged sample is the sorted column itself.
      double[] sorted = t.numeric("x").clone();
      java.util.Arrays.sort(sorted);
      assertArrayEquals(sorted, all.sample(0, Long.MIN_VALUE, Long.MAX_VALUE).expand(0));
    }
  }

  @Test
  void windowCountsMergeAssociativelyAndCommutatively() throws IOException {
    for (long seed = 1; seed <= 10; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      DriftData d = new DriftData(15, 0.3, seed);
      Table t = d.table;
      Predictions p = DriftData.context(t, null).predictions(t);
      WindowSpec spec = new WindowSpec("date", WindowUnit.WEEK, 0, 4, WindowSpec.Origin.FIXED, 5);
      Summarizer<WindowCounts> sz = WindowCounts.summarizer(spec, List.of("g"), new int[] {2}, 1, true);
      int n = t.rowCount();
      int a = r.nextInt(0, n + 1);
      int b = r.nextInt(a, n + 1);
      WindowCounts x = sz.summarize(new Partition(t, p, 0, a));
      WindowCounts y = sz.summarize(new Partition(t, p, a, b));
      WindowCounts z = sz.summarize(new Partition(t, p, b, n));
      WindowCounts all = sz.summarize(Partition.of(t, p));
      MergeLaws.assertLaws(x, y, z, all, WindowCounts::decode);
    }
  }
}

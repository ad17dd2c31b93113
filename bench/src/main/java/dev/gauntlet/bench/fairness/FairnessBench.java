package dev.gauntlet.bench.fairness;

import dev.gauntlet.fairness.Disparity;
import dev.gauntlet.fairness.SliceCheck;
import dev.gauntlet.fairness.SliceConfig;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.PrecomputedModel;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Timed harness for {@code fairness.slices}: N rows (default 10 million), 3 protected attributes
 * (sex, race, banded age) with their pairwise intersections, every metric, B bootstrap resamples.
 * Reports the median time of the runs, rows per second and heap, for B = 0 (the baseline: counting
 * and tests only), 100 and 1,000 resamples in the same JVM.
 *
 * <p>Usage: {@code FairnessBench [rows] [runs]}.
 */
public final class FairnessBench {
  private FairnessBench() {}

  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    System.out.printf(Locale.ROOT, "fairness bench: %,d rows, %d runs per setting, %d processors, OMP_NUM_THREADS=%s, max heap %d MB%n",
        rows, runs, Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"), Runtime.getRuntime().maxMemory() >> 20);
    long t0 = System.nanoTime();
    Table t = data(rows, 20240601L);
    System.out.printf(Locale.ROOT, "generated in %.1f s; heap after generation %d MB%n", (System.nanoTime() - t0) / 1e9, usedAfterGc() >> 20);
    List<SliceConfig.Attribute> attrs = List.of(SliceConfig.Attribute.categorical("sex"), SliceConfig.Attribute.categorical("race"),
        new SliceConfig.Attribute("age", new double[] {25, 45, 65}));
    PrecomputedModel model = PrecomputedModel.ofScores("bench", "score", 0.5, true);
    double baseline = Double.NaN;
    for (int b : new int[] {0, 100, 1000}) {
      SliceConfig cfg = SliceConfig.of(attrs).withDepth(2).withReferences(java.util.Map.of("sex", "M"))
          .withDisparities(EnumSet.allOf(Disparity.class)).withBootstrap(b);
      SliceCheck check = new SliceCheck(cfg);
      double[] secs = new double[runs];
      long peak = 0;
      int measurements = 0;
      for (int r = 0; r < runs; r++) {
        usedAfterGc();
        resetPeaks();
        long start = System.nanoTime();
        CheckContext ctx = new CheckContext(model, false, t, null, 42 + r, 0.5, null, null, new CheckContext.Cache());
        CheckValue v = check.run(ctx);
        secs[r] = (System.nanoTime() - start) / 1e9;
        peak = Math.max(peak, peakHeap());
        measurements = v.measurements().size();
      }
      Arrays.sort(secs);
      double median = secs[runs / 2];
      if (b == 0) {
        baseline = median;
      }
      System.out.printf(Locale.ROOT, "B=%4d: median %.2f s (runs %s), %.1f M rows/s, %.2fx the B=0 baseline, peak heap %d MB, %d measurements%n",
          b, median, Arrays.toString(Arrays.stream(secs).map(x -> Math.round(x * 100) / 100.0).toArray()), rows / median / 1e6,
          median / baseline, peak >> 20, measurements);
    }
  }

  /** Synthetic rows: sex, race, age, a probability score and a label drawn from it, with a disparity against sex=F. */
  static Table data(int n, long seed) {
    Schema schema = SchemaLoader.parse(ConfigNode.parse("bench-schema.yaml", """
        name: bench
        columns:
          - {name: sex, type: categorical, categories: [F, M], role: protected}
          - {name: race, type: categorical, categories: [a, b, c, d, e], role: protected}
          - {name: age, type: numeric, role: protected}
          - {name: score, type: numeric, role: score, range: [0, 1]}
          - {name: label, type: categorical, categories: ["no", "yes"], role: label}
        """));
    int[] sex = new int[n];
    int[] race = new int[n];
    double[] age = new double[n];
    double[] score = new double[n];
    int[] label = new int[n];
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] raceCut = {0.6, 0.8, 0.9, 0.97, 1.0};
    for (int i = 0; i < n; i++) {
      sex[i] = rnd.nextDouble() < 0.5 ? 0 : 1;
      double u = rnd.nextDouble();
      int r = 0;
      while (u > raceCut[r]) {
        r++;
      }
      race[i] = r;
      age[i] = 18 + rnd.nextInt(70);
      double z = rnd.nextGaussian() - (sex[i] == 0 ? 0.3 : 0) + 0.1 * r;
      score[i] = 1 / (1 + Math.exp(-z));
      label[i] = rnd.nextDouble() < score[i] ? 1 : 0;
    }
    List<Column> cols = new ArrayList<>();
    cols.add(new Column.Categorical("sex", sex, List.of("F", "M")));
    cols.add(new Column.Categorical("race", race, List.of("a", "b", "c", "d", "e")));
    cols.add(new Column.Numeric("age", age));
    cols.add(new Column.Numeric("score", score));
    cols.add(new Column.Categorical("label", label, List.of("no", "yes")));
    return new Table(schema, cols, null);
  }

  private static long usedAfterGc() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  /** The sum of the heap pools' peak usage since the last reset (an upper bound of the peak heap). */
  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}

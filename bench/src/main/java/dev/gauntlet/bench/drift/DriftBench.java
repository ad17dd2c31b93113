package dev.gauntlet.bench.drift;

import dev.gauntlet.drift.stats.DriftStats;
import dev.gauntlet.drift.stats.NumericDrift;
import dev.gauntlet.drift.stats.PsiBins;
import dev.gauntlet.drift.stats.SortedSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * All numeric drift statistics (KS with p-value, Wasserstein, normed Wasserstein, PSI over 10
 * reference-quantile bins) for {@code columns} numeric columns, a reference of {@code rows} rows
 * against 12 windows of {@code rows} rows each, as the drift trial computes them (the reference is
 * sorted once per column, each window once). Columns run in parallel on {@code threads} threads.
 * Data generation is not timed. The baseline, timed the same way in the same run, only sorts the
 * same 13 arrays per column: the floor any exact KS / Wasserstein implementation pays.
 *
 * <p>Args: {@code [columns=100] [rows=1000000] [threads=2] [repeats=3]}.
 */
public final class DriftBench {
  static final int WINDOWS = 12;

  public static void main(String[] args) throws Exception {
    int columns = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    System.out.printf("drift bench: %d columns x %d rows, reference + %d windows, %d threads, %d repeats, OMP_NUM_THREADS=%s, %s%n",
        columns, rows, WINDOWS, threads, repeats, System.getenv("OMP_NUM_THREADS"), Runtime.version());
    double[] stats = new double[repeats];
    double[] sorts = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      stats[r] = run(columns, rows, threads, true);
      sorts[r] = run(columns, rows, threads, false);
      System.out.printf("repeat %d: statistics %.1f s, sort-only baseline %.1f s%n", r + 1, stats[r], sorts[r]);
    }
    Arrays.sort(stats);
    Arrays.sort(sorts);
    double ms = stats[repeats / 2];
    double mb = sorts[repeats / 2];
    long windowRows = (long) rows * (WINDOWS + 1);
    System.out.printf("median: statistics %.1f s, baseline %.1f s, ratio %.2f%n", ms, mb, ms / mb);
    System.out.printf("throughput: %.0f rows/s (each row with all %d columns; %d rows = reference + %d windows), %.2e values/s%n",
        windowRows / ms, columns, windowRows, WINDOWS, (double) windowRows * columns / ms);
  }

  /** Wall seconds spent in the timed sections, summed over tasks and divided by the thread count. */
  static double run(int columns, int rows, int threads, boolean statistics) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<double[]>> out = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      final int col = c;
      out.add(pool.submit(() -> column(col, rows, statistics)));
    }
    double busy = 0;
    double check = 0;
    for (Future<double[]> f : out) {
      double[] r = f.get();
      busy += r[0];
      check += r[1];
    }
    pool.shutdown();
    if (Double.isNaN(check)) {
      throw new IllegalStateException("a statistic was NaN");
    }
    return busy / threads;
  }

  /** Column {@code c}: N(0, 1) reference; window w is N(shift * w, 1) with shift 0.01 * (c mod 10). */
  static double[] column(int c, int rows, boolean statistics) {
    SplittableRandom rnd = new SplittableRandom(1000 + c);
    double[] ref = gaussian(rnd, rows, 0);
    double[][] win = new double[WINDOWS][];
    for (int w = 0; w < WINDOWS; w++) {
      win[w] = gaussian(rnd, rows, 0.01 * (c % 10) * (w + 1));
    }
    long t0 = System.nanoTime();
    double sum = 0;
    if (statistics) {
      SortedSample r = SortedSample.ofOwned(ref, "column " + c + " reference");
      PsiBins bins = PsiBins.quantiles(r, 10);
      for (int w = 0; w < WINDOWS; w++) {
        NumericDrift d = DriftStats.numeric(r, SortedSample.ofOwned(win[w], "column " + c + " window " + w), bins);
        sum += d.ks() + d.ksP() + d.wasserstein() + d.wassersteinNorm() + d.psi();
      }
    } else {
      Arrays.sort(ref);
      sum += ref[0];
      for (int w = 0; w < WINDOWS; w++) {
        Arrays.sort(win[w]);
        sum += win[w][0];
      }
    }
    return new double[] {(System.nanoTime() - t0) / 1e9, sum};
  }

  static double[] gaussian(SplittableRandom r, int n, double mean) {
    double[] x = new double[n];
    for (int i = 0; i < n; i += 2) {
      double u = r.nextDouble();
      double v = r.nextDouble();
      double rad = Math.sqrt(-2 * Math.log(1 - u));
      x[i] = mean + rad * Math.cos(2 * Math.PI * v);
      if (i + 1 < n) {
        x[i + 1] = mean + rad * Math.sin(2 * Math.PI * v);
      }
    }
    return x;
  }
}

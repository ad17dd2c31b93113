package dev.gauntlet.bench.drift;

import dev.gauntlet.drift.stats.DoubleSorter;
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
 * sorted once per column, each window once, with {@link DoubleSorter}, one sorter per thread).
 * Columns run in parallel on {@code threads} threads. Data generation is not timed.
 *
 * <p>Four modes, all timed the same way in the same run, interleaved per repeat:
 * {@link Mode#STATISTICS} (the drift trial today), {@link Mode#STATISTICS_ARRAYS_SORT} (the same
 * statistics with {@code Arrays.sort} and the merge pass as it was, i.e. the code before the radix
 * sort), and two sort-only baselines that
 * only sort the same 13 arrays per column with {@code Arrays.sort} and with {@link DoubleSorter}.
 * The {@code Arrays.sort}-only baseline is the one the ratios refer to. Every mode also checks that
 * the statistics (or the sorted arrays) are bit-identical across modes.
 *
 * <p>Args: {@code [columns=100] [rows=1000000] [threads=2] [repeats=3]}.
 */
public final class DriftBench {
  static final int WINDOWS = 12;

  /** What a run times. */
  enum Mode {
    STATISTICS("statistics (radix sort)"),
    STATISTICS_ARRAYS_SORT("statistics before (Arrays.sort)"),
    SORT_ARRAYS("baseline: Arrays.sort only"),
    SORT_RADIX("radix sort only");

    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  static final ThreadLocal<DoubleSorter> SORTER = ThreadLocal.withInitial(DoubleSorter::new);

  public static void main(String[] args) throws Exception {
    int columns = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    System.out.printf("drift bench: %d columns x %d rows, reference + %d windows, %d threads, %d repeats, OMP_NUM_THREADS=%s, %s%n",
        columns, rows, WINDOWS, threads, repeats, System.getenv("OMP_NUM_THREADS"), Runtime.version());
    Mode[] modes = Mode.values();
    double[][] t = new double[modes.length][repeats];
    double[][] checks = new double[modes.length][];
    for (int r = 0; r < repeats; r++) {
      StringBuilder line = new StringBuilder("repeat " + (r + 1) + ":");
      for (Mode mode : modes) {
        double[] out = run(columns, rows, threads, mode);
        t[mode.ordinal()][r] = out[0];
        double[] check = Arrays.copyOfRange(out, 1, out.length);
        if (checks[mode.ordinal()] != null && !Arrays.equals(checks[mode.ordinal()], check)) {
          throw new IllegalStateException(mode + " gave different results across repeats");
        }
        checks[mode.ordinal()] = check;
        line.append(String.format(" %s %.1f s;", mode.label, out[0]));
      }
      System.out.println(line);
    }
    if (!Arrays.equals(checks[Mode.STATISTICS.ordinal()], checks[Mode.STATISTICS_ARRAYS_SORT.ordinal()])) {
      throw new IllegalStateException("the statistics differ between the radix sort and Arrays.sort");
    }
    if (!Arrays.equals(checks[Mode.SORT_ARRAYS.ordinal()], checks[Mode.SORT_RADIX.ordinal()])) {
      throw new IllegalStateException("the sorted arrays differ between the radix sort and Arrays.sort");
    }
    System.out.println("check: statistics bit-identical with both sorts; sorted arrays bit-identical (hash of every array)");
    double base = median(t[Mode.SORT_ARRAYS.ordinal()]);
    long windowRows = (long) rows * (WINDOWS + 1);
    for (Mode mode : modes) {
      double m = median(t[mode.ordinal()]);
      System.out.printf("median: %-34s %7.1f s  ratio to Arrays.sort-only %.2f  %,.0f rows/s (%.2e values/s)%n",
          mode.label, m, m / base, windowRows / m, (double) windowRows * columns / m);
    }
    System.out.printf("speed-up of the statistics: %.2fx (Arrays.sort %.1f s -> radix %.1f s); of sorting alone: %.2fx%n",
        median(t[Mode.STATISTICS_ARRAYS_SORT.ordinal()]) / median(t[Mode.STATISTICS.ordinal()]),
        median(t[Mode.STATISTICS_ARRAYS_SORT.ordinal()]), median(t[Mode.STATISTICS.ordinal()]),
        base / median(t[Mode.SORT_RADIX.ordinal()]));
    System.out.printf("(a row = one value of each of the %d columns; %d rows = reference + %d windows)%n", columns, windowRows, WINDOWS);
  }

  static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /**
   * Wall seconds spent in the timed sections, summed over tasks and divided by the thread count,
   * then one checksum per column (bits of the statistics, or a hash of the sorted arrays).
   */
  static double[] run(int columns, int rows, int threads, Mode mode) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<double[]>> out = new ArrayList<>();
      for (int c = 0; c < columns; c++) {
        final int col = c;
        out.add(pool.submit(() -> column(col, rows, mode)));
      }
      double[] result = new double[columns + 1];
      double busy = 0;
      for (int c = 0; c < columns; c++) {
        double[] r = out.get(c).get();
        busy += r[0];
        if (Double.isNaN(r[1])) {
          throw new IllegalStateException("a statistic was NaN in column " + c);
        }
        result[c + 1] = r[1];
      }
      result[0] = busy / threads;
      return result;
    } finally {
      pool.shutdown();
    }
  }

  /** Column {@code c}: N(0, 1) reference; window w is N(shift * w, 1) with shift 0.01 * (c mod 10). */
  static double[] column(int c, int rows, Mode mode) {
    SplittableRandom rnd = new SplittableRandom(1000 + c);
    double[] ref = gaussian(rnd, rows, 0);
    double[][] win = new double[WINDOWS][];
    for (int w = 0; w < WINDOWS; w++) {
      win[w] = gaussian(rnd, rows, 0.01 * (c % 10) * (w + 1));
    }
    DoubleSorter sorter = SORTER.get();
    long t0 = System.nanoTime();
    double sum = 0;
    switch (mode) {
      case STATISTICS, STATISTICS_ARRAYS_SORT -> {
        boolean radix = mode == Mode.STATISTICS;
        SortedSample r = sample(ref, "column " + c + " reference", radix, sorter);
        PsiBins bins = PsiBins.quantiles(r, 10);
        for (int w = 0; w < WINDOWS; w++) {
          SortedSample cur = sample(win[w], "column " + c + " window " + w, radix, sorter);
          if (radix) {
            NumericDrift d = DriftStats.numeric(r, cur, bins);
            sum += d.ks() + d.ksP() + d.wasserstein() + d.wassersteinNorm() + d.psi();
          } else {
            sum += before(ref, win[w], r, cur, bins);
          }
        }
      }
      case SORT_ARRAYS, SORT_RADIX -> {
        for (int w = -1; w < WINDOWS; w++) {
          double[] x = w < 0 ? ref : win[w];
          if (mode == Mode.SORT_ARRAYS) {
            Arrays.sort(x);
          } else {
            sorter.sortFinite(x);
          }
          sum += x[0];
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (mode == Mode.SORT_ARRAYS || mode == Mode.SORT_RADIX) {
      long h = 0;
      for (int w = -1; w < WINDOWS; w++) {
        h = 31 * h + Arrays.hashCode(w < 0 ? ref : win[w]);
      }
      sum = h;
    }
    return new double[] {seconds, sum};
  }

  /**
   * The statistics as {@code DriftStats.numeric} computed them before this change: the merge pass
   * divided both CDF values afresh at every step (kept here verbatim, so that the "before" mode
   * times the old code; the sum must equal the new code's bit for bit).
   */
  static double before(double[] a, double[] b, SortedSample ref, SortedSample cur, PsiBins bins) {
    int n = a.length;
    int m = b.length;
    int i = 0;
    int j = 0;
    double d = 0;
    double w = 0;
    double prev = Math.min(a[0], b[0]);
    while (i < n || j < m) {
      double x = i < n && (j >= m || a[i] <= b[j]) ? a[i] : b[j];
      w += Math.abs((double) i / n - (double) j / m) * (x - prev);
      while (i < n && a[i] == x) {
        i++;
      }
      while (j < m && b[j] == x) {
        j++;
      }
      double gap = Math.abs((double) i / n - (double) j / m);
      if (gap > d) {
        d = gap;
      }
      prev = x;
    }
    double p = DriftStats.ksPValue(d, n, m);
    double sd = ref.std();
    double norm = sd > 0 ? w / sd : (w == 0 ? 0 : Double.POSITIVE_INFINITY);
    double psi = DriftStats.psi(bins.counts(ref), bins.counts(cur));
    return d + p + w + norm + psi;
  }

  static SortedSample sample(double[] x, String what, boolean radix, DoubleSorter sorter) {
    if (radix) {
      return SortedSample.ofOwned(x, what, sorter);
    }
    Arrays.sort(x);
    return SortedSample.ofSorted(x, what);
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

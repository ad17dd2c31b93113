package dev.gauntlet.bench.slices;

import dev.gauntlet.fairness.discover.DiscoveryConfig;
import dev.gauntlet.fairness.discover.SliceDiscoveryCheck;
import dev.gauntlet.fairness.discover.SliceSearch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Slice discovery speed: the pruned SliceLine search against brute force over the whole lattice,
 * in the same JVM on the same data, with the same counting kernel. Synthetic data: N rows, 20
 * features (12 categorical of 3 to 6 levels, 8 numeric in 4 quantile bins), error rate 0.15, and a
 * planted slice f0=1 &amp; f4=2 &amp; f8=0 (1/27 of the rows) with error 0.6. Prints medians, the ratio, the
 * threads and the load average, and checks that both searches return the same candidates.
 *
 * <pre>
 * mvn -B -q -Pbench -pl bench -am package -DskipTests
 * OMP_NUM_THREADS=2 java -Xmx3g -cp "bench/target/classes:$(cat bench/target/cp.txt)" \
 *   dev.gauntlet.bench.slices.SliceDiscoveryBench 1000000 5
 * </pre>
 */
public final class SliceDiscoveryBench {
  private SliceDiscoveryBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    SplittableRandom r = new SplittableRandom(20210620);
    List<SliceSearch.Feature> fs = new ArrayList<>();
    byte[][] codes = new byte[20][n];
    for (int f = 0; f < 20; f++) {
      int levels = f < 12 ? 3 + f % 4 : 4;
      List<String> names = new ArrayList<>();
      for (int l = 0; l < levels; l++) {
        names.add(Integer.toString(l));
      }
      for (int i = 0; i < n; i++) {
        codes[f][i] = (byte) r.nextInt(levels);
      }
      fs.add(new SliceSearch.Feature(f < 12 ? "f" + f : "n" + f, codes[f], names, f < 12 ? null : new double[] {1, 2, 3}));
    }
    boolean[] bad = new boolean[n];
    int planted = 0;
    for (int i = 0; i < n; i++) {
      boolean in = codes[0][i] == 1 && codes[4][i] == 2 && codes[8][i] == 0;
      planted += in ? 1 : 0;
      bad[i] = r.nextDouble() < (in ? 0.6 : 0.15);
    }
    SliceSearch.Problem pb = new SliceSearch.Problem(fs, bad);
    DiscoveryConfig cfg = DiscoveryConfig.defaults();
    SliceSearch.Settings st = new SliceSearch.Settings(cfg.depth(), cfg.minSize(), cfg.effect(), cfg.alpha());
    System.out.printf(Locale.ROOT, "rows %d, features %d, depth %d, minSize %d, effect %.2f, alpha %.2f, planted slice %d rows%n", n, fs.size(),
        st.depth(), st.minSize(), st.effect(), st.alpha(), planted);
    System.out.printf(Locale.ROOT, "OMP_NUM_THREADS=%s, available processors %d, ForkJoin parallelism %d, load average before: %s%n",
        System.getenv("OMP_NUM_THREADS"), Runtime.getRuntime().availableProcessors(), java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(), load());
    // Warm-up, and the equality check.
    SliceSearch.Result p = SliceSearch.pruned(pb, st);
    SliceSearch.Result b = SliceSearch.bruteForce(pb, st);
    List<String> pk = p.candidates().stream().map(c -> c.key() + ":" + c.size() + ":" + c.bad()).toList();
    List<String> bk = b.candidates().stream().map(c -> c.key() + ":" + c.size() + ":" + c.bad()).toList();
    if (!pk.equals(bk)) {
      throw new IllegalStateException("pruned and brute-force candidates differ: " + pk.size() + " vs " + bk.size());
    }
    List<SliceDiscoveryCheck.Slice> reported = SliceDiscoveryCheck.select(cfg, pb, p);
    System.out.printf(Locale.ROOT, "family %d slices; pruned evaluated %d in %d scans; brute force evaluated %d in %d scans; %d candidates (equal); %d reported%n",
        p.family(), p.evaluated(), p.scans(), b.evaluated(), b.scans(), p.candidates().size(), reported.size());
    for (SliceDiscoveryCheck.Slice s : reported.subList(0, Math.min(5, reported.size()))) {
      System.out.printf(Locale.ROOT, "  %s n=%d rate %.3f q %.2g%n", s.subject(), s.size(), s.rate(), s.q());
    }
    double[] tp = new double[runs];
    double[] tb = new double[runs];
    for (int k = 0; k < runs; k++) {
      long t0 = System.nanoTime();
      SliceSearch.Result x = SliceSearch.pruned(pb, st);
      SliceDiscoveryCheck.select(cfg, pb, x);
      tp[k] = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      SliceSearch.Result y = SliceSearch.bruteForce(pb, st);
      SliceDiscoveryCheck.select(cfg, pb, y);
      tb[k] = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "run %d: pruned %.3f s, brute force %.3f s%n", k + 1, tp[k], tb[k]);
    }
    double mp = median(tp);
    double mb = median(tb);
    System.out.printf(Locale.ROOT, "median pruned %.3f s, median brute force %.3f s, ratio %.1fx; load average after: %s%n", mp, mb, mb / mp, load());
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}

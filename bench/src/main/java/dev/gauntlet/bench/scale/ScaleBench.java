package dev.gauntlet.bench.scale;

import dev.gauntlet.fixtures.LendingData;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.CsvReader;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import java.io.BufferedWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Memory of the four summary checks (performance, fairness.slices, drift.temporal by month,
 * drift.features by quarter) over N rows in the demo's lending schema plus a precomputed score:
 * {@code ScaleBench ROWS DIR [SAMPLE_ROWS|-] [CACHE_MB]}. Generates {@code DIR/lending-ROWS.csv} with the
 * fixtures' generator (24 months) when absent, loads the suite (data.sample.rows = SAMPLE_ROWS,
 * default the suite default, or "-": more rows are streamed in chunks; a SAMPLE_ROWS above ROWS reads the
 * table whole, the path before streaming; an optional fourth argument sets data.sample.cacheMB, 0
 * for no chunk cache) and runs it. Prints the load and run times, the peak
 * heap used (sampled every 20 ms) and the largest heap left after a collection (the live set).
 * Run each size in a fresh JVM with -Xmx1g.
 */
public final class ScaleBench {
  private ScaleBench() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("generate")) { // in a JVM of its own, so that the measured run starts clean
      Path out = Path.of(args[2]);
      Files.createDirectories(out);
      long g0 = System.nanoTime();
      generate(out.resolve("lending-" + args[1] + ".csv"), Long.parseLong(args[1]));
      System.out.printf(Locale.ROOT, "generated %s rows in %.1f s%n", args[1], secs(g0));
      return;
    }
    long n = Long.parseLong(args[0]);
    Path dir = Path.of(args[1]);
    String sample = args.length > 2 && !args[2].equals("-") ? args[2] : null;
    String cacheMB = args.length > 3 ? args[3] : null; // data.sample.cacheMB; default the suite default (a quarter of the heap)
    Files.createDirectories(dir);
    Path csv = dir.resolve("lending-" + n + ".csv");
    if (!Files.exists(csv)) {
      long g0 = System.nanoTime();
      generate(csv, n);
      System.out.printf(Locale.ROOT, "generated %s in %.1f s%n", csv, secs(g0));
    }
    Files.writeString(dir.resolve("schema.yaml"), LendingData.schemaText()
        + "  - name: score\n    type: numeric\n    role: score\n    range: [0, 1]\n");
    Path suite = dir.resolve("suite-" + n + (sample == null ? "" : "-" + sample) + (cacheMB == null ? "" : "-cache" + cacheMB) + ".yaml");
    Files.writeString(suite, """
        name: scale
        seed: 42
        model: {type: precomputed, score: score, threshold: 0.5, probability: true}
        data:
          path: %s
          schema: schema.yaml
        %s
        checks:
          - {id: perf, type: performance, conditions: [{metric: accuracy, atLeast: 0.6}]}
          - id: slices
            type: fairness.slices
            params: {attributes: [sex, region, {name: age, bands: [30, 50]}], intersections: 2, minSize: 30, reference: {sex: M}, bootstrap: 200}
            conditions: [{metric: disparate_impact, subject: sex=F, between: [0.8, 1.25], interval: whole}]
          - id: decay
            type: drift.temporal
            params: {window: month, reference: 12, maxDrop: 0.03}
            conditions: [{metric: last_window_accuracy_drop, atMost: 0.03}]
          - id: features
            type: drift.features
            params: {window: quarter, reference: 4, features: [income, debt_ratio, loan_amount, age, sex, region], predictions: false}
            conditions: [{metric: max_psi, atMost: 0.25}]
        """.formatted(csv.getFileName(), sample == null && cacheMB == null ? "" : "  sample: {" + (sample == null ? "" : "rows: " + sample)
            + (sample != null && cacheMB != null ? ", " : "") + (cacheMB == null ? "" : "cacheMB: " + cacheMB) + "}"));
    Peak peak = new Peak();
    Thread poll = new Thread(peak, "heap-poll");
    poll.setDaemon(true);
    poll.start();
    long t0 = System.nanoTime();
    Suite s = new SuiteLoader().load(suite, OptionalLong.empty(), m -> System.out.println("  " + m));
    double load = secs(t0);
    long t1 = System.nanoTime();
    SuiteResult r = new SuiteRunner(m -> System.out.println("  " + m), null, null).run(s);
    double run = secs(t1);
    peak.stop = true;
    poll.join();
    System.out.printf(Locale.ROOT, "rows %d  streamed %s  sample %d  load %.1f s  checks %.1f s  peak heap used %.0f MB  max after any GC %.0f MB  max live (after full GC, every 3 s) %.0f MB  max heap %.0f MB%n",
        n, s.stream() != null, s.data().rowCount(), load, run, peak.used / 1e6, peak.live / 1e6, peak.liveFull / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
    for (CheckResult c : r.checks()) {
      System.out.println("  " + c.id() + " " + c.outcome() + (c.error() != null ? " (" + c.error() + ")" : "") + " " + c.measurements().stream()
          .filter(m -> List.of("accuracy", "n", "last_window_accuracy_drop", "max_psi").contains(m.metric()) && m.subject().toString().isEmpty())
          .map(m -> m.metric() + "=" + m.value()).toList());
    }
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Polls the heap: the most used (every 20 ms; with G1 mostly garbage awaiting collection), the
   * most left after any collection, and the live set: every 3 s a full collection
   * ({@code System.gc()}) and the heap used right after it, the figure that says what the run holds.
   */
  private static final class Peak implements Runnable {
    volatile boolean stop;
    long used;
    long live;
    long liveFull;

    @Override
    public void run() {
      List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
      long lastFull = System.nanoTime();
      while (!stop) {
        if (System.nanoTime() - lastFull > 3_000_000_000L) {
          System.gc();
          liveFull = Math.max(liveFull, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
          lastFull = System.nanoTime();
        }
        used = Math.max(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        for (GarbageCollectorMXBean gc : gcs) {
          if (gc instanceof com.sun.management.GarbageCollectorMXBean g && g.getLastGcInfo() != null) {
            long after = 0;
            for (var e : g.getLastGcInfo().getMemoryUsageAfterGc().entrySet()) {
              if (!e.getKey().contains("Metaspace") && !e.getKey().contains("Code") && !e.getKey().contains("Class")) {
                MemoryUsage u = e.getValue();
                after += u.getUsed();
              }
            }
            live = Math.max(live, after);
          }
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** The fixtures' lending generator, month by month (24 months), with a precomputed logistic score. */
  static void generate(Path csv, long n) throws Exception {
    int perMonth = (int) (n / 24);
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write(String.join(",", LendingData.HEADER) + ",score\n");
      long written = 0;
      for (int m = 0; m < 24; m++) {
        int rows = m == 23 ? (int) (n - written) : perMonth;
        for (String[] r : LendingData.generate(1000 + m, m, 1, rows, "m" + m + "-")) {
          double income = Double.parseDouble(r[2]);
          double debt = Double.parseDouble(r[3]);
          double loan = Double.parseDouble(r[4]);
          double age = Double.parseDouble(r[5]);
          double z = 1.5 * Math.log(income / 50000) - 4.2 * (debt - 0.35) - 0.7 * Math.log(loan / (0.6 * income)) + 0.01 * (age - 40)
              - ("F".equals(r[6]) ? 0.5 : 0);
          double score = 1 / (1 + Math.exp(-z));
          StringBuilder sb = new StringBuilder();
          for (String f : r) {
            sb.append(CsvReader.quote(f, ',')).append(',');
          }
          w.write(sb.append(score).append('\n').toString());
        }
        written += rows;
      }
    }
  }
}

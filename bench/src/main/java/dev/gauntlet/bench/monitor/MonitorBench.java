package dev.gauntlet.bench.monitor;

import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.DataSources;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Selection;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * {@code monitor.performance} over a generated production log (issue 13 §4): ROWS predictions over
 * WINDOWS months, two slice columns, 70% of the labels arrived, calibrated on 100,000 reference rows.
 * Times (median of REPS) the suite load (reading, validating and joining both logs) and the check
 * (calibration, windows, summary, figures), against the baseline of the same run: reading the
 * prediction log alone with the same CSV reader. Peak heap: the sum of the heap pools' peak usage,
 * reset before each phase.
 *
 * <pre>
 * mvn -B -o -q -Pbench -pl bench -am -DskipTests package
 * OMP_NUM_THREADS=2 java -Xmx8g -cp "bench/target/classes:$(cat bench/target/cp.txt)" dev.gauntlet.bench.monitor.MonitorBench 10000000 12 3 /tmp/monitor-bench
 * </pre>
 */
public final class MonitorBench {
  static final int REFERENCE_ROWS = 100_000;

  private MonitorBench() {}

  public static void main(String[] args) throws Exception {
    long rows = Long.parseLong(args[0]);
    int windows = Integer.parseInt(args[1]);
    int reps = Integer.parseInt(args[2]);
    Path dir = Path.of(args[3]);
    Files.createDirectories(dir);
    Path suite = generate(dir, rows, windows);
    System.out.printf(Locale.ROOT, "rows %d, windows %d, reps %d, OMP_NUM_THREADS=%s, load average %.2f, max heap %d MB%n", rows, windows, reps,
        System.getenv("OMP_NUM_THREADS"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().maxMemory() >> 20);
    List<Double> read = new ArrayList<>();
    List<Double> load = new ArrayList<>();
    List<Double> check = new ArrayList<>();
    long peakRead = 0;
    long peakMonitor = 0;
    var schema = SchemaLoader.load(dir.resolve("schema.yaml"));
    List<dev.gauntlet.harness.data.ColumnSpec> cols = new ArrayList<>();
    for (var c : schema.columns()) {
      if (!c.has(dev.gauntlet.harness.data.Role.LABEL) && !c.has(dev.gauntlet.harness.data.Role.SCORE)) {
        cols.add(c);
      }
    }
    cols.add(new dev.gauntlet.harness.data.ColumnSpec("score", dev.gauntlet.harness.data.ColumnType.NUMERIC, java.util.Set.of(dev.gauntlet.harness.data.Role.SCORE),
        0, 1, false, null, false, null, null, null, null));
    var ps = new dev.gauntlet.harness.data.Schema("bench predictions", ',', schema.missing(), cols, null);
    for (int r = 0; r < reps; r++) {
      System.gc();
      resetPeaks();
      long t0 = System.nanoTime();
      var t = DataSources.load(dir.resolve("predictions.csv"), "csv", ps, ',', Selection.ALL);
      read.add((System.nanoTime() - t0) / 1e9);
      peakRead = Math.max(peakRead, peak());
      if (t.rowCount() != rows) {
        throw new IllegalStateException("read " + t.rowCount() + " rows");
      }
      t = null;
      System.gc();
      resetPeaks();
      long t1 = System.nanoTime();
      Suite s = new SuiteLoader().load(suite, OptionalLong.empty(), null);
      long t2 = System.nanoTime();
      SuiteResult res = new SuiteRunner(m -> {}, dir.resolve("out-" + r), "bench").run(s);
      long t3 = System.nanoTime();
      peakMonitor = Math.max(peakMonitor, peak());
      load.add((t2 - t1) / 1e9);
      check.add((t3 - t2) / 1e9);
      if (res.checks().get(0).error() != null) {
        throw new IllegalStateException(res.checks().get(0).error());
      }
      System.out.printf(Locale.ROOT, "rep %d: read %.2f s, monitor load+join %.2f s, monitor check %.2f s, %s%n", r + 1, read.get(r), load.get(r), check.get(r),
          res.checks().get(0).summary());
    }
    double mr = median(read);
    double ml = median(load);
    double mc = median(check);
    System.out.printf(Locale.ROOT, "median: read the prediction log %.2f s (baseline); monitor load+join %.2f s (%.2fx), check %.2f s, total %.2f s (%.2fx);"
        + " %.0f predictions/s end to end%n", mr, ml, ml / mr, mc, ml + mc, (ml + mc) / mr, rows / (ml + mc));
    System.out.printf(Locale.ROOT, "peak heap: read alone %d MB, monitor (load, join, check) %d MB; load average now %.2f%n", peakRead >> 20, peakMonitor >> 20,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static Path generate(Path dir, long rows, int windows) throws IOException {
    Files.writeString(dir.resolve("schema.yaml"), """
        name: bench
        columns:
          - {name: id, type: text, role: id}
          - {name: t, type: timestamp, role: time}
          - {name: g, type: categorical, roles: [feature, protected], categories: [a, b, c]}
          - {name: h, type: binary, roles: [feature, protected], categories: [F, M]}
          - {name: risk, type: numeric, role: score, range: [0, 1]}
          - {name: y, type: binary, role: label, categories: ["no", "yes"], positive: "yes"}
        """);
    Path pred = dir.resolve("predictions.csv");
    Path lab = dir.resolve("labels.csv");
    Path stamp = dir.resolve("rows-" + rows + "-windows-" + windows + "-ref-" + REFERENCE_ROWS);
    if (!Files.exists(stamp)) {
      SplittableRandom r = new SplittableRandom(13);
      LocalDate start = LocalDate.of(2024, 1, 1);
      try (BufferedWriter p = Files.newBufferedWriter(pred, StandardCharsets.UTF_8); BufferedWriter l = Files.newBufferedWriter(lab, StandardCharsets.UTF_8);
          BufferedWriter ref = Files.newBufferedWriter(dir.resolve("reference.csv"), StandardCharsets.UTF_8)) {
        p.write("id,t,g,h,score\n");
        l.write("id,y,label_time\n");
        ref.write("id,t,g,h,risk,y\n");
        for (int i = 0; i < REFERENCE_ROWS; i++) {
          double s = Math.round(r.nextDouble() * 10_000) / 10_000.0;
          ref.write("r" + i + ",2023-12-01," + "abc".charAt(r.nextInt(3)) + "," + (r.nextBoolean() ? "F" : "M") + "," + s + "," + (r.nextDouble() < s ? "yes" : "no") + "\n");
        }
        for (long i = 0; i < rows; i++) {
          LocalDate d = start.plusMonths(i * windows / rows).plusDays(r.nextInt(28));
          double s = Math.round(r.nextDouble() * 10_000) / 10_000.0;
          p.write("p" + i + "," + d + "," + "abc".charAt(r.nextInt(3)) + "," + (r.nextBoolean() ? "F" : "M") + "," + s + "\n");
          if (r.nextDouble() < 0.7) {
            l.write("p" + i + "," + (r.nextDouble() < s ? "yes" : "no") + "," + d.plusDays(r.nextInt(40)) + "\n");
          }
        }
      }
      Files.writeString(stamp, "");
    }
    Path suite = dir.resolve("suite.yaml");
    Files.writeString(suite, """
        name: monitor-bench
        model: {type: precomputed, score: risk, probability: true, threshold: 0.5}
        data: {path: reference.csv, schema: schema.yaml}
        checks:
          - id: production
            type: monitor.performance
            params:
              predictions: {path: predictions.csv}
              labels: {path: labels.csv}
              labelsDueWithin: 45d
              window: month
              slices: [g, h]
              floor: 0.6
            conditions:
              - {metric: estimated_accuracy, atLeast: 0.5}
        """);
    return suite;
  }

  static void resetPeaks() {
    for (MemoryPoolMXBean m : ManagementFactory.getMemoryPoolMXBeans()) {
      if (m.getType() == MemoryType.HEAP) {
        m.resetPeakUsage();
      }
    }
  }

  static long peak() {
    long sum = 0;
    for (MemoryPoolMXBean m : ManagementFactory.getMemoryPoolMXBeans()) {
      if (m.getType() == MemoryType.HEAP) {
        sum += m.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    java.util.Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}

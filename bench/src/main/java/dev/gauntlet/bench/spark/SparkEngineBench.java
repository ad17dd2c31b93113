package dev.gauntlet.bench.spark;

import dev.gauntlet.fixtures.SyntheticScores;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import dev.gauntlet.spark.SparkEngine;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import org.apache.spark.sql.SparkSession;

/**
 * Rows per second of the summary checks (performance, fairness.slices, drift.temporal,
 * drift.features) on the in-process engine and on Spark local[N], on the same generated CSV in the
 * same run, and whether the two give the same measurements. Usage (see bench/README-spark.md):
 * {@code java $(cat spark/jvm.options) -cp "bench/target/classes:$(cat bench/target/cp.txt)" dev.gauntlet.bench.spark.SparkEngineBench ROWS MASTER PARTITIONS DIR [csv|parquet] [spark-only]}
 */
public final class SparkEngineBench {
  private SparkEngineBench() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String master = args.length > 1 ? args[1] : "local[2]";
    int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    Path dir = Path.of(args.length > 3 ? args[3] : "target/spark-bench");
    String format = args.length > 4 ? args[4] : "csv";
    boolean inProcessToo = args.length <= 5 || !"spark-only".equals(args[5]);
    Files.createDirectories(dir);
    Path suiteFile = generate(dir, rows);
    long t0 = System.nanoTime();
    SparkSession spark = SparkSession.builder().appName("gauntlet-bench").master(master).config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    double start = secs(t0);
    if ("parquet".equals(format)) {
      Path pq = dir.resolve("data-" + rows + ".parquet");
      if (!Files.exists(pq)) {
        t0 = System.nanoTime();
        spark.read().option("header", "true").option("inferSchema", "true").csv(dir.resolve("data-" + rows + ".csv").toString())
            .write().parquet(pq.toString());
        System.out.printf(Locale.ROOT, "wrote %s in %.2f s%n", pq, secs(t0));
      }
      Path s = dir.resolve("suite-" + rows + "-parquet.yaml");
      Files.writeString(s, Files.readString(suiteFile).replace("path: data-" + rows + ".csv", "path: " + pq.getFileName() + "/\n  format: parquet"));
      suiteFile = s;
    }
    t0 = System.nanoTime();
    Suite suite = new SuiteLoader().load(suiteFile, OptionalLong.empty(), null);
    double load = secs(t0);
    System.out.printf(Locale.ROOT, "rows %d, driver load (%s, validated) %.2f s%n", suite.data().rowCount(), format, load);

    double inProcess = Double.NaN;
    SuiteResult local = null;
    if (inProcessToo) {
      t0 = System.nanoTime();
      local = new SuiteRunner(null, null, null).run(suite);
      inProcess = secs(t0);
      System.out.printf(Locale.ROOT, "in-process: checks %.2f s = %.0f rows/s (%s)%n", inProcess, rows / inProcess, local.provenance().engine());
    }
    t0 = System.nanoTime();
    try (SparkEngine engine = new SparkEngine(spark, false, suite.data(), suite.model(), partitions)) {
      engine.validate(); // Spark's read, validation and row count (in the constructor, then this check)
      double validate = secs(t0);
      t0 = System.nanoTime();
      SuiteResult onSpark = new SuiteRunner(null, null, null).engine(engine).run(suite);
      double run = secs(t0);
      System.out.printf(Locale.ROOT, "spark %s: session %.2f s, read+validate pass %.2f s, checks %.2f s = %.0f rows/s (%s)%n",
          master, start, validate, run, rows / run, onSpark.provenance().engine());
      Runtime rt = Runtime.getRuntime();
      System.out.printf(Locale.ROOT, "heap in use after the Spark run: %.2f GB (max %.2f GB)%n", (rt.totalMemory() - rt.freeMemory()) / 1e9, rt.maxMemory() / 1e9);
      if (local != null) {
        System.out.printf(Locale.ROOT, "spark/in-process time per row (checks): %.2fx; with the read+validate pass: %.2fx%n",
            run / inProcess, (run + validate) / inProcess);
        boolean same = local.verdict().equals(onSpark.verdict());
        for (int i = 0; i < local.checks().size(); i++) {
          CheckResult a = local.checks().get(i);
          CheckResult b = onSpark.checks().get(i);
          same &= a.outcome() == b.outcome() && a.measurements().equals(b.measurements());
          if (a.measurements().size() != b.measurements().size()) {
            System.out.println("  " + a.id() + ": " + a.measurements().size() + " measurements in-process, " + b.measurements().size() + " on Spark");
            continue;
          }
          int exact = 0;
          int differ = 0;
          int differInconclusive = 0;
          int bounded = 0;
          int outside = 0;
          for (int k = 0; k < a.measurements().size(); k++) {
            var x = a.measurements().get(k);
            var y = b.measurements().get(k);
            if (x.equals(y)) {
              exact++;
              continue;
            }
            differ++;
            differInconclusive += x.inconclusive() != null && y.inconclusive() != null ? 1 : 0;
            String bound = x.metric().equals("ks_d") ? "ks_bound" : x.metric().equals("wasserstein") ? "wasserstein_bound" : null;
            if (bound != null) { // the exact statistic is within each engine's bound of its value: the two within the sum
              double bx = valueOf(a.measurements(), bound, x);
              double by = valueOf(b.measurements(), bound, y);
              boolean within = Math.abs(x.value() - y.value()) <= bx + by;
              outside += within ? 0 : 1;
              bounded++;
            }
            if (differ <= 3) {
              System.out.println("    differs: " + x.key() + " in-process " + x.value() + ", Spark " + y.value()
                  + (x.metric().endsWith("_bound") ? " (the bound itself, from each engine's compressions)"
                      : x.inconclusive() == null ? " (judged as exact on one engine)" : " (INCONCLUSIVE on both: " + x.inconclusive() + ")"));
            }
          }
          System.out.printf(Locale.ROOT, "  %s: %s / %s; %d measurements identical, %d differ (%d of them INCONCLUSIVE on both engines: compressed samples;"
              + " of %d differing KS D / Wasserstein values, %d further apart than the two engines' bounds)%n",
              a.id(), a.outcome(), b.outcome(), exact, differ, differInconclusive, bounded, outside);
        }
        System.out.println("same verdict and bit-identical measurements: " + same);
      }
    } finally {
      spark.stop();
    }
  }

  /** The value of {@code metric} for the subject of {@code of} (NaN when absent). */
  static double valueOf(java.util.List<dev.gauntlet.harness.check.Measurement> ms, String metric, dev.gauntlet.harness.check.Measurement of) {
    return ms.stream().filter(m -> m.metric().equals(metric) && m.subject().equals(of.subject())).mapToDouble(m -> m.value()).findFirst().orElse(Double.NaN);
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** The equality test's synthetic suite, with {@code n} rows (written once per size). */
  static Path generate(Path dir, int n) throws Exception {
    Files.writeString(dir.resolve("schema.yaml"), SyntheticScores.schema("synthetic", true));
    Path csv = dir.resolve("data-" + n + ".csv");
    if (!Files.exists(csv)) {
      try (BufferedWriter w = Files.newBufferedWriter(csv)) {
        SyntheticScores.write(w, n, 7);
      }
    }
    Path suite = dir.resolve("suite-" + n + ".yaml");
    // sample.rows above the row count: the driver reads the table whole, the in-process engine's whole-table path that this bench compares Spark with
    Files.writeString(suite, BenchSuite.yaml("spark-bench", "  path: %s\n  schema: schema.yaml\n  sample: {rows: %d}".formatted(csv.getFileName(), Math.min(50_000_000, n + 1))));
    return suite;
  }
}

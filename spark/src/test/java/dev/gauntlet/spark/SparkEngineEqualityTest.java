package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.fixtures.SyntheticScores;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same suite on the in-process engine and on Spark ({@code local[2]}, the data in 1, 3 and 7
 * Spark partitions): the same verdict, and for performance, fairness.slices, drift.temporal and
 * drift.features the same outcome, measurements (metric, subject, value, interval, n, bit for
 * bit: {@code Measurement} is a record of doubles compared with {@code Double.compare}) and findings.
 */
class SparkEngineEqualityTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkEngineProvider.session("local[2]");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static final String CHECKS = """
      checks:
        - id: perf
          type: performance
          conditions:
            - {metric: accuracy, atLeast: 0.6}
        - id: fair
          type: fairness.slices
          params: {attributes: [sex, %s], minSize: 30, reference: {sex: %s}, bootstrap: 200}
          conditions:
            - {metric: disparate_impact, subject: sex=%s, between: [0.8, 1.25], interval: whole}
        - id: decay
          type: drift.temporal
          params: {window: %s, reference: 2, maxDrop: 0.03, horizon: 6}
          conditions:
            - {metric: last_window_accuracy_drop, atMost: 0.03}
        - id: features
          type: drift.features
          params: {window: %s, reference: 1}
          conditions:
            - {metric: max_psi, atMost: 0.25}
      """;

  /** Synthetic lending-like rows over 12 months with a drift and a disparity; a continuous score with ties ({@link SyntheticScores}: 6,000 rows). */
  static Path synthetic(Path dir) throws Exception {
    Files.writeString(dir.resolve("schema.yaml"), SyntheticScores.schema("synthetic", true));
    try (Writer w = Files.newBufferedWriter(dir.resolve("data.csv"))) {
      SyntheticScores.write(w, 6000, 5);
    }
    Path suite = dir.resolve("suite.yaml");
    Files.writeString(suite, """
        name: synthetic-spark
        seed: 7
        model: {type: precomputed, score: score, threshold: 0.5, probability: true}
        data:
          path: data.csv
          schema: schema.yaml
        """ + CHECKS.formatted("region", "M", "F", "month", "quarter"));
    return suite;
  }

  @Test
  void syntheticSuiteIsBitIdenticalOnSparkIn1And3And7Partitions(@TempDir Path dir) throws Exception {
    Suite suite = new SuiteLoader().load(synthetic(dir), OptionalLong.empty(), null);
    assertSameOnBothEngines(suite, true);
  }

  /** The same rows as a folder of Parquet files (written by Spark, dates typed): read by DuckDB on the driver and by Spark. */
  @Test
  void parquetFolderIsBitIdenticalOnSpark(@TempDir Path dir) throws Exception {
    Path csvSuite = synthetic(dir);
    Path folder = dir.resolve("data-parquet");
    spark.read().option("header", "true").option("inferSchema", "true").csv(dir.resolve("data.csv").toString())
        .repartition(3).write().parquet(folder.toString());
    Path suite = dir.resolve("suite-parquet.yaml");
    Files.writeString(suite, Files.readString(csvSuite).replace("path: data.csv", "path: data-parquet/\n  format: parquet"));
    Suite s = new SuiteLoader().load(suite, OptionalLong.empty(), null);
    assertEquals(6000, s.data().rowCount());
    assertSameOnBothEngines(s, true);
  }

  /**
   * A file:// URI reaches Spark as written, and the schema's delimiter (';') and RFC 4180 quoting
   * (ids quoted, holding the delimiter and doubled quotes) reach Spark's reader: the same rows and
   * measurements, read split across tasks (no quoted field spans lines).
   */
  @Test
  void fileUriAndSemicolonDelimiterWithQuotesReachSpark(@TempDir Path dir) throws Exception {
    Path csvSuite = synthetic(dir);
    List<String> lines = Files.readAllLines(dir.resolve("data.csv"));
    StringBuilder semi = new StringBuilder(lines.get(0).replace(',', ';')).append('\n');
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      f[0] = "\"" + f[0] + ";\"\"x\"\"\""; // a00001 -> "a00001;""x""" (the value a00001;"x")
      semi.append(String.join(";", f)).append('\n');
    }
    Files.writeString(dir.resolve("data-semi.csv"), semi);
    Files.writeString(dir.resolve("schema-semi.yaml"), Files.readString(dir.resolve("schema.yaml")).replace("name: synthetic\n", "name: synthetic\ndelimiter: \";\"\n"));
    String uri = dir.resolve("data-semi.csv").toUri().toString();
    assertTrue(uri.startsWith("file:///"), uri);
    Path suite = dir.resolve("suite-semi.yaml");
    Files.writeString(suite, Files.readString(csvSuite).replace("path: data.csv", "path: " + uri).replace("schema: schema.yaml", "schema: schema-semi.yaml"));
    Suite s = new SuiteLoader().load(suite, OptionalLong.empty(), null);
    assertEquals(uri, s.data().source().path(), "the path as the suite wrote it");
    assertEquals("a00000;\"x\"", ((Column.Text) s.data().column("id")).values()[0], "the in-process reader's value");
    assertEquals(uri, SparkEngine.sparkPath(uri), "a URI with a scheme goes to Spark untouched");
    SuiteResult local = new SuiteRunner(null, null, null).run(s);
    try (SparkEngine engine = new SparkEngine(spark, false, s.data(), s.model(), 3)) {
      assertEquals(6000, engine.validate());
      assertTrue(engine.splittable(), "no quoted field spans lines: Spark reads the file split");
      SuiteResult onSpark = new SuiteRunner(null, null, null).engine(engine).run(s);
      for (int i = 0; i < local.checks().size(); i++) {
        assertEquals(local.checks().get(i).measurements(), onSpark.checks().get(i).measurements(), local.checks().get(i).id());
      }
      assertTrue(onSpark.provenance().engine().contains("3 partitions (5 summaries on Spark, 0 on the driver)"), onSpark.provenance().engine());
    }
    // The suite's own delimiter: override of a comma schema: the table's schema (what Spark reads with) carries it.
    Path override = dir.resolve("suite-override.yaml");
    Files.writeString(override, Files.readString(suite).replace("schema: schema-semi.yaml", "schema: schema.yaml\n  delimiter: \";\""));
    assertEquals(';', new SuiteLoader().load(override, OptionalLong.empty(), null).data().schema().delimiter());
  }

  static final String PROPUBLICA = "days_b_screening_arrest >= -30 and days_b_screening_arrest <= 30"
      + " and is_recid != -1 and c_charge_degree != 'O' and score_text != 'N/A'";

  @Test
  void compasVendorScoreWithProPublicaFiltersIsBitIdenticalOnSpark(@TempDir Path dir) throws Exception {
    Path csv = Path.of(System.getProperty("gauntlet.datasets", "../shared/datasets")).resolve("compas-scores-two-years.csv").toAbsolutePath();
    Assumptions.assumeTrue(Files.isRegularFile(csv), csv + " absent (pass -Dgauntlet.datasets=DIR); skipping the COMPAS engine equality test");
    Files.copy(Path.of("../fixtures/compas/compas.schema.yaml"), dir.resolve("compas.schema.yaml")); // the committed COMPAS example's schema
    Path file = dir.resolve("suite.yaml");
    Files.writeString(file, """
        name: compas-spark
        seed: 11
        model: {type: precomputed, name: COMPAS decile, score: decile_score, threshold: 5}
        data:
          path: %s
          schema: compas.schema.yaml
          where: "%s"
        """.formatted(csv, PROPUBLICA) + CHECKS.formatted("race", "Male", "Female", "quarter", "quarter"));
    Suite suite = new SuiteLoader().load(file, OptionalLong.empty(), null);
    assertEquals(6172, suite.data().rowCount(), "ProPublica's published count");
    assertSameOnBothEngines(suite, false);
  }

  /**
   * The executors validate with the harness's TableBuilder: a file changed after the driver read it
   * is caught there, at file:line:column; of two bad cells in different partitions, the one earlier
   * in the file is named (as the in-process reader would find it first).
   */
  @Test
  void executorsValidateEachPartitionWithTheSchema(@TempDir Path dir) throws Exception {
    Suite suite = new SuiteLoader().load(synthetic(dir), OptionalLong.empty(), null);
    Path csv = dir.resolve("data.csv");
    String good = Files.readString(csv);
    try (SparkEngine engine = new SparkEngine(spark, false, suite.data(), suite.model(), 2)) {
      assertEquals(6000, engine.validate());
    }
    String[] lines = good.split("\n");
    lines[4000] = lines[4000].replaceFirst("^(a\\d+,[^,]+,)[^,]+", "$1more");
    lines[1200] = lines[1200].replaceFirst("^(a\\d+,[^,]+,)[^,]+", "$1lots");
    Files.writeString(csv, String.join("\n", lines) + "\n");
    UsageException e = assertThrows(UsageException.class, () -> new SparkEngine(spark, false, suite.data(), suite.model(), 3));
    assertTrue(e.getMessage().startsWith(csv + ":1201:3: ") && e.getMessage().contains("'lots'"), e.getMessage());
    Files.delete(csv);
    e = assertThrows(UsageException.class, () -> new SparkEngine(spark, false, suite.data(), suite.model(), 2));
    assertTrue(e.getMessage().startsWith(csv + ": data file not found (Spark: "), e.getMessage());
  }

  static void assertSameOnBothEngines(Suite suite, boolean expectAllOnSpark) {
    SuiteResult local = new SuiteRunner(null, null, null).run(suite);
    for (CheckResult c : local.checks()) {
      assertNull(c.error(), c.id() + ": " + c.error());
      assertFalse(c.measurements().isEmpty(), c.id() + " measured nothing");
    }
    for (int k : new int[] {1, 3, 7}) {
      try (SparkEngine engine = new SparkEngine(spark, false, suite.data(), suite.model(), k)) {
        SuiteResult onSpark = new SuiteRunner(null, null, null).engine(engine).run(suite);
        String where = k + " Spark partitions";
        assertEquals(local.verdict(), onSpark.verdict(), where);
        assertEquals(local.checks().size(), onSpark.checks().size(), where);
        for (int i = 0; i < local.checks().size(); i++) {
          CheckResult a = local.checks().get(i);
          CheckResult b = onSpark.checks().get(i);
          assertEquals(a.id(), b.id());
          assertNull(b.error(), where + ", " + b.id() + ": " + b.error());
          assertEquals(a.outcome(), b.outcome(), where + ", " + a.id());
          assertEquals(a.measurements(), b.measurements(), where + ", " + a.id() + ": every metric, subject, value, interval and n");
          assertEquals(a.findings(), b.findings(), where + ", " + a.id());
        }
        assertEquals(k, engine.lastPartitionCount(), where);
        String d = onSpark.provenance().engine();
        System.out.println(suite.name() + ": " + d);
        assertTrue(d.startsWith("spark 3.5.") && d.contains("local[2], executors in the driver's JVM, " + k + " partition"), d);
        if (expectAllOnSpark) {
          assertTrue(d.endsWith(" on Spark, 0 on the driver)"), "every summary of this suite runs on Spark: " + d);
        }
        assertFalse(d.contains("(0 summaries on Spark"), d);
      }
    }
    assertTrue(local.provenance().engine().startsWith("in-process"), local.provenance().engine());
  }
}

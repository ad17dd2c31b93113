package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.suites.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gauntlet audit --engine spark}: provenance names the engine; bad input is exit 2 naming what and where. */
class SparkCliTest {
  record Run(int code, String out, String err) {}

  static Run gauntlet(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void auditOnLocalSparkRecordsEngineVersionAndPartitions(@TempDir Path dir) throws Exception {
    Path suite = SparkEngineEqualityTest.synthetic(dir);
    Run r = gauntlet("audit", "--suite", suite.toString(), "--engine", "spark", "--master", "local[2]", "--partitions", "3", "--out", dir.resolve("out").toString());
    assertTrue(r.code() == 0 || r.code() == 1, r.code() + "\n" + r.out() + r.err());
    String json = Files.readString(dir.resolve("out/report.json"));
    assertTrue(json.matches("(?s).*\"engine\" ?: ?\"spark 3\\.5\\.\\d+ local\\[2\\], executors in the driver's JVM, 3 partitions \\(\\d+ summaries on Spark, 0 on the driver\\)\".*"), json.substring(json.indexOf("\"provenance\"")));
    assertTrue(json.contains("--engine spark --master local[2] --partitions 3"), "the reproduce command names the engine");
    Run local = gauntlet("audit", "--suite", suite.toString(), "--out", dir.resolve("local").toString());
    assertEquals(local.code(), r.code(), "the same verdict in-process");
  }

  @Test
  void unreachableMasterIsExit2NamingIt(@TempDir Path dir) throws Exception {
    Path suite = SparkEngineEqualityTest.synthetic(dir);
    Run r = gauntlet("audit", "--suite", suite.toString(), "--engine", "spark", "--master", "spark://127.0.0.1:1", "--out", dir.resolve("out").toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("--master spark://127.0.0.1:1: cannot reach the Spark master at 127.0.0.1:1"), r.err());
    assertTrue(!Files.exists(dir.resolve("out/report.json")), "nothing half-written");
  }

  @Test
  void missingFileAndTypeMismatchAreExit2NamingTheFileAndPlace(@TempDir Path dir) throws Exception {
    Path suite = SparkEngineEqualityTest.synthetic(dir);
    Path csv = dir.resolve("data.csv");
    String good = Files.readString(csv);
    Files.delete(csv);
    Run missing = gauntlet("audit", "--suite", suite.toString(), "--engine", "spark", "--out", dir.resolve("out").toString());
    assertEquals(2, missing.code(), missing.out() + missing.err());
    assertTrue(missing.err().contains("data.csv: data file not found"), missing.err());
    String[] lines = good.split("\n");
    lines[5] = lines[5].replaceFirst("^(a\\d+,[^,]+,)[^,]+", "$1lots");
    Files.writeString(csv, String.join("\n", lines) + "\n");
    Run mismatch = gauntlet("audit", "--suite", suite.toString(), "--engine", "spark", "--out", dir.resolve("out").toString());
    assertEquals(2, mismatch.code(), mismatch.out() + mismatch.err());
    assertTrue(mismatch.err().contains("data.csv:6:3"), "file:line:column of the bad cell: " + mismatch.err());
    assertTrue(mismatch.err().contains("lots"), mismatch.err());
  }

  /**
   * Parquet inputs that cannot be audited, with the Spark engine: a missing file, a missing
   * partition folder, a corrupt file, a column whose Parquet type is not the schema's. Exit 2 naming
   * the file (and the column), no report written.
   */
  @Test
  void badParquetInputIsExit2NamingTheFileAndNothingIsWritten(@TempDir Path dir) throws Exception {
    Path csvSuite = SparkEngineEqualityTest.synthetic(dir);
    org.apache.spark.sql.SparkSession spark = Sessions.shared();
    Path typed = dir.resolve("typed");
    spark.read().option("header", "true").option("inferSchema", "true").csv(dir.resolve("data.csv").toString())
        .repartition(2).write().partitionBy("sex").parquet(typed.toString());
    Path text = dir.resolve("all-text.parquet");
    spark.read().option("header", "true").csv(dir.resolve("data.csv").toString()).coalesce(1).write().parquet(text.toString());
    Path corrupt = dir.resolve("corrupt.parquet");
    Files.writeString(corrupt, "PAR1 this is not a Parquet file PAR1");
    String suiteText = Files.readString(csvSuite);
    record Case(String path, String expected) {}
    for (Case c : List.of(
        new Case("missing.parquet", "missing.parquet"),
        new Case("typed/sex=X/", "sex=X"),
        new Case("corrupt.parquet", "corrupt.parquet"),
        new Case("all-text.parquet/", "all-text.parquet: column 'date' is Parquet type BYTE_ARRAY"))) {
      Path suite = dir.resolve("suite-bad.yaml");
      Files.writeString(suite, suiteText.replace("path: data.csv", "path: " + c.path() + "\n  format: parquet"));
      Path out = dir.resolve("out-bad");
      Run r = gauntlet("audit", "--suite", suite.toString(), "--engine", "spark", "--out", out.toString());
      assertEquals(2, r.code(), c.path() + ": " + r.out() + r.err());
      assertTrue(r.err().contains(c.expected()), c.path() + " named: " + r.err());
      assertTrue(!Files.exists(out.resolve("report.json")), "nothing half-written");
    }
    Run mismatch = gauntlet("audit", "--suite", dir.resolve("suite-bad.yaml").toString(), "--engine", "spark");
    assertTrue(mismatch.err().contains("the schema (" + dir.resolve("schema.yaml") + ") declares it timestamp"), "the schema's type: " + mismatch.err());
  }

  /** A master that is none of Spark's forms is exit 2 naming it and the forms, before any session starts. */
  @Test
  void unknownMasterFormIsExit2NamingTheForms(@TempDir Path dir) throws Exception {
    Path suite = SparkEngineEqualityTest.synthetic(dir);
    Run r = gauntlet("audit", "--suite", suite.toString(), "--engine", "spark", "--master", "mesos://127.0.0.1:5050", "--out", dir.resolve("out").toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("--master mesos://127.0.0.1:5050: expected local[N], local-cluster[WORKERS,CORES,MEMORY_MB], spark://HOST:PORT, yarn or k8s://..."), r.err());
    assertTrue(!Files.exists(dir.resolve("out/report.json")), "nothing half-written");
  }

  /** spark-submit's main: audit and monitor get the Spark engine unless they name one; other commands are left alone. */
  @Test
  void submitMainAddsTheSparkEngineToAuditAndMonitor() {
    assertEquals(List.of("audit", "--engine", "spark", "--suite", "s.yaml"), List.of(SparkSubmitMain.withSparkEngine(new String[] {"audit", "--suite", "s.yaml"})));
    assertEquals(List.of("monitor", "--engine", "spark", "--suite", "s.yaml"), List.of(SparkSubmitMain.withSparkEngine(new String[] {"monitor", "--suite", "s.yaml"})));
    assertEquals(List.of("audit", "--suite", "s.yaml", "--engine=in-process"),
        List.of(SparkSubmitMain.withSparkEngine(new String[] {"audit", "--suite", "s.yaml", "--engine=in-process"})));
    assertEquals(List.of("checks"), List.of(SparkSubmitMain.withSparkEngine(new String[] {"checks"})));
  }

  /** Under spark-submit the master is spark-submit's: a --master after the command is exit 2, before any session starts. */
  @Test
  void masterUnderSparkSubmitIsExit2(@TempDir Path dir) throws Exception {
    Path suite = SparkEngineEqualityTest.synthetic(dir);
    System.setProperty(SparkSubmitMain.SUBMITTED, "true");
    try {
      Run r = gauntlet("audit", "--suite", suite.toString(), "--engine", "spark", "--master", "local[2]", "--history", "off");
      assertEquals(2, r.code(), r.out() + r.err());
      assertTrue(r.err().contains("--master local[2]: under spark-submit the master is spark-submit's own"), r.err());
    } finally {
      System.clearProperty(SparkSubmitMain.SUBMITTED);
    }
  }

  /**
   * A path goes to Spark as written: a scheme Spark has no FileSystem for, and a file:// URI of a
   * missing file (anchored at the suite's path key), are exit 2 naming the path and Spark's reason;
   * nothing is written.
   */
  @Test
  void schemeWithoutFileSystemAndMissingFileUriAreExit2NamingThePathAndSparksReason(@TempDir Path dir) throws Exception {
    Path suite = SparkEngineEqualityTest.synthetic(dir);
    String text = Files.readString(suite);
    String gone = dir.resolve("gone.csv").toUri().toString();
    record Case(String path, String expected) {}
    for (Case c : List.of(new Case("nofs://bucket/data.csv", "nofs://bucket/data.csv: Spark cannot open it: No FileSystem for scheme \"nofs\""),
        new Case(gone, gone + ": data file not found (Spark: File file:" + dir.resolve("gone.csv") + " does not exist)"))) {
      Path s = dir.resolve("suite-uri.yaml");
      Files.writeString(s, text.replace("path: data.csv", "path: " + c.path()));
      Path out = dir.resolve("out-uri");
      Run r = gauntlet("audit", "--suite", s.toString(), "--engine", "spark", "--out", out.toString());
      assertEquals(2, r.code(), c.path() + ": " + r.out() + r.err());
      assertTrue(r.err().contains(c.expected()), c.path() + ": " + r.err());
      if (c.path().equals(gone)) {
        assertTrue(r.err().contains("suite-uri.yaml:"), "a missing file is anchored at the suite's path key: " + r.err());
      }
      assertTrue(!Files.exists(out.resolve("report.json")), "nothing half-written");
    }
  }

  @Test
  void unknownEngineIsExit2(@TempDir Path dir) throws Exception {
    Path suite = SparkEngineEqualityTest.synthetic(dir);
    Run r = gauntlet("audit", "--suite", suite.toString(), "--engine", "flink");
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("--engine flink: unknown engine; known here: in-process, spark"), r.err());
  }
}

package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.DataSources;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import dev.gauntlet.harness.summary.SummaryEngine;
import dev.gauntlet.suites.Demo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite's {@code reference:} data with {@code --engine spark}: Spark reads it on the executors
 * like the evaluation data, summarises it there for {@code drift.temporal} and {@code
 * drift.features} ({@code reference: table}), and draws its seeded stratified sample there; the
 * driver opens no data file and receives only the samples (or a small reference's rows). The same
 * measurements, bit for bit, and the same verdict as the in-process streamed run; bad reference
 * input is exit 2 naming the reference's path.
 */
class SparkReferenceTest {
  /** Rows written to the large reference file (2023); the suite keeps those from March on (counted in the generator's loop). */
  static final int REF_ROWS = 3000;
  /** Rows of the small reference: no more than data.sample.rows (500), so collected whole. */
  static final int SMALL_REF_ROWS = 400;

  static final String CHECKS = """
      checks:
        - id: perf
          type: performance
          conditions: [{metric: accuracy, atLeast: 0.6}]
        - id: decay
          type: drift.temporal
          params: {window: month, reference: table, maxDrop: 0.03, groups: [sex]}
          conditions: [{metric: last_window_accuracy_drop, atMost: 0.03}]
        - id: features
          type: drift.features
          params: {window: quarter, reference: table}
          conditions: [{metric: max_psi, atMost: 0.25}]
      """;

  /**
   * Reference rows in the synthetic schema, dated 2023 (the evaluation data is 2024), with a milder
   * score noise.
   *
   * @return how many of them are dated from 2023-03-01 on (a hand count for {@code from: 2023-03})
   */
  static int writeReference(Path file, int rows, long seed) throws Exception {
    int fromMarch = 0;
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder csv = new StringBuilder("id,date,income,debt,sex,region,score,label\n");
    String[] regions = {"north", "south", "east", "west"};
    for (int i = 0; i < rows; i++) {
      int month = 1 + r.nextInt(12);
      fromMarch += month >= 3 ? 1 : 0;
      int day = 1 + r.nextInt(28);
      boolean f = r.nextBoolean();
      double income = Math.round((38000 + 24000 * r.nextGaussian()) * 100) / 100.0;
      double debt = Math.round(r.nextDouble() * 1000) / 1000.0;
      int y = r.nextDouble() < 0.45 + (f ? -0.05 : 0.05) ? 1 : 0;
      double s = Math.min(1, Math.max(0, (y == 1 ? 0.65 : 0.35) + 0.3 * (r.nextDouble() - 0.5) * 2));
      csv.append(String.format(Locale.ROOT, "r%05d,2023-%02d-%02d,%s,%s,%s,%s,%.3f,%d%n", i, month, day, income, debt,
          f ? "F" : "M", regions[r.nextInt(4)], s, y));
    }
    Files.writeString(file, csv);
    return fromMarch;
  }

  /** The synthetic evaluation data (6,000 rows, 2024) with sample.rows 500 and {@code reference: {path: ref}} (and {@code more} keys of it). */
  static Path suite(Path dir, String ref, String more) throws Exception {
    SparkEngineEqualityTest.synthetic(dir);
    Path suite = dir.resolve("suite-" + ref.replace('.', '-') + ".yaml");
    Files.writeString(suite, """
        name: spark-reference
        seed: 7
        model: {type: precomputed, score: score, threshold: 0.5, probability: true}
        data:
          path: data.csv
          schema: schema.yaml
          sample: {rows: 500}
        reference:
          path: %s
        """.formatted(ref) + more + CHECKS);
    return suite;
  }

  @Test
  void referenceIsReadSummarisedAndSampledOnSparkBitIdenticalToInProcess(@TempDir Path dir) throws Exception {
    int kept = writeReference(dir.resolve("ref.csv"), REF_ROWS, 2023);
    assertTrue(kept > 2000 && kept < REF_ROWS, "about 10 of 12 months: " + kept);
    writeReference(dir.resolve("small-ref.csv"), SMALL_REF_ROWS, 2022);
    // A large reference (its rows from March on, more than 500: streamed, sampled) and a small one (400 rows: collected whole).
    for (String ref : List.of("ref.csv", "small-ref.csv")) {
      boolean large = ref.equals("ref.csv");
      int refRows = large ? kept : SMALL_REF_ROWS;
      Path suite = suite(dir, ref, large ? "  from: 2023-03\n" : "");
      Suite local = new SuiteLoader().withChunkRows(1000).load(suite, OptionalLong.empty(), null);
      assertNotNull(local.stream(), "6000 rows, sample.rows 500: streamed in-process");
      assertEquals(large, local.referenceStream() != null, ref + ": streamed in-process when it keeps more than sample.rows");
      SuiteResult a = new SuiteRunner(null, null, null).run(local);

      SparkEngineProvider provider = new SparkEngineProvider();
      Map<String, String> options = Map.of("master", "local[2]", "partitions", "3");
      long reads = DataSources.reads();
      long toDriver = SparkData.ROWS_TO_DRIVER.get();
      Suite remote;
      try {
        remote = new SuiteLoader().withRemoteRows(provider.rows(options).orElseThrow()).load(suite, OptionalLong.empty(), null);
      } catch (RuntimeException e) {
        provider.close();
        throw e;
      }
      assertEquals(reads, DataSources.reads(), ref + ": the driver opened no data source, neither the data's nor the reference's");
      int expectedToDriver = 500 + (large ? 500 : SMALL_REF_ROWS);
      assertEquals(expectedToDriver, SparkData.ROWS_TO_DRIVER.get() - toDriver, ref + ": only the two samples (or the small reference's rows) came to the driver");
      assertEquals(large, remote.referenceStream() != null, ref);
      assertEquals(large ? 500 : SMALL_REF_ROWS, remote.reference().rowCount());
      SparkDataTest.assertSameTable(local.reference(), remote.reference(), ref + ": the reference table (its sample, drawn on the executors)");
      assertEquals(local.reference().source(), remote.reference().source(), ref + ": the same provenance: path, SHA-256, size, selection, sample");
      if (large) {
        assertEquals(500, remote.reference().source().sample().rows());
        assertEquals(kept, remote.reference().source().sample().ofRows());
        assertEquals(kept, remote.streamedReferenceRows());
        assertEquals(kept, remote.reference().source().selection().keptRows(), "the selection, applied on the executors");
        assertEquals(REF_ROWS, remote.reference().source().selection().ofRows());
      } else {
        assertNull(remote.reference().source().sample());
      }
      SummaryEngine engine = provider.open(remote, options);
      try {
        SuiteResult b = new SuiteRunner(null, null, null).engine(engine).run(remote);
        assertEquals(a.verdict(), b.verdict(), ref);
        assertEquals(a.checks().size(), b.checks().size());
        for (int i = 0; i < a.checks().size(); i++) {
          CheckResult x = a.checks().get(i);
          CheckResult y = b.checks().get(i);
          assertNull(y.error(), ref + " " + y.id() + ": " + y.error());
          assertFalse(x.measurements().isEmpty(), x.id());
          assertEquals(x.outcome(), y.outcome(), ref + " " + x.id());
          assertEquals(x.measurements(), y.measurements(), ref + " " + x.id() + ": every metric, subject, value, interval and n, bit for bit");
          assertEquals(x.findings(), y.findings(), ref + " " + x.id());
        }
        // The reference period is every reference row (the hand count of the generator), not its sample.
        CheckResult decay = b.checks().stream().filter(c -> c.id().equals("decay")).findFirst().orElseThrow();
        assertTrue(decay.measurements().stream().anyMatch(m -> m.n() == refRows), decay.measurements().toString());
        assertEquals(a.provenance().reference(), b.provenance().reference(), ref);
        String d = b.provenance().engine();
        assertTrue(d.startsWith("spark 3.5.") && d.contains(", 3 partitions, ") && d.contains(" of the reference (") && d.endsWith(" on Spark, 0 on the driver)"), d);
        assertEquals(expectedToDriver, SparkData.ROWS_TO_DRIVER.get() - toDriver,
            ref + ": every summary of the data and of the reference ran on the executors: no partition came through the driver");
        assertEquals(reads, DataSources.reads(), ref + ": the run opened no data source on the driver");
      } finally {
        ((AutoCloseable) engine).close();
      }
    }
  }

  /** The suite with only the check {@code id} (the same tables, so the same rows Spark holds). */
  static Suite only(Suite s, String id) {
    List<dev.gauntlet.harness.run.CheckSpec<?>> checks = s.checks().stream().filter(c -> c.id().equals(id)).toList();
    assertEquals(1, checks.size(), id);
    return new Suite(s.name(), s.seed(), s.model(), s.baseline(), s.data(), s.reference(), s.threshold(), s.gate(), checks, s.text(), s.file(),
        s.schema(), s.checkTimeLimit(), s.modelDeterministic(), s.baselineDeterministic());
  }

  /**
   * The demo suite's drift.features against its reference (train.csv), with the demo's DL4J
   * candidate and baseline shipped to the executors: the reference is read there and both models
   * score it there (its score drift), once per reference row each, and the measurements are the
   * in-process ones, bit for bit.
   */
  @Test
  void shippedModelsScoreTheReferenceOnTheExecutors() throws Exception {
    Path suiteFile = Demo.prepare(Path.of("target", "gauntlet", "demo-inputs"), m -> {});
    Suite local = only(new SuiteLoader().load(suiteFile, OptionalLong.empty(), null), "drift-features");
    assertNotNull(local.baseline());
    SuiteResult a = new SuiteRunner(null, null, null).run(local);
    SparkEngineProvider provider = new SparkEngineProvider();
    Map<String, String> options = Map.of("master", "local[2]", "partitions", "2");
    long reads = DataSources.reads();
    Suite remote;
    try {
      remote = only(new SuiteLoader().withRemoteRows(provider.rows(options).orElseThrow()).load(suiteFile, OptionalLong.empty(), null), "drift-features");
    } catch (RuntimeException e) {
      provider.close();
      throw e;
    }
    assertEquals(reads, DataSources.reads(), "the driver opened neither lending.csv nor train.csv");
    SparkDataTest.assertSameTable(local.reference(), remote.reference(), "train.csv, collected from the executors");
    long before = SparkEngine.SCORED_ROWS.get();
    SummaryEngine engine = provider.open(remote, options);
    try {
      SuiteResult b = new SuiteRunner(null, null, null).engine(engine).run(remote);
      CheckResult x = a.checks().get(0);
      CheckResult y = b.checks().get(0);
      assertNull(y.error(), y.error());
      assertTrue(x.measurements().stream().anyMatch(m -> m.metric().equals("max_score_psi")), x.measurements().toString());
      assertEquals(x.outcome(), y.outcome());
      assertEquals(x.measurements(), y.measurements(), "bit for bit");
      assertEquals(x.baselineMeasurements(), y.baselineMeasurements(), "the baseline's, bit for bit");
      assertEquals(x.findings(), y.findings());
      assertEquals(a.verdict(), b.verdict());
      // Candidate and baseline: every evaluation row before the first check, every reference row for the score drift.
      assertEquals(2L * remote.data().rowCount() + 2L * remote.reference().rowCount(), SparkEngine.SCORED_ROWS.get() - before,
          "both models scored once per evaluation row and once per reference row on the executors");
      assertTrue(b.provenance().engine().endsWith(" on Spark, 0 on the driver)"), b.provenance().engine());
    } finally {
      ((AutoCloseable) engine).close();
    }
  }

  @Test
  void missingOrUnreadableReferenceAndBadValueInItAreExit2NamingTheReferenceAndNothingIsWritten(@TempDir Path dir) throws Exception {
    Path suite = suite(dir, "ref.csv", "");
    // The first 800 evaluation rows are enough here (the data is read before the reference).
    List<String> data = Files.readAllLines(dir.resolve("data.csv"));
    Files.write(dir.resolve("data.csv"), data.subList(0, 801));
    Path out = dir.resolve("out");
    SparkCliTest.Run missing = SparkCliTest.gauntlet("audit", "--suite", suite.toString(), "--engine", "spark", "--out", out.toString());
    assertEquals(2, missing.code(), missing.out() + missing.err());
    // the suite's reference.path node (line 9, column 9) and the path Spark could not find
    assertTrue(missing.err().contains(suite + ":9:9: 'reference.path': " + dir.resolve("ref.csv") + ": data file not found (Spark: "), missing.err());
    assertFalse(Files.exists(out.resolve("report.json")), "nothing half-written");

    // A URI reaches Spark as written (in-process, Gauntlet refuses any scheme but file://): here one Spark has no FileSystem for.
    Path uriSuite = dir.resolve("suite-uri.yaml");
    Files.writeString(uriSuite, Files.readString(suite).replace("  path: ref.csv\n", "  path: nofs://bucket/ref.csv\n"));
    SparkCliTest.Run uri = SparkCliTest.gauntlet("audit", "--suite", uriSuite.toString(), "--engine", "spark", "--out", out.toString());
    assertEquals(2, uri.code(), uri.out() + uri.err());
    assertTrue(uri.err().contains("nofs://bucket/ref.csv: Spark cannot open it: No FileSystem for scheme \"nofs\""), uri.err());
    assertFalse(Files.exists(out.resolve("report.json")), "nothing half-written");

    writeReference(dir.resolve("ref.csv"), 800, 2023);
    List<String> lines = Files.readAllLines(dir.resolve("ref.csv"));
    lines.set(5, lines.get(5).replaceFirst("^(r\\d+,[^,]+,)[^,]+", "$1lots")); // file line 6: income (column 3) is not a number
    Files.write(dir.resolve("ref.csv"), lines);
    SparkCliTest.Run bad = SparkCliTest.gauntlet("audit", "--suite", suite.toString(), "--engine", "spark", "--out", out.toString());
    assertEquals(2, bad.code(), bad.out() + bad.err());
    assertTrue(bad.err().contains(dir.resolve("ref.csv") + ":6:3"), "the reference's file:line:column of the bad cell: " + bad.err());
    assertTrue(bad.err().contains("lots"), bad.err());
    assertFalse(Files.exists(out.resolve("report.json")), "nothing half-written");
    assertFalse(Files.exists(out), "no report folder: " + out);
  }
}

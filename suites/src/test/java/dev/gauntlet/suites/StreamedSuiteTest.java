package dev.gauntlet.suites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.fixtures.LendingData;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.CsvReader;
import dev.gauntlet.harness.report.JsonReport;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four summary checks give the same measurements, bit for bit, whether the suite reads the
 * data whole or streams it in chunks of 50 rows (data.sample.rows below the row count); a check that
 * needs chosen rows sees the stated stratified sample.
 */
class StreamedSuiteTest {
  @TempDir
  Path dir;

  void write() throws Exception {
    write(60);
  }

  void write(int perMonth) throws Exception {
    StringBuilder sb = new StringBuilder(String.join(",", LendingData.HEADER) + ",score\n");
    for (String[] r : LendingData.generate(11, 0, 24, perMonth, "a")) {
      double z = 1.5 * Math.log(Double.parseDouble(r[2]) / 50000) - 4.2 * (Double.parseDouble(r[3]) - 0.35) - ("F".equals(r[6]) ? 0.5 : 0);
      for (String f : r) {
        sb.append(CsvReader.quote(f, ',')).append(',');
      }
      sb.append(1 / (1 + Math.exp(-z))).append('\n');
    }
    Files.writeString(dir.resolve("d.csv"), sb.toString());
    Files.writeString(dir.resolve("schema.yaml"), LendingData.schemaText() + "  - name: score\n    type: numeric\n    role: score\n    range: [0, 1]\n");
  }

  SuiteResult run(int sampleRows, int chunkRows, boolean[] streamed) throws Exception {
    return run("d.csv", sampleRows, chunkRows, streamed);
  }

  SuiteResult run(String data, int sampleRows, int chunkRows, boolean[] streamed) throws Exception {
    Path suite = dir.resolve("suite-" + data + "-" + sampleRows + ".yaml");
    Files.writeString(suite, """
        name: streamed
        seed: 7
        model: {type: precomputed, score: score, threshold: 0.5, probability: true}
        data: {path: %s, schema: schema.yaml, sample: {rows: %d}}
        checks:
          - {id: perf, type: performance, conditions: [{metric: accuracy, atLeast: 0.5}]}
          - id: slices
            type: fairness.slices
            params: {attributes: [sex, region, {name: age, bands: [30, 50]}], intersections: 2, minSize: 10, reference: {sex: M}, bootstrap: 100}
            conditions: [{metric: disparate_impact, subject: sex=F, between: [0.8, 1.25], interval: whole}]
          - id: decay
            type: drift.temporal
            params: {window: month, reference: 12, maxDrop: 0.03, groups: [sex]}
            conditions: [{metric: last_window_accuracy_drop, atMost: 0.03}]
          - id: features
            type: drift.features
            params: {window: quarter, reference: 4}
            conditions: [{metric: max_psi, atMost: 0.25}]
          - id: detectors
            type: drift.detectors
            conditions: [{metric: alarms, atMost: 100}]
        """.formatted(data, sampleRows));
    Suite s = new SuiteLoader().withChunkRows(chunkRows).load(suite, OptionalLong.empty(), null);
    streamed[0] = s.stream() != null;
    return new SuiteRunner(null, null, null).run(s);
  }

  @Test
  void summaryChecksOnChunksEqualTheWholeTableAndTheRestSeeTheStatedSample() throws Exception {
    write();
    boolean[] flag = new boolean[1];
    SuiteResult whole = run(100_000, 50, flag);
    assertTrue(!flag[0], "1,440 rows under sample.rows 100000 are read whole");
    SuiteResult chunked = run(300, 50, flag);
    assertTrue(flag[0], "1,440 rows over sample.rows 300 are streamed");
    for (String id : List.of("perf", "slices", "decay", "features")) {
      CheckResult a = byId(whole, id);
      CheckResult b = byId(chunked, id);
      assertTrue(a.measurements().size() >= 3, id + " measured little: " + a.summary());
      assertEquals(a.measurements(), b.measurements(), id);
      assertEquals(a.outcome(), b.outcome(), id);
    }
    assertEquals(1440, byId(chunked, "perf").measurements().get(0).n());
    assertNull(whole.provenance().data().sample());
    var sample = chunked.provenance().data().sample();
    assertNotNull(sample);
    assertEquals(300, sample.rows());
    assertEquals(1440, sample.ofRows());
    assertEquals(List.of("approved", "sex", "region"), sample.strata());
    assertEquals(whole.provenance().data().sha256(), chunked.provenance().data().sha256());
    // the detectors ran on the 300 sampled rows, not the 1,440
    long detectorRows = byId(chunked, "detectors").measurements().stream().mapToLong(m -> m.n()).max().orElse(-1);
    assertTrue(detectorRows <= 300, "detectors saw " + detectorRows + " rows");
    String json = JsonReport.render(chunked);
    dev.gauntlet.harness.report.ReportSchema.assertValid(json);
    var node = JsonReport.mapper().readTree(json).at("/provenance/data/sample");
    assertTrue(node.get("method").asText().startsWith("seeded stratified sample"), node.toString());
    assertEquals(300, node.get("rows").asLong());
    assertEquals(1440, node.get("ofRows").asLong());
  }

  /**
   * Parquet in three row groups (2,048, 2,048 and 704 rows), streamed in chunks of 500 typed rows:
   * the four summary checks measure what the whole CSV of the same rows measures, bit for bit, and
   * the checks that need chosen rows see the same stratified sample as a streamed CSV.
   */
  @Test
  void chunkedParquetEqualsTheWholeCsvOfTheSameRows() throws Exception {
    write(200);
    dev.gauntlet.harness.data.Schema schema = dev.gauntlet.harness.data.SchemaLoader.load(dir.resolve("schema.yaml"));
    dev.gauntlet.parquet.ParquetWriter.fromCsv(dir.resolve("d.csv"), schema, dir.resolve("d.parquet"), 2048);
    boolean[] flag = new boolean[1];
    SuiteResult whole = run("d.csv", 100_000, 500, flag);
    assertTrue(!flag[0], "4,800 CSV rows under sample.rows 100000 are read whole");
    SuiteResult parquet = run("d.parquet", 300, 500, flag);
    assertTrue(flag[0], "4,800 Parquet rows over sample.rows 300 are streamed");
    SuiteResult csvChunks = run("d.csv", 300, 500, flag);
    for (String id : List.of("perf", "slices", "decay", "features")) {
      CheckResult a = byId(whole, id);
      CheckResult b = byId(parquet, id);
      assertTrue(a.measurements().size() >= 3, id + " measured little: " + a.summary());
      assertEquals(a.measurements(), b.measurements(), id);
      assertEquals(a.outcome(), b.outcome(), id);
    }
    assertEquals(4800, byId(parquet, "perf").measurements().get(0).n());
    assertEquals("parquet", parquet.provenance().data().format());
    assertEquals(csvChunks.provenance().data().sample(), parquet.provenance().data().sample());
    assertEquals(byId(csvChunks, "detectors").measurements(), byId(parquet, "detectors").measurements(), "the same sample");
  }

  /**
   * A reference table above data.sample.rows is streamed too: drift.temporal and drift.features
   * against {@code reference: table} measure what they measure with the reference read whole, bit
   * for bit, whether the evaluation data is held or streamed; the provenance states the reference's sample.
   */
  @Test
  void aLargeReferenceIsStreamedAndGivesTheSameDrift() throws Exception {
    write(60);
    StringBuilder sb = new StringBuilder(String.join(",", LendingData.HEADER) + ",score\n");
    for (String[] r : LendingData.generate(5, 0, 12, 100, "r")) { // 1,200 reference rows, 2023
      double z = 1.5 * Math.log(Double.parseDouble(r[2]) / 50000) - 4.2 * (Double.parseDouble(r[3]) - 0.35);
      for (String f : r) {
        sb.append(CsvReader.quote(f, ',')).append(',');
      }
      sb.append(1 / (1 + Math.exp(-z))).append('\n');
    }
    Files.writeString(dir.resolve("ref.csv"), sb.toString());
    SuiteResult whole = runWithReference(100_000);
    SuiteResult streamed = runWithReference(500); // data 1,440 and reference 1,200 rows: both streamed in chunks of 64
    for (String id : List.of("decay", "features")) {
      CheckResult a = byId(whole, id);
      CheckResult b = byId(streamed, id);
      assertTrue(a.measurements().size() >= 3, id + " measured little: " + a.summary());
      assertEquals(a.measurements(), b.measurements(), id);
      assertEquals(a.outcome(), b.outcome(), id);
    }
    assertNull(whole.provenance().reference().sample());
    var sample = streamed.provenance().reference().sample();
    assertNotNull(sample, "the reference was streamed");
    assertEquals(500, sample.rows());
    assertEquals(1200, sample.ofRows());
    assertEquals(whole.provenance().reference().sha256(), streamed.provenance().reference().sha256());
    // the reference period's rows are every reference row, not the sample's
    assertTrue(byId(streamed, "decay").measurements().stream().anyMatch(m -> m.n() == 1200), byId(streamed, "decay").measurements().toString());
  }

  /**
   * Evaluation data held whole (at most data.sample.rows) leaves the whole cache budget to a
   * streamed reference: its measuring scan gives back what it reserved. Data ~0.6 MB and reference
   * ~0.7 MB of parsed chunks (about 120 bytes a row) under cacheMB 1: the reference fits alone, not
   * after the data's reservation.
   */
  @Test
  void heldDataLeavesTheCacheBudgetToAStreamedReference() throws Exception {
    write(200); // 4,800 rows
    StringBuilder sb = new StringBuilder(String.join(",", LendingData.HEADER) + ",score\n");
    for (String[] r : LendingData.generate(5, 0, 12, 500, "r")) { // 6,000 reference rows
      for (String f : r) {
        sb.append(CsvReader.quote(f, ',')).append(',');
      }
      sb.append(0.5).append('\n');
    }
    Files.writeString(dir.resolve("ref.csv"), sb.toString());
    Path suite = dir.resolve("suite-cache.yaml");
    Files.writeString(suite, """
        name: cache-budget
        seed: 7
        model: {type: precomputed, score: score, threshold: 0.5, probability: true}
        data: {path: d.csv, schema: schema.yaml, sample: {rows: 5000, cacheMB: 1}}
        reference: {path: ref.csv}
        checks:
          - id: features
            type: drift.features
            params: {window: quarter, reference: table}
            conditions: [{metric: max_psi, atMost: 0.25}]
        """);
    Suite s = new SuiteLoader().withChunkRows(64).load(suite, OptionalLong.empty(), null);
    assertNull(s.stream(), "the data is held whole");
    assertTrue(s.referenceStream() instanceof dev.gauntlet.harness.data.ChunkCache c && c.holdsAll(),
        "the reference's sample scans filled the cache");
  }

  SuiteResult runWithReference(int sampleRows) throws Exception {
    Path suite = dir.resolve("suite-ref-" + sampleRows + ".yaml");
    Files.writeString(suite, """
        name: streamed-reference
        seed: 7
        model: {type: precomputed, score: score, threshold: 0.5, probability: true}
        data: {path: d.csv, schema: schema.yaml, sample: {rows: %d}}
        reference: {path: ref.csv}
        checks:
          - id: decay
            type: drift.temporal
            params: {window: month, reference: table, maxDrop: 0.03, groups: [sex]}
            conditions: [{metric: last_window_accuracy_drop, atMost: 0.03}]
          - id: features
            type: drift.features
            params: {window: quarter, reference: table}
            conditions: [{metric: max_psi, atMost: 0.25}]
        """.formatted(sampleRows));
    Suite s = new SuiteLoader().withChunkRows(64).load(suite, OptionalLong.empty(), null);
    assertEquals(sampleRows < 1200, s.referenceStream() != null, "reference streamed");
    return new SuiteRunner(null, null, null).run(s);
  }

  /** A source that counts how often it is read. */
  static final class Counting implements dev.gauntlet.harness.data.RowChunks {
    final dev.gauntlet.harness.data.RowChunks inner;
    int scans;

    Counting(dev.gauntlet.harness.data.RowChunks inner) {
      this.inner = inner;
    }

    @Override
    public dev.gauntlet.harness.data.Schema schema() {
      return inner.schema();
    }

    @Override
    public int chunkRows() {
      return inner.chunkRows();
    }

    @Override
    public dev.gauntlet.harness.data.DataSource scan(java.util.function.Consumer<dev.gauntlet.harness.data.Table> sink) {
      scans++;
      return inner.scan(sink);
    }
  }

  /**
   * The summary passes of the four summary checks and the sample's three scans read the CSV twice
   * (measure, keep) when its parsed chunks fit in the cache budget (every pass again without it),
   * with the same measurements; a source too large holds nothing; the loader caches by default.
   */
  @Test
  void withTheChunkCacheTheDataIsReadTwice() throws Exception {
    write();
    boolean[] flag = new boolean[1];
    SuiteResult whole = run(100_000, 50, flag);
    Suite loaded = new SuiteLoader().withChunkRows(50).load(dir.resolve("suite-d.csv-100000.yaml"), OptionalLong.empty(), null);
    dev.gauntlet.harness.data.Schema schema = loaded.data().schema();
    int[] scans = new int[2];
    for (int cached = 0; cached < 2; cached++) {
      Counting raw = new Counting(dev.gauntlet.harness.data.TableLoader.chunks(dir.resolve("d.csv"), schema, ',',
          dev.gauntlet.harness.data.Selection.ALL, 50));
      dev.gauntlet.harness.data.RowChunks rows = cached == 1 ? dev.gauntlet.harness.data.ChunkCache.of(raw, new dev.gauntlet.harness.data.ChunkCache.Budget(64 << 20)) : raw;
      dev.gauntlet.harness.data.Table sample = dev.gauntlet.harness.data.StratifiedSample.draw(rows, 300, 7);
      SuiteResult r = new SuiteRunner(null, null, null).run(loaded.streamed(sample, rows));
      for (String id : List.of("perf", "slices", "decay", "features")) {
        assertEquals(byId(whole, id).measurements(), byId(r, id).measurements(), id + (cached == 1 ? " cached" : " uncached"));
      }
      scans[cached] = raw.scans;
    }
    assertEquals(2, scans[1], "with the cache the CSV is read twice: once to measure it, once to keep it");
    assertEquals(10, scans[0], "without it, once per pass: 3 for the sample, 7 for the four checks");
    System.out.println("scans of the CSV for the sample and the four summary checks: " + scans[0] + " uncached, " + scans[1] + " cached");
    // a budget too small for the data: nothing held, every pass reads the source, the same measurements
    Counting raw = new Counting(dev.gauntlet.harness.data.TableLoader.chunks(dir.resolve("d.csv"), schema, ',', dev.gauntlet.harness.data.Selection.ALL, 50));
    dev.gauntlet.harness.data.ChunkCache.Budget small = new dev.gauntlet.harness.data.ChunkCache.Budget(20_000);
    dev.gauntlet.harness.data.ChunkCache tight = dev.gauntlet.harness.data.ChunkCache.of(raw, small);
    SuiteResult r = new SuiteRunner(null, null, null).run(loaded.streamed(dev.gauntlet.harness.data.StratifiedSample.draw(tight, 300, 7), tight));
    assertEquals(byId(whole, "slices").measurements(), byId(r, "slices").measurements());
    assertEquals(scans[0], raw.scans);
    assertTrue(!tight.holdsAll());
    assertEquals(20_000, small.left(), "a source too large for the budget takes none of it");
    // the loader caches streamed data by default
    run(300, 50, flag);
    Suite s = new SuiteLoader().withChunkRows(50).load(dir.resolve("suite-d.csv-300.yaml"), OptionalLong.empty(), null);
    assertTrue(s.stream() instanceof dev.gauntlet.harness.data.ChunkCache c && c.holdsAll(), "the sample's scans filled the cache");
  }

  static CheckResult byId(SuiteResult r, String id) {
    return r.checks().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
  }
}

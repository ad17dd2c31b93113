package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.DataSource;
import dev.gauntlet.harness.data.DataSources;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import dev.gauntlet.harness.summary.SummaryEngine;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The remote-filesystem tests' (HDFS, S3) comparison: a suite on the remote copies, read by Spark
 * on {@code local[2]}, against the same suite on the local copies in-process.
 */
final class RemoteCopies {
  private RemoteCopies() {}

  /**
   * A suite on the remote copies of some data (and of a reference when {@code remoteReference} is
   * not null) gives the local copies' in-process result, bit for bit: verdict, outcomes,
   * measurements, findings, and the same SHA-256, size, selection and sample in the provenance;
   * the driver opens no data source, and every summary runs on Spark.
   *
   * @param test the test's name, for the timings it prints
   * @param store the remote store's name in messages (e.g. {@code HDFS})
   * @param what the case, in messages
   * @param sampled whether the data keeps more rows than {@code data.sample.rows} (summarised on the executors)
   * @param referenceKept the reference's kept rows (its selection's hand count) when it is streamed
   */
  static void assertLikeTheLocalCopies(String test, String store, String what, Path localSuite, Path remoteSuite, String remotePath,
      String remoteReference, boolean sampled, long referenceKept) throws Exception {
    boolean reference = remoteReference != null;
    long t0 = System.nanoTime();
    Suite local = new SuiteLoader().withChunkRows(1000).load(localSuite, OptionalLong.empty(), null);
    SuiteResult a = new SuiteRunner(null, null, null).run(local);
    assertTrue(a.provenance().engine().startsWith("in-process"), a.provenance().engine());

    long t1 = System.nanoTime();
    SparkEngineProvider provider = new SparkEngineProvider();
    Map<String, String> options = Map.of("master", "local[2]");
    long reads = DataSources.reads();
    Suite remote;
    try {
      remote = new SuiteLoader().withRemoteRows(provider.rows(options).orElseThrow()).load(remoteSuite, OptionalLong.empty(), null);
    } catch (RuntimeException e) {
      provider.close();
      throw e;
    }
    assertEquals(reads, DataSources.reads(), what + ": the driver opened no data source; Spark read " + store);
    assertEquals(sampled, remote.stream() != null, what + ": summarised on the executors when above sample.rows");
    if (reference) {
      assertNotNull(remote.referenceStream(), what + ": the reference summarised on the executors");
      assertEquals(referenceKept, remote.streamedReferenceRows(), "the reference's rows from March on (the generator's hand count)");
      assertEquals(referenceKept, remote.reference().source().selection().keptRows(), "the from: selection, applied on the executors");
    }
    long t2 = System.nanoTime();
    SummaryEngine engine = provider.open(remote, options);
    try {
      SuiteResult b = new SuiteRunner(null, null, null).engine(engine).run(remote);
      System.out.printf("%s: %s: in-process %.1f s; on %s with Spark: session and read %.1f s, checks %.1f s%n", test, what, (t1 - t0) / 1e9,
          store, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
      assertEquals(a.verdict(), b.verdict(), what);
      assertEquals(a.checks().size(), b.checks().size(), what);
      for (int i = 0; i < a.checks().size(); i++) {
        CheckResult x = a.checks().get(i);
        CheckResult y = b.checks().get(i);
        String where = what + ", " + x.id();
        assertNull(x.error(), where + ": " + x.error());
        assertNull(y.error(), where + ": " + y.error());
        assertFalse(x.measurements().isEmpty(), where + " measured nothing");
        assertEquals(x.outcome(), y.outcome(), where);
        assertEquals(x.measurements(), y.measurements(), where + ": every metric, subject, value, interval and n, bit for bit");
        assertEquals(x.findings(), y.findings(), where);
      }
      assertSameSource(store, a.provenance().data(), b.provenance().data(), remotePath, what);
      if (reference) {
        assertSameSource(store, a.provenance().reference(), b.provenance().reference(), remoteReference, what + ", reference");
      }
      String d = b.provenance().engine();
      assertTrue(d.startsWith("spark 3.5.") && d.contains("local[2]") && d.endsWith(" on Spark, 0 on the driver)"), d);
      assertEquals(reference, d.contains(" of the reference ("), d);
    } finally {
      ((AutoCloseable) engine).close();
    }
  }

  /** The provenance of the remote copy: its path as written, and the local copy's SHA-256, size, selection and sample. */
  static void assertSameSource(String store, DataSource local, DataSource remote, String path, String what) {
    assertEquals(path, remote.path(), what + ": the provenance names the " + store + " path as the suite wrote it");
    assertEquals(local.sha256(), remote.sha256(), what + ": the SHA-256 of the bytes on " + store + " is the local copy's");
    assertEquals(local.bytes(), remote.bytes(), what);
    assertEquals(local.selection(), remote.selection(), what + ": the selection, rows kept of rows read");
    assertEquals(local.sample(), remote.sample(), what + ": how the sample was drawn, of how many rows");
  }

  /**
   * The suite of {@link SparkReferenceTest} (performance, drift.temporal and drift.features against
   * {@code reference: table}) named {@code name}, written as {@code dir/file}, on the Parquet folder
   * at {@code data} ({@code data.sample.rows: 500}) with the reference CSV at {@code ref}, its rows
   * from March 2023 on.
   */
  static Path referenceSuite(Path dir, String name, String file, String data, String ref) throws java.io.IOException {
    Path s = dir.resolve(file);
    java.nio.file.Files.writeString(s, """
        name: %s
        seed: 7
        model: {type: precomputed, score: score, threshold: 0.5, probability: true}
        data:
          path: %s
          format: parquet
          schema: schema.yaml
          sample: {rows: 500}
        reference:
          path: %s
          from: 2023-03
        """.formatted(name, data, ref) + SparkReferenceTest.CHECKS);
    return s;
  }
}

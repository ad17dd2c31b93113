package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A suite whose data is bigger than its {@code data.sample.rows}, run in-process (streamed in
 * chunks, the sample drawn by the harness) and on a real {@code local[2]} session through the
 * provider the CLI uses (Spark reads the data, the sample is drawn on the executors): the same
 * sample, the same verdict and bit-identical measurements and findings, while the driver opened no
 * data source and received only the sample's rows.
 */
class SparkStreamedSuiteTest {

  @Test
  void streamedSuiteIsBitIdenticalOnSparkAndTheDriverHoldsOnlyTheSample(@TempDir Path dir) throws Exception {
    Path suite = SparkEngineEqualityTest.synthetic(dir);
    Files.writeString(suite, Files.readString(suite).replace("  schema: schema.yaml\n", "  schema: schema.yaml\n  sample:\n    rows: 500\n"));
    Suite local = new SuiteLoader().withChunkRows(1000).load(suite, OptionalLong.empty(), null);
    assertNotNull(local.stream(), "6000 rows, sample.rows 500: streamed in-process");
    SuiteResult a = new SuiteRunner(null, null, null).run(local);

    SparkEngineProvider provider = new SparkEngineProvider();
    Map<String, String> options = Map.of("master", "local[2]", "partitions", "3");
    long reads = DataSources.reads();
    long toDriver = SparkData.ROWS_TO_DRIVER.get();
    Suite remote = new SuiteLoader().withRemoteRows(provider.rows(options).orElseThrow()).load(suite, OptionalLong.empty(), null);
    assertEquals(reads, DataSources.reads(), "the driver opened no data source (no whole table, no chunks)");
    assertEquals(500, SparkData.ROWS_TO_DRIVER.get() - toDriver, "only the sample's rows came to the driver");
    assertNotNull(remote.stream());
    assertEquals(500, remote.data().rowCount());
    SparkDataTest.assertSameTable(local.data(), remote.data(), "the sample");
    assertEquals(local.data().source(), remote.data().source(), "the same provenance: SHA-256, size, how the sample was drawn, of how many");
    SummaryEngine engine = provider.open(remote, options);
    try {
      SuiteResult b = new SuiteRunner(null, null, null).engine(engine).run(remote);
      assertEquals(a.verdict(), b.verdict());
      assertEquals(a.checks().size(), b.checks().size());
      for (int i = 0; i < a.checks().size(); i++) {
        CheckResult x = a.checks().get(i);
        CheckResult y = b.checks().get(i);
        assertNull(y.error(), y.id() + ": " + y.error());
        assertTrue(!x.measurements().isEmpty(), x.id());
        assertEquals(x.outcome(), y.outcome(), x.id());
        assertEquals(x.measurements(), y.measurements(), x.id() + ": every metric, subject, value, interval and n, bit for bit");
        assertEquals(x.findings(), y.findings(), x.id());
      }
      assertEquals(a.provenance().data(), b.provenance().data());
      String d = b.provenance().engine();
      assertTrue(d.startsWith("spark 3.5.") && d.contains(", 3 partitions (") && d.endsWith(" on Spark, 0 on the driver)"), d);
      assertEquals(500, SparkData.ROWS_TO_DRIVER.get() - toDriver, "every summary ran on the executors: no partition came through the driver");
    } finally {
      ((AutoCloseable) engine).close();
    }
  }
}

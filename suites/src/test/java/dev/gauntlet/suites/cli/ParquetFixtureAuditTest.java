package dev.gauntlet.suites.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gauntlet audit} on fixtures/parquet/suite.yaml (copied to a temporary folder, so its inputs
 * are generated there): the evaluation data from a year=/month= folder, the reference from one file,
 * both selected in the suite; the report's provenance records the selections.
 */
class ParquetFixtureAuditTest {
  static final Path FIXTURE = Path.of("../fixtures/parquet");

  @Test
  void theParquetSuiteRunsAndRecordsItsSelections(@TempDir Path work) throws Exception {
    assumeTrue(Files.isDirectory(FIXTURE), FIXTURE + " absent; skipping");
    Files.copy(FIXTURE.resolve("suite.yaml"), work.resolve("suite.yaml"));
    Files.copy(FIXTURE.resolve("fixture.txt"), work.resolve("fixture.txt"));
    Path out = work.resolve("out");
    CliTest.Run r = CliTest.cli("audit", "--suite", work.resolve("suite.yaml").toString(), "--out", out.toString(), "--quiet");
    assertEquals(1, r.code(), r.err()); // the demo model's known disparity and drift fail the gate; data errors would be 2
    String json = Files.readString(out.resolve("report.json"));
    dev.gauntlet.harness.report.ReportSchema.assertValid(json);
    JsonNode p = new ObjectMapper().readTree(json).get("provenance");
    JsonNode data = p.get("data");
    assertEquals("parquet", data.get("format").asText());
    // 24 months x 400 rows; 2024 is the second half, and the where filter keeps every row of it
    assertEquals(9600, data.get("selection").get("ofRows").asLong());
    assertEquals(4800, data.get("selection").get("keptRows").asLong());
    assertEquals("2025-01-01T00:00:00Z", data.get("selection").get("toInstantExclusive").asText());
    JsonNode ref = p.get("reference");
    assertEquals(4800, ref.get("selection").get("keptRows").asLong());
    assertTrue(ref.get("path").asText().endsWith("lending.parquet"), ref.toString());
  }
}

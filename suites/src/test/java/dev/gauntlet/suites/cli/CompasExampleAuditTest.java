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
 * The committed COMPAS example (fixtures/compas/suite.yaml) as a user runs it: ProPublica's filters
 * in the suite, 2014 against 2013. The row counts are independent (harness/src/test/scripts/compas_counts.py:
 * 6,172 kept, 4,345 in 2013, 1,827 in 2014), and the vendor score's false-positive gap for
 * African-American defendants is ProPublica's finding, so the gate fails on the race slices.
 */
class CompasExampleAuditTest {
  static final Path EXAMPLE = Path.of("../fixtures/compas/suite.yaml");

  @Test
  void theExampleAuditsTheVendorScoreWithProPublicasFilters(@TempDir Path work) throws Exception {
    Path csv = EXAMPLE.toAbsolutePath().getParent().resolve("../../../shared/datasets/compas-scores-two-years.csv").normalize();
    assumeTrue(Files.isRegularFile(csv), csv + " absent (the example reads ../shared/datasets beside the project); skipping");
    Path out = work.resolve("out");
    CliTest.Run r = CliTest.cli("audit", "--suite", EXAMPLE.toString(), "--out", out.toString(), "--history", "off", "--quiet");
    assertEquals(1, r.code(), r.err());
    String json = Files.readString(out.resolve("report.json"));
    dev.gauntlet.harness.report.ReportSchema.assertValid(json);
    JsonNode root = new ObjectMapper().readTree(json);
    JsonNode p = root.get("provenance");
    assertEquals(7214, p.get("data").get("selection").get("ofRows").asLong());
    assertEquals(1827, p.get("data").get("selection").get("keptRows").asLong(), "2014 after ProPublica's filters");
    assertEquals(4345, p.get("reference").get("selection").get("keptRows").asLong(), "2013 after ProPublica's filters");
    JsonNode blockers = root.get("verdict").get("blockers");
    assertEquals(1, blockers.size(), blockers.toString());
    assertEquals("race-slices", blockers.get(0).get("checkId").asText());
    assertTrue(blockers.get(0).get("reason").asText().contains("race=African-American"), blockers.toString());
  }
}

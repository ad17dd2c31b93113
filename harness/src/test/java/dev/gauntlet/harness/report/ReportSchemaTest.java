package dev.gauntlet.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.SuiteResult;
import org.junit.jupiter.api.Test;

/** report.schema.json accepts every report the renderer writes and refuses what it must not hold. */
class ReportSchemaTest {

  @Test
  void everyFixtureFollowsTheSchema() {
    ReportSchema.assertValid(JsonReport.render(ReportFixtures.rich(Gate.standard())));
    ReportSchema.assertValid(JsonReport.render(ReportFixtures.rich(new Gate(true, true))));
    ReportSchema.assertValid(JsonReport.render(ReportFixtures.allPass()));
  }

  @Test
  void theSchemaVersionIsTheOneTheSchemaPublishes() throws Exception {
    assertEquals(SuiteResult.SCHEMA_VERSION, JsonReport.mapper().readTree(ReportSchema.text()).at("/properties/schemaVersion/const").asInt());
  }

  @Test
  void theSchemaRefusesUnknownFieldsWrongTypesAndAPassWithBlockers() throws Exception {
    String good = JsonReport.render(ReportFixtures.rich(Gate.standard()));
    ObjectNode extra = (ObjectNode) JsonReport.mapper().readTree(good);
    ((ObjectNode) extra.get("checks").get(0)).put("surprise", 1);
    assertFalse(ReportSchema.violations(JsonReport.mapper().writeValueAsString(extra)).isEmpty(), "an unknown field");
    ObjectNode outcome = (ObjectNode) JsonReport.mapper().readTree(good);
    ((ObjectNode) outcome.get("checks").get(0)).put("outcome", "MAYBE");
    assertFalse(ReportSchema.violations(JsonReport.mapper().writeValueAsString(outcome)).isEmpty(), "an unknown outcome");
    ObjectNode passed = (ObjectNode) JsonReport.mapper().readTree(good);
    ((ObjectNode) passed.get("verdict")).put("passed", true);
    assertFalse(ReportSchema.violations(JsonReport.mapper().writeValueAsString(passed)).isEmpty(), "a pass that lists blockers");
  }

  @Test
  void aChartStatesItsEvidenceKindAndItsChartKindSeparately() {
    String json = JsonReport.render(ReportFixtures.rich(Gate.standard()));
    assertTrue(json.contains("\"kind\" : \"chart\"") && json.contains("\"chartKind\" : \"LINE\""), "no duplicate 'kind' key in a chart");
  }
}

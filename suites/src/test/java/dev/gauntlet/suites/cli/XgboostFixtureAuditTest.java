package dev.gauntlet.suites.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gauntlet audit} on the committed XGBoost regression fixture (fixtures/xgboost/regression-suite.yaml):
 * a reg:squarederror model saved by Python's XGBoost goes through the performance, fairness, perturbation
 * and adversarial trials of a regression suite (no drift: the data have no time column); the gate fails on the planted group effect, and every output reads
 * as a regression report (errors and predictions, never accuracy or decisions).
 */
class XgboostFixtureAuditTest {
  static final Path FIXTURE = Path.of("../fixtures/xgboost");

  @Test
  void theRegressionSuiteFindsThePlantedGroupEffectAndReadsAsRegression(@TempDir Path out) throws Exception {
    assumeTrue(Files.isDirectory(FIXTURE), FIXTURE + " absent; skipping");
    CliTest.Run r = CliTest.cli("audit", "--suite", FIXTURE.resolve("regression-suite.yaml").toString(), "--out", out.toString(), "--quiet");
    assertEquals(1, r.code(), r.err());
    String json = Files.readString(out.resolve("report.json"));
    dev.gauntlet.harness.report.ReportSchema.assertValid(json);
    assertFalse(json.contains("\"outcome\" : \"ERROR\""), "no check may error on the XGBoost regression model");
    assertTrue(json.contains("gives prediction fell by more than 0.5 when group b -> a") || json.contains("gives prediction rose by more than 0.5 when group a -> b"),
        "the counterfactual finds the planted group effect");
    com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    java.util.Set<String> trials = new java.util.TreeSet<>();
    for (com.fasterxml.jackson.databind.JsonNode c : report.get("checks")) {
      assertFalse(c.get("outcome").asText().equals("INCONCLUSIVE"), c.toString());
      trials.add(c.get("trial").asText());
      if (c.get("id").asText().equals("holdout-error") || c.get("id").asText().equals("fairness-errors")) {
        assertEquals("PASS", c.get("outcome").asText(), c.toString());
      }
    }
    assertEquals(java.util.Set.of("PERFORMANCE", "FAIRNESS", "PERTURBATION", "ADVERSARIAL"), trials);
    assertTrue(json.contains("\"mae_ratio\"") && json.contains("\"r2\""), "the regression metrics of performance and fairness are measured");
    assertTrue(json.contains("\"robust_mae\"") && json.contains("\"median_min_shift_eps\"") && json.contains("\"max_abs_prediction_change\""));
    String md = Files.readString(out.resolve("summary.md"));
    for (String text : new String[] {json, md, Files.readString(out.resolve("junit.xml"))}) {
      assertFalse(text.toLowerCase(java.util.Locale.ROOT).contains("accuracy"), "a regression report speaks of error, not accuracy");
      assertFalse(text.contains("score_change"), "nor of score changes");
    }
  }

  @Test
  void aWhiteBoxAttackOnTreesIsAnErrorThatSaysWhy(@TempDir Path work) throws Exception {
    assumeTrue(Files.isDirectory(FIXTURE), FIXTURE + " absent; skipping");
    Path fx = FIXTURE.toAbsolutePath();
    Path suite = work.resolve("suite.yaml");
    Files.writeString(suite, "name: fgsm-on-trees\nmodel: {type: xgboost, path: " + fx.resolve("regression.ubj") + "}\n"
        + "data: {path: " + fx.resolve("regression-eval.csv") + ", schema: " + fx.resolve("regression.schema.yaml") + "}\n"
        + "checks:\n  - {id: fgsm, type: adversarial.shift, params: {attack: fgsm, epsilons: [0.1], maxRows: 20},"
        + " conditions: [{metric: robust_mae, subject: \"eps=0.1\", atMost: 1}]}\n");
    CliTest.Run r = CliTest.cli("audit", "--suite", suite.toString(), "--out", work.resolve("out").toString(), "--quiet");
    assertEquals(1, r.code(), "an ERROR fails the gate: " + r.err());
    String json = Files.readString(work.resolve("out/report.json"));
    assertTrue(json.contains("\"outcome\" : \"ERROR\"") && json.contains("no useful gradient") && json.contains("simba or noise"), json);
  }
}

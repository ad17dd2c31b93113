package dev.gauntlet.suites.cli;

import static dev.gauntlet.suites.cli.RegressionFixtureAuditTest.assertEveryTrialDecided;
import static dev.gauntlet.suites.cli.RegressionFixtureAuditTest.assertSpeaksOfErrorsOnly;
import static dev.gauntlet.suites.cli.RegressionFixtureAuditTest.auditThatFails;
import static dev.gauntlet.suites.cli.RegressionFixtureAuditTest.check;
import static dev.gauntlet.suites.cli.RegressionFixtureAuditTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: {@code gauntlet audit --suite fixtures/xgboost/monthly-suite.yaml}, an XGBoost regression model
 * saved by Python's XGBoost, through every trial (performance, fairness, drift, perturbation, black-box
 * adversarial). The planted bias against group b (labels 0.5 lower in training) fails fairness.regression,
 * the drift after month 12 fails drift.regression, and the measured errors equal those numpy computed from
 * XGBoost's own predictions ({@code fixtures/scripts/train_xgboost_fixture.py} -> expected.json). No output
 * speaks of accuracy or an error rate.
 */
class XgboostMonthlyFixtureAuditTest {
  static final Path FIXTURE = Path.of("../fixtures/xgboost");

  @Test
  void theXgboostMonthlySuiteRunsEveryTrialAndFindsTheBiasAndTheDrift(@TempDir Path work) throws Exception {
    Path suite = FIXTURE.resolve("monthly-suite.yaml");
    assumeTrue(Files.isRegularFile(suite), suite + " absent; skipping");
    JsonNode want = new ObjectMapper().readTree(FIXTURE.resolve("expected.json").toFile()).path("models").path("monthly").path("metrics");
    Path out = work.resolve("out");
    JsonNode report = auditThatFails(suite, out); // the planted bias and the drift fail the gate
    assertEveryTrialDecided(report);
    for (String id : List.of("fairness-errors", "error-decay")) {
      assertEquals("FAIL", check(report, id).get("outcome").asText(), id);
    }
    for (String id : List.of("holdout-error", "shift-z0", "concept-z0", "feature-drift", "error-detectors", "small-noise", "monotone",
        "counterfactual-group", "robust-error", "min-shift")) {
      assertEquals("PASS", check(report, id).get("outcome").asText(), check(report, id).toString());
    }
    // the errors of XGBoost's predictions, as numpy computed them (float32 predictions: 1e-6)
    JsonNode perf = check(report, "holdout-error");
    for (String m : List.of("mae", "rmse", "r2", "mean_error")) {
      assertEquals(want.get(m).asDouble(), value(perf, m, ""), 1e-6, m);
    }
    JsonNode fair = check(report, "fairness-errors");
    assertEquals(want.get("mean_error_diff_b").asDouble(), value(fair, "mean_error_diff", "group=b"), 1e-6);
    assertEquals(want.get("mae_ratio_b").asDouble(), value(fair, "mae_ratio", "group=b"), 1e-6);
    JsonNode decay = check(report, "error-decay");
    assertEquals(want.get("reference_mae").asDouble(), value(decay, "reference_mae", ""), 1e-6);
    assertEquals(want.get("last_window_mae_rise").asDouble(), value(decay, "last_window_mae_rise", ""), 1e-6);
    // no shift at severity 0: the simulated MAE is the measured one
    assertEquals(want.get("mae").asDouble(), value(check(report, "shift-z0"), "unshifted_mae", ""), 1e-6);
    // the detectors stay quiet through the first year (rows 0-599) and notice the drift after it
    for (String d : List.of("page-hinkley", "adwin")) {
      double row = value(check(report, "error-detectors"), "first_alarm_row", "detector=" + d);
      assertTrue(row >= 600 && row < 900, d + " first alarm at row " + row);
    }
    // XGBoost's monotone_constraints: more z0 and less z1 never lower the prediction
    assertEquals(0.0, value(check(report, "monotone"), "failure_rate", ""), 0);
    // black-box simba only raises the error as eps grows
    JsonNode adv = check(report, "robust-error");
    assertTrue(value(adv, "robust_mae", "eps=0.2") >= value(adv, "robust_mae", "eps=0.05")
        && value(adv, "robust_mae", "eps=0.05") >= value(adv, "clean_mae", ""), adv.toString());
    assertSpeaksOfErrorsOnly(out, "a regression audit");
  }
}

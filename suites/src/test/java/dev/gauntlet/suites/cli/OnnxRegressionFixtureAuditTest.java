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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: {@code gauntlet audit --suite fixtures/onnx-regression/suite.yaml}, a PyTorch regression MLP
 * exported to ONNX, through every trial: white-box attacks on its graph rebuilt in SameDiff, the planted
 * bias against group b (labels 0.5 lower) found by fairness.regression, the drift after month 12 by
 * drift.regression, and outputs that speak of error, not accuracy.
 */
class OnnxRegressionFixtureAuditTest {
  static final Path SUITE = Path.of("../fixtures/onnx-regression/suite.yaml");

  @Test
  void theOnnxRegressionSuiteRunsEveryTrial(@TempDir Path work) throws Exception {
    assumeTrue(Files.isRegularFile(SUITE), SUITE + " absent; skipping");
    Path out = work.resolve("out");
    JsonNode report = auditThatFails(SUITE, out); // the planted bias and the drift fail the gate
    assertTrue(report.toString().contains("[ONNX Runtime; gradients: SameDiff, exact]"), "white-box: the graph was rebuilt in SameDiff");
    assertEveryTrialDecided(report);
    for (String id : List.of("fairness-errors", "error-decay")) {
      assertEquals("FAIL", check(report, id).get("outcome").asText(), id);
    }
    for (String id : List.of("holdout-error", "shift-z0", "concept-z0", "feature-drift", "small-noise", "monotone", "robust-error", "min-shift")) {
      assertEquals("PASS", check(report, id).get("outcome").asText(), check(report, id).toString());
    }
    // the model learned labels 0.5 lower for group b than for a
    double diff = value(check(report, "fairness-errors"), "mean_error_diff", "group=b");
    assertTrue(diff < -0.3 && diff > -0.8, "mean_error_diff[group=b] " + diff);
    // PGD (white-box) makes the error worse, never better
    JsonNode adv = check(report, "robust-error");
    assertTrue(value(adv, "robust_mae", "eps=0.1") >= value(adv, "robust_mae", "eps=0.05")
        && value(adv, "robust_mae", "eps=0.05") >= value(adv, "clean_mae", ""), adv.toString());
    assertSpeaksOfErrorsOnly(out, "a regression audit");
  }
}

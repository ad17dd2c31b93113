package dev.gauntlet.suites.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: {@code gauntlet audit} on fixtures/regression (copied to a temporary folder, so its
 * inputs are generated and the models trained there): a DL4J regression MLP trained on limits that
 * were 1,500 lower for women is caught by fairness.regression, its error decay after month 12 by
 * drift.regression, and every output reads as a regression report (error, not accuracy). suite.yaml
 * goes through all five audit trials (drift.yaml is the drift trial): each with a real result.
 */
class RegressionFixtureAuditTest {
  static final Path FIXTURE = Path.of("../fixtures/regression");

  static JsonNode check(JsonNode report, String id) {
    for (JsonNode c : report.get("checks")) {
      if (c.get("id").asText().equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no check " + id);
  }

  static double value(JsonNode check, String metric, String subject) {
    for (JsonNode m : check.get("measurements")) {
      String sub = m.hasNonNull("subject") ? m.get("subject").asText() : "";
      if (m.get("metric").asText().equals(metric) && sub.equals(subject)) {
        return m.get("value").asDouble();
      }
    }
    throw new AssertionError("no " + metric + "[" + subject + "] in " + check);
  }

  /**
   * {@code gauntlet audit --suite suite --out out --quiet}, which must exit 1 (the gate fails; a data
   * or model error would be 2), and its report.json, checked against the report schema.
   */
  static JsonNode auditThatFails(Path suite, Path out) throws Exception {
    CliTest.Run r = CliTest.cli("audit", "--suite", suite.toString(), "--out", out.toString(), "--quiet");
    assertEquals(1, r.code(), r.err());
    String json = Files.readString(out.resolve("report.json"));
    dev.gauntlet.harness.report.ReportSchema.assertValid(json);
    return new ObjectMapper().readTree(json);
  }

  /** No output of a regression audit (summary, JUnit XML, HTML, JSON) speaks of accuracy or of an error rate. */
  static void assertSpeaksOfErrorsOnly(Path out, String what) throws Exception {
    for (String f : new String[] {"summary.md", "junit.xml", "report.html", "report.json"}) {
      String text = Files.readString(out.resolve(f)).toLowerCase(Locale.ROOT);
      assertFalse(text.contains("accuracy"), f + " of " + what + " speaks of accuracy");
      assertFalse(text.contains("error rate"), f + " of " + what + " speaks of an error rate");
    }
  }

  /** Every check decided (no ERROR, no INCONCLUSIVE), and all five trials ran. */
  static void assertEveryTrialDecided(JsonNode report) {
    java.util.Set<String> trials = new java.util.TreeSet<>();
    for (JsonNode c : report.get("checks")) {
      String o = c.get("outcome").asText();
      assertFalse(o.equals("ERROR") || o.equals("INCONCLUSIVE"), c.toString());
      trials.add(c.get("trial").asText());
    }
    assertEquals(java.util.Set.of("PERFORMANCE", "FAIRNESS", "DRIFT", "PERTURBATION", "ADVERSARIAL"), trials);
  }

  @Test
  void theCreditLimitSuitesFindThePlantedBiasAndTheDrift(@TempDir Path work) throws Exception {
    assumeTrue(Files.isDirectory(FIXTURE), FIXTURE + " absent; skipping");
    for (String f : new String[] {"suite.yaml", "drift.yaml", "fixture.txt"}) {
      Files.copy(FIXTURE.resolve(f), work.resolve(f));
    }
    Path out = work.resolve("out");
    JsonNode report = auditThatFails(work.resolve("suite.yaml"), out); // the planted bias fails the gate
    JsonNode perf = check(report, "holdout-error");
    assertEquals("PASS", perf.get("outcome").asText(), perf.toString());
    JsonNode fair = check(report, "fairness-errors");
    assertEquals("FAIL", fair.get("outcome").asText());
    boolean found = false;
    for (JsonNode m : fair.get("measurements")) {
      if (m.get("metric").asText().equals("mean_error_diff") && m.get("subject").asText().equals("sex=F")) {
        found = true;
        // the model learned most of the 1,500 its training labels took from women
        assertTrue(m.get("value").asDouble() < -1000 && m.get("value").asDouble() > -1800, m.toString());
      }
    }
    assertTrue(found, "mean_error_diff[sex=F] is measured");
    // every trial runs on the DL4J regression model, none errors
    java.util.Set<String> trials = new java.util.TreeSet<>();
    for (JsonNode c : report.get("checks")) {
      assertFalse(c.get("outcome").asText().equals("ERROR") || c.get("outcome").asText().equals("INCONCLUSIVE"), c.toString());
      trials.add(c.get("trial").asText());
    }
    assertTrue(trials.containsAll(java.util.List.of("PERFORMANCE", "FAIRNESS", "PERTURBATION", "ADVERSARIAL", "DRIFT")), trials.toString());
    // drift.simulation scored by error: a concept shift of +3,000 on the top quarter of incomes raises the MAE by about
    // 3,000 x 0.25 = 750 (less where the model already erred the other way), and the detectors see it on the stream
    JsonNode concept = check(report, "shift-concept-income");
    assertEquals("PASS", concept.get("outcome").asText(), concept.toString());
    double rise = value(concept, "mae_rise", "severity=0.25");
    assertTrue(rise > 400 && rise <= 750 + 1e-6, concept.toString());
    assertEquals(0, value(concept, "mae_rise", "severity=0"), 0, "severity 0 moves no label");
    for (String id : new String[] {"shift-income", "shift-high-limits"}) {
      assertEquals("PASS", check(report, id).get("outcome").asText(), check(report, id).toString());
    }
    // the counterfactual swap of sex moves the limit by about the 1,500 the training labels took from women
    JsonNode cf = check(report, "counterfactual-sex");
    assertEquals("FAIL", cf.get("outcome").asText(), cf.toString());
    assertTrue(value(cf, "mean_abs_prediction_change", "") > 1000 && value(cf, "mean_abs_prediction_change", "") < 2000, cf.toString());
    for (String id : new String[] {"small-noise", "monotone-income", "robust-error", "min-shift"}) {
      assertEquals("PASS", check(report, id).get("outcome").asText(), check(report, id).toString());
    }
    // the attack makes the error worse, never better: robust MAE at 0.05 >= at 0.02 >= clean
    JsonNode adv = check(report, "robust-error");
    assertTrue(value(adv, "robust_mae", "eps=0.05") >= value(adv, "robust_mae", "eps=0.02")
        && value(adv, "robust_mae", "eps=0.02") >= value(adv, "clean_mae", ""), adv.toString());
    assertSpeaksOfErrorsOnly(out, "a regression audit");
    assertTrue(Files.readString(out.resolve("summary.md")).contains("MAE is "), "the finding names the MAE");

    Path out2 = work.resolve("out2");
    JsonNode driftReport = auditThatFails(work.resolve("drift.yaml"), out2);
    JsonNode decay = check(driftReport, "error-decay");
    // the applicants do not drift, the limits do: feature drift passes, the detectors over the absolute errors fire only in
    // the second year (rows 2400 on, 200 a month)
    assertEquals("PASS", check(driftReport, "feature-drift").get("outcome").asText());
    for (String det : new String[] {"page-hinkley", "adwin"}) {
      double first = value(check(driftReport, "error-detectors"), "first_alarm_row", "detector=" + det);
      assertTrue(first >= 2400 && first < 3000, det + " first alarm " + first);
    }
    assertTrue(value(check(driftReport, "large-error-detectors"), "alarms", "detector=ddm") >= 1, "DDM on the errors above 5,000");
    assertSpeaksOfErrorsOnly(out2, "the regression drift audit");
    assertEquals("DRIFT", decay.get("trial").asText());
    for (JsonNode m : decay.get("measurements")) {
      if (m.get("metric").asText().equals("last_window_mae_rise")) {
        // limits are 48% higher in the last month than the model learned: its MAE grows by thousands
        assertTrue(m.get("value").asDouble() > 2000, m.toString());
      }
      if (m.get("metric").asText().equals("windows_until_retrain")) {
        assertEquals(0, m.get("value").asDouble(), 0, "the error is far above the ceiling: retrain now");
      }
    }
  }
}

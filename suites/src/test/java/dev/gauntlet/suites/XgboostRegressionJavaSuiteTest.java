package dev.gauntlet.suites;

import static dev.gauntlet.suites.RegressionJavaSuiteTest.assertErrorGrowsWithEps;
import static dev.gauntlet.suites.RegressionJavaSuiteTest.check;
import static dev.gauntlet.suites.RegressionJavaSuiteTest.monthlyFixtureChecks;
import static dev.gauntlet.suites.RegressionJavaSuiteTest.runFailing;
import static dev.gauntlet.suites.RegressionJavaSuiteTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.attacks.adversarial.AttackSpec;
import dev.gauntlet.attacks.adversarial.MinShiftCheck;
import dev.gauntlet.attacks.adversarial.Norm;
import dev.gauntlet.attacks.adversarial.ShiftCheck;
import dev.gauntlet.attacks.perturbation.Perturbation;
import dev.gauntlet.attacks.perturbation.PerturbationCheck;
import dev.gauntlet.attacks.perturbation.Property;
import dev.gauntlet.drift.DetectorCheck;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.Task;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.models.XgboostModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 from Java with an XGBoost model: the audit of fixtures/xgboost/monthly-suite.yaml built with
 * {@link Suite#builder} on {@link XgboostModel#load} through every trial. Expected values come from
 * numpy on XGBoost's own predictions ({@code fixtures/scripts/train_xgboost_fixture.py} -> expected.json:
 * the errors, the planted bias, the drift, the largest counterfactual move over every row) or hold by
 * construction (XGBoost's monotone constraints; an attack never lowers the error
 * below the clean one, whose point it keeps); a white-box attack on trees is an ERROR that says why.
 */
class XgboostRegressionJavaSuiteTest {
  static final Path DIR = Path.of("../fixtures/xgboost");

  @Test
  void aJavaAuditOfTheXgboostModelRunsEveryTrial() throws Exception {
    assumeTrue(Files.isRegularFile(DIR.resolve("monthly.ubj")), DIR + "/monthly.ubj absent; skipping");
    JsonNode want = new ObjectMapper().readTree(DIR.resolve("expected.json").toFile()).path("models").path("monthly").path("metrics");
    Schema schema = SchemaLoader.load(DIR.resolve("monthly.schema.yaml"));
    Table t = TableLoader.load(DIR.resolve("monthly.csv"), schema);
    XgboostModel model = XgboostModel.load(DIR.resolve("monthly.ubj"), "monthly-xgb", OptionalInt.of(4));
    assertEquals(Task.REGRESSION, model.task());
    AttackSpec simba = AttackSpec.simba(Norm.LINF, 60);
    Suite s = monthlyFixtureChecks(Suite.builder("xgboost-monthly-java").seed(21).model(model).data(t))
        .check(CheckSpec.of("detectors", new DetectorCheck(DetectorCheck.Source.MODEL, 0, List.of(), Double.NaN),
            MetricCondition.atLeast("first_alarm_row", 600).forSubject("detector=page-hinkley")))
        .check(CheckSpec.of("noise", new PerturbationCheck(Property.tolerance(0.5, new Perturbation.Noise(Perturbation.Distribution.GAUSSIAN, 0.05, List.of(), 1))
            .withCases(300)), MetricCondition.atMost("failure_rate", 0.1)))
        .check(CheckSpec.of("monotone", new PerturbationCheck(Property.directional(Property.Direction.UP, new Perturbation.MonotoneStep(0.5, List.of()))
            .withCases(300)), MetricCondition.atMost("failure_rate", 0)))
        .check(CheckSpec.of("swap-group", new PerturbationCheck(Property.counterfactual("group", 0.5).withCases(300)),
            MetricCondition.atMost("failure_rate", 0.02)))
        .check(CheckSpec.of("shift", ShiftCheck.of(simba, 0.05, 0.1).withTolerance(0.5), MetricCondition.atMost("robust_mae", 1.5).forSubject("eps=0.1")))
        .check(CheckSpec.of("min-shift", new MinShiftCheck(simba, 0.5, 1.0, 6, 100, List.of(), 30, 0.95), MetricCondition.atLeast("median_min_shift_eps", 0.05)))
        .check(CheckSpec.of("fgsm", ShiftCheck.of(AttackSpec.fgsm(Norm.LINF), 0.1), MetricCondition.atMost("robust_mae", 1.5).forSubject("eps=0.1")))
        .build();
    SuiteResult r = runFailing(s, id -> switch (id) {
      case "fair", "decay" -> Outcome.FAIL; // the planted bias and the drift
      case "fgsm" -> Outcome.ERROR;         // trees have no gradient
      default -> Outcome.PASS;
    });
    String why = check(r, "fgsm").toString();
    assertTrue(why.contains("no useful gradient") && why.contains("simba or noise"), why);

    // performance, fairness and drift: numpy on XGBoost's predictions (float32: 1e-6)
    for (String m : List.of("mae", "rmse", "r2", "mean_error")) {
      assertEquals(want.get(m).asDouble(), value(check(r, "error"), m, Subject.all()), 1e-6, m);
    }
    Subject b = Subject.slice("group", "b");
    assertEquals(want.get("mean_error_diff_b").asDouble(), value(check(r, "fair"), "mean_error_diff", b), 1e-6);
    assertEquals(want.get("mae_ratio_b").asDouble(), value(check(r, "fair"), "mae_ratio", b), 1e-6);
    assertEquals(want.get("reference_mae").asDouble(), value(check(r, "decay"), "reference_mae", Subject.all()), 1e-6);
    assertEquals(want.get("last_window_mae_rise").asDouble(), value(check(r, "decay"), "last_window_mae_rise", Subject.all()), 1e-6);
    // the unshifted MAE is the measured one; severity 0 resamples the rows uniformly, so its MAE moves only by
    // sampling noise (the MAE's standard error on 1200 rows is about 0.02)
    CheckResult cov = check(r, "covariate");
    assertEquals(want.get("mae").asDouble(), value(cov, "unshifted_mae", Subject.all()), 1e-6);
    assertEquals(0.0, value(cov, "mae_rise", Subject.severity(0)), 0.05);
    // the detectors fire, but only after the first year
    double alarm = value(check(r, "detectors"), "first_alarm_row", Subject.detector("page-hinkley"));
    assertTrue(alarm >= 600 && alarm < 1200, "first alarm at row " + alarm);
    // monotone by XGBoost's constraints; no sampled counterfactual moves more than the largest over all rows
    assertEquals(0.0, value(check(r, "monotone"), "failure_rate", Subject.all()), 0);
    assertTrue(value(check(r, "swap-group"), "max_abs_prediction_change", Subject.all()) <= want.get("counterfactual_max_change").asDouble() + 1e-6);
    // black-box attacks: the error at eps is never below the clean error, and grows with eps
    assertErrorGrowsWithEps(check(r, "shift"));
    double eps = value(check(r, "min-shift"), "median_min_shift_eps", Subject.all());
    assertTrue(eps > 0 && eps <= 1.0, "median minimal eps " + eps);
  }
}

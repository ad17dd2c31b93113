package dev.gauntlet.attacks.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Perturbation properties of a regression model (a numeric label, one predicted number per row):
 * tolerance, monotone (directional) and counterfactual-with-tolerance properties, judged on the
 * predicted value in the label's units, with shrinking that keeps the failure and replay. The
 * models are linear, so which cases must fail is known exactly.
 */
class RegressionPropertiesTest {
  // TestData's layout (width 10) with a numeric label
  static final String SCHEMA = TestData.SCHEMA.replace("{name: y, type: categorical, role: label, categories: [\"no\", \"yes\"]}",
      "{name: y, type: numeric, role: label}");

  static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("reg-schema.yaml", SCHEMA));
  }

  static Table table(int n) {
    Table t = TestData.table(n);
    SplittableRandom r = new SplittableRandom(2);
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new String[] {t.rowLabel(i), num(t.numeric("x1")[i]), num(t.numeric("x2")[i]), num(t.numeric("x3")[i]), num(t.numeric("x4")[i]),
          Integer.toString((int) t.numeric("age")[i]), t.categorical("group").levels().get(t.categorical("group").codes()[i]),
          t.categorical("region").levels().get(t.categorical("region").codes()[i]), num(1000 + 100 * r.nextGaussian())});
    }
    return TableLoader.fromRows(schema(), new String[] {"id", "x1", "x2", "x3", "x4", "age", "group", "region", "y"}, rows, "reg-data");
  }

  private static String num(double v) {
    return String.format(java.util.Locale.ROOT, "%.6f", v);
  }

  /** f(x) = 1000 + w . x (encoded). */
  static FunctionModel linear(double[] w) {
    return FunctionModel.regression("linear", TestData.WIDTH, x -> {
      double[] v = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        v[i] = 1000 + TestData.margin(w, 0, x[i]);
      }
      return v;
    });
  }

  private static CheckResult run(FunctionModel m, Property p) {
    Suite s = Suite.builder("reg").seed(5).model(m).data(table(300))
        .check(CheckSpec.of("p", new PerturbationCheck(p), MetricCondition.atMost("failure_rate", 0.0))).build();
    return new SuiteRunner(null, null, null).run(s).checks().get(0);
  }

  private static PerturbationResult result(FunctionModel m, Property p) {
    return PropertyAssert.given(m, table(300)).seed(5).run(p);
  }

  private static double value(PerturbationResult r, String metric) {
    return r.measurements().stream().filter(m -> m.metric().equals(metric)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + " in " + r.measurements())).value();
  }

  @Test
  void counterfactualWithAToleranceFailsExactlyWhenTheGroupEffectExceedsIt() {
    // swapping group a <-> b moves the prediction by exactly 300 (the group=b dimension's weight)
    FunctionModel m = linear(TestData.weights(TestData.X1, 5000, TestData.GROUP_B, 30000));
    CheckResult loose = run(m, Property.counterfactual("group", 300.5).withCases(200));
    assertEquals(Outcome.PASS, loose.outcome(), () -> loose.error() + " " + loose.findings());
    PerturbationResult none = result(m, Property.counterfactual("group", 300.5).withCases(200));
    assertEquals(0, value(none, "failure_rate"));
    assertEquals(300, value(none, "max_abs_prediction_change"), 1e-6);
    CheckResult tight = run(m, Property.counterfactual("group", 299.5).withCases(200));
    assertEquals(Outcome.FAIL, tight.outcome());
    PerturbationResult pr = result(m, Property.counterfactual("group", 299.5).withCases(200));
    assertEquals(1.0, value(pr, "failure_rate"), "every swap moves the prediction by 300 > 299.5");
    assertTrue(pr.measurements().stream().noneMatch(x -> x.metric().contains("score")), "regression metrics name the prediction");
    Counterexample c = pr.counterexamples().get(0);
    assertTrue(c.failure().startsWith("prediction ") && c.failure().contains("by more than 299.5 when group"), c.failure());
    assertEquals(300, Math.abs(c.scoreAfter() - c.scoreBefore()), 1e-6);
    assertEquals(1, c.changes().size(), "shrunk to the swapped attribute alone: " + c.changes());
    assertTrue(c.describe().contains("(prediction "), c.describe());
  }

  @Test
  void monotonePropertyFailsOnlyWhenMoreIncomeLowersThePrediction() {
    Property more = Property.directional(Property.Direction.UP, Perturbation.monotone(0.5)).withCases(300);
    CheckResult fine = run(linear(TestData.weights(TestData.X1, 20000, TestData.X2, -10000)), more);
    assertEquals(Outcome.PASS, fine.outcome(), () -> fine.error() + " " + fine.findings());
    // x1 is declared increasing; this model lowers the prediction when x1 rises
    PerturbationResult pr = result(linear(TestData.weights(TestData.X1, -20000)), more);
    assertEquals(pr.changed(), pr.failures(), "every case that raised x1 lowered the prediction");
    Counterexample c = pr.counterexamples().get(0);
    assertTrue(c.failure().equals("prediction fell although it must not go down"), c.failure());
    assertTrue(c.scoreAfter() < c.scoreBefore());
    assertTrue(c.changes().stream().allMatch(ch -> ch.feature().equals("x1")), "shrunk to x1 alone: " + c.changes());
  }

  @Test
  void toleranceInTheLabelsUnitsShrinksAndReplays() {
    // f moves by 100 per unit of x4; noise of sd 1 on x4 breaks a tolerance of 50 when |noise| > 0.5
    FunctionModel m = linear(TestData.weights(TestData.X4, 10000));
    Property p = Property.tolerance(50, Perturbation.noise(1.0, "x4")).withCases(400);
    PerturbationResult pr = result(m, p);
    assertTrue(pr.failures() > 0 && pr.failures() < pr.changed(), pr.failures() + " of " + pr.changed());
    Counterexample c = pr.counterexamples().get(0);
    assertTrue(Math.abs(c.scoreAfter() - c.scoreBefore()) > 50, "the shrunk case still fails");
    assertTrue(c.failure().startsWith("prediction ") && c.failure().endsWith("by more than 50"), c.failure());
    // replay the case alone from its seed: the same failure
    PerturbationResult rp = result(m, p.withSeed(pr.seed()).replaying(c.caseIndex()));
    assertEquals(1, rp.failures());
    assertEquals(c.failure(), rp.counterexamples().get(0).failure());
  }

  @Test
  void invarianceIsRefusedForARegressionModelAndToleranceRangesFollowTheTask() {
    CheckResult r = run(linear(TestData.weights(TestData.X1, 100)), Property.invariance(Perturbation.noise(0.1)).withCases(50));
    assertEquals(Outcome.ERROR, r.outcome());
    assertTrue(r.error().contains("regression model") && r.error().contains("kind: tolerance"), r.error());
    // YAML: a tolerance of 500 is fine for a numeric label, not for a classifier's probability
    var type = new SuiteLoader().checkTypes().get("perturbation.property");
    type.create(ConfigNode.parse("suite.yaml", "{kind: tolerance, tolerance: 500, perturb: [{noise: {scale: 0.1}}]}"), schema());
    UsageException ex = assertThrows(UsageException.class,
        () -> type.create(ConfigNode.parse("suite.yaml", "{kind: tolerance, tolerance: 500, perturb: [{noise: {scale: 0.1}}]}"), TestData.schema()));
    assertTrue(ex.getMessage().contains("suite.yaml:1:") && ex.getMessage().contains("below 1"), ex.getMessage());
    UsageException inv = assertThrows(UsageException.class,
        () -> type.create(ConfigNode.parse("suite.yaml", "{kind: invariance, perturb: [{noise: {scale: 0.1}}]}"), schema()));
    assertTrue(inv.getMessage().contains("regression suite"), inv.getMessage());
    assertFalse(new PerturbationCheck(Property.tolerance(0.1, Perturbation.noise(0.1))).tasks().isEmpty());
  }
}

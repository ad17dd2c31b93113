package dev.gauntlet.attacks.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Small noise on data whose mutable features are an integer (children, 0..10, sd about 3.2) and a
 * binary flag, which noise does not touch: gaussian noise of 0.01 sd (about 0.03) rounds back to the
 * same integer on every row, so no case changes the model input. That proves nothing about the model: the property
 * must be INCONCLUSIVE with the reason, never a PASS, and a required check judged only by it must
 * fail the gate.
 */
class DiscreteNoiseTest {
  private static final String SCHEMA = """
      name: discrete
      columns:
        - {name: id, type: text, role: id}
        - {name: income, type: numeric, role: feature, mutable: false, range: [0, 200000], encoding: {scale: standard, mean: 50000, std: 20000}}
        - {name: age, type: numeric, role: feature, integer: true, mutable: false, range: [18, 90], encoding: {scale: standard, mean: 40, std: 12}}
        - {name: children, type: numeric, role: feature, integer: true, range: [0, 10], encoding: {scale: standard, mean: 2, std: 1.5}}
        - {name: flag, type: binary, role: feature, categories: ["no", "yes"]}
        - {name: approved, type: binary, role: label, categories: ["no", "yes"]}
      """;

  private static Table data(int n) {
    Schema schema = SchemaLoader.parse(ConfigNode.parse("discrete.yaml", SCHEMA));
    SplittableRandom r = new SplittableRandom(11);
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new String[] {"r" + i, String.format(java.util.Locale.ROOT, "%.2f", r.nextDouble(10_000, 150_000)),
          Integer.toString(r.nextInt(18, 91)), Integer.toString(r.nextInt(0, 11)),
          r.nextBoolean() ? "yes" : "no", r.nextBoolean() ? "yes" : "no"});
    }
    return TableLoader.fromRows(schema, new String[] {"id", "income", "age", "children", "flag", "approved"}, rows, "fixture");
  }

  /** A steep model on every encoded input: any input that moved would move its score. */
  private static FunctionModel model(int width) {
    return new FunctionModel("steep", width, 2, x -> {
      double[][] p = new double[x.length][2];
      for (int i = 0; i < x.length; i++) {
        double z = 0;
        for (int j = 0; j < width; j++) {
          z += (j % 2 == 0 ? 40.0 : -30.0) * x[i][j];
        }
        p[i][1] = 1 / (1 + Math.exp(-z));
        p[i][0] = 1 - p[i][1];
      }
      return p;
    });
  }

  private static final Property NOISE = Property.invariance(Perturbation.noise(0.01)).withCases(500);

  // (With age mutable too, 0.01 sd of age, about 0.2 years, rounds to a whole year in about 1.5% of
  // cases: those inputs really change, and the property is then judged, not vacuous.)
  @Test
  void smallNoiseOnIntegerFeaturesIsInconclusiveNotAPass() {
    Table t = data(200);
    PerturbationResult r = PropertyAssert.given(model(new Encoder(t.schema()).width()), t).seed(4).run(NOISE);
    assertEquals(0, r.changed(), "0.01 sd of noise rounds back to the same integer");
    assertEquals(0, r.failures());
    for (String metric : List.of("failure_rate", "failures", "mean_abs_score_change", "max_abs_score_change")) {
      Measurement m = r.measurements().stream().filter(q -> q.metric().equals(metric)).findFirst().orElseThrow();
      assertNotNull(m.inconclusive(), metric + " must be inconclusive");
      assertTrue(m.inconclusive().startsWith("nothing could be perturbed: none of the 500 cases changed the model input"), m.inconclusive());
    }
    Measurement changed = r.measurements().stream().filter(q -> q.metric().equals("changed_rate")).findFirst().orElseThrow();
    assertEquals(0.0, changed.value());
  }

  @Test
  void aRequiredCheckJudgedOnlyByTheVacuousPropertyFailsTheGate() {
    Table t = data(200);
    Suite suite = Suite.builder("discrete-noise").seed(4).model(model(new Encoder(t.schema()).width())).data(t)
        .check(CheckSpec.of("noise-on-integers", new PerturbationCheck(NOISE), MetricCondition.atMost("failure_rate", 0.01)))
        .build();
    SuiteResult s = new SuiteRunner(null, null, null).run(suite);
    CheckResult c = s.checks().get(0);
    assertEquals(Outcome.INCONCLUSIVE, c.outcome(), () -> c.summary() + c.findings());
    assertTrue(c.findings().stream().allMatch(f -> f.outcome() == Outcome.INCONCLUSIVE), () -> c.findings().toString());
    assertTrue(c.findings().get(0).sentence().contains("nothing could be perturbed"), c.findings().get(0).sentence());
    assertFalse(s.verdict().passed(), "a required check that judged nothing must not pass the gate");
    assertTrue(s.verdict().blockers().stream().anyMatch(b -> b.checkId().equals("noise-on-integers")
        && b.reason().contains("could not judge anything")), () -> s.verdict().blockers().toString());
  }

  @Test
  void aHandfulOfChangedCasesIsInconclusiveAndUnchangedCasesDoNotDiluteTheRate() {
    // With age mutable too, 0.01 sd of age (about 0.12 years) rounds to another whole year in a few
    // cases only: the property is hardly exercised, so it must not pass on the hundreds of no-ops.
    String schema = SCHEMA.replace("integer: true, mutable: false, range: [18, 90]", "integer: true, range: [18, 90]");
    Table base = data(200);
    Table t = TableLoader.fromRows(SchemaLoader.parse(ConfigNode.parse("discrete.yaml", schema)),
        new String[] {"id", "income", "age", "children", "flag", "approved"}, rows(base), "fixture");
    PerturbationResult r = PropertyAssert.given(model(new Encoder(t.schema()).width()), t).seed(4).run(NOISE);
    assertTrue(r.changed() > 0 && r.changed() < 30, "a few cases change: " + r.changed());
    Measurement m = r.measurements().stream().filter(q -> q.metric().equals("failure_rate")).findFirst().orElseThrow();
    assertNotNull(m.inconclusive(), "fewer than 30 changed cases is not a pass");
    assertTrue(m.inconclusive().startsWith("only " + r.changed() + " of 500 cases changed the model input"), m.inconclusive());
    assertEquals(r.changed(), m.n(), "the rate is over the cases that changed the input");
    assertEquals((double) r.failures() / r.changed(), m.value());
  }

  private static List<String[]> rows(Table t) {
    List<String[]> out = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < t.rowCount(); i++) {
      out.add(new String[] {"r" + i, String.format(java.util.Locale.ROOT, "%.2f", r.nextDouble(10_000, 150_000)),
          Integer.toString(r.nextInt(18, 91)), Integer.toString(r.nextInt(0, 11)),
          r.nextBoolean() ? "yes" : "no", r.nextBoolean() ? "yes" : "no"});
    }
    return out;
  }

  @Test
  void largerNoiseMovesTheIntegersAndTheSameCheckIsJudged() {
    // The control: noise of 1 sd does move the integers by whole steps, so the trial is real.
    Table t = data(200);
    PerturbationResult r = PropertyAssert.given(model(new Encoder(t.schema()).width()), t).seed(4)
        .run(Property.invariance(Perturbation.noise(1.0)).withCases(500));
    assertTrue(r.changed() > 0);
    Measurement m = r.measurements().stream().filter(q -> q.metric().equals("failure_rate")).findFirst().orElseThrow();
    assertEquals(null, m.inconclusive());
  }
}

package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Vacuous trials: when every mutable feature is integer, binary or categorical, an epsilon below
 * one whole step moves nothing, and robust accuracy equal to clean accuracy proves nothing. Such a
 * trial is INCONCLUSIVE with the reason, never PASS.
 */
class VacuousTrialTest {

  private static final Table DATA = TabularFixture.rows(TabularFixture.discreteSchema(), 200, 5);

  /** A score-based model over every encoded input (so SimBA and noise can run, and a moved input could flip it). */
  private static FunctionModel model() {
    int w = new Encoder(DATA.schema()).width();
    return new FunctionModel("linear", w, 2, x -> {
      double[][] p = new double[x.length][2];
      for (int i = 0; i < x.length; i++) {
        double z = 0;
        for (int j = 0; j < w; j++) {
          z += (j % 2 == 0 ? 1.0 : -0.7) * x[i][j];
        }
        p[i][1] = 1 / (1 + Math.exp(-z));
        p[i][0] = 1 - p[i][1];
      }
      return p;
    });
  }

  private static CheckResult run(CheckSpec<?> spec) {
    Suite s = Suite.builder("vacuous").seed(1).model(model()).data(DATA).check(spec).build();
    return new SuiteRunner(null, null, null).run(s).checks().get(0);
  }

  private static Measurement find(CheckResult r, String metric, Subject subject) {
    return r.measurements().stream().filter(m -> m.metric().equals(metric) && m.subject().equals(subject)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + "[" + subject + "] in " + r.measurements()));
  }

  @Test
  void robustnessBelowOneStepIsInconclusiveNotAPass() {
    RobustnessCheck check = new RobustnessCheck(AttackSpec.simba(Norm.LINF, 30), List.of(AttackSpec.noise(Norm.LINF, 5)),
        new double[] {0.05, 1.0}, 200, List.of("sex"), 10, 5, null, null);
    CheckResult r = run(CheckSpec.of("robust", check, MetricCondition.atLeast("robust_accuracy", 0.0).forSubject(Subject.eps(0.05))));
    assertEquals(Outcome.INCONCLUSIVE, r.outcome(), () -> r.summary() + r.findings());
    Measurement at005 = find(r, "robust_accuracy", Subject.eps(0.05));
    assertNotNull(at005.inconclusive());
    assertTrue(at005.inconclusive().startsWith("nothing could be perturbed within eps 0.05"), at005.inconclusive());
    assertEquals(find(r, "clean_accuracy", Subject.all()).value(), at005.value(), 1e-12, "nothing moved, so nothing was lost");
    assertNotNull(find(r, "attack_robust_accuracy", Subject.attack("noise-linf").with(Subject.Dim.EPS, 0.05)).inconclusive());
    assertNotNull(find(r, "group_robust_accuracy", Subject.slice("sex", "F").with(Subject.Dim.EPS, 0.05)).inconclusive());
    assertNotNull(find(r, "robust_accuracy_gap", Subject.feature("sex").with(Subject.Dim.EPS, 0.05)).inconclusive());
    // At eps 1 a whole step of children, grade or flag and a region change fit: the trial is real.
    assertNull(find(r, "robust_accuracy", Subject.eps(1.0)).inconclusive());
  }

  @Test
  void minFlipWithinLessThanOneStepIsInconclusiveNotAPass() {
    MinFlipCheck check = new MinFlipCheck(AttackSpec.simba(Norm.LINF, 30), 0.05, 3, 200, List.of("sex"), 10, 5, null, null);
    CheckResult r = run(CheckSpec.of("flip", check, MetricCondition.atLeast("median_min_flip_eps", 0.01)));
    assertEquals(Outcome.INCONCLUSIVE, r.outcome(), () -> r.summary() + r.findings());
    String why = find(r, "median_min_flip_eps", Subject.all()).inconclusive();
    assertNotNull(why);
    assertTrue(why.startsWith("nothing could be perturbed within eps 0.05 (linf): every mutable feature is integer, binary or categorical"), why);
    assertNotNull(find(r, "flip_rate", Subject.all()).inconclusive());
    assertNotNull(find(r, "min_flip_eps_group_ratio", Subject.feature("sex")).inconclusive());
  }

  @Test
  void aContinuousFeatureMakesTheSameTrialReal() {
    Table t = TabularFixture.rows(200, 5);
    InputSpace space = InputSpace.of(new Encoder(t.schema()));
    double[] x0 = new Encoder(t.schema()).encode(t)[0];
    assertTrue(space.canMove(x0, 0.05, Norm.LINF), "income and debt are continuous and mutable");
    InputSpace discrete = InputSpace.of(new Encoder(DATA.schema()));
    assertTrue(!discrete.canMove(new Encoder(DATA.schema()).encode(DATA)[0], 0.05, Norm.LINF));
    assertTrue(discrete.canMove(new Encoder(DATA.schema()).encode(DATA)[0], 1.0, Norm.LINF));
  }
}

package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteRunner;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * HopSkipJump (decision-based): on a hand-written decision tree (probabilities 0 or 1, no gradients,
 * no useful scores) over the fixture's constrained schema, and on a linear model whose minimal L2
 * flip distance is known in closed form.
 */
class HopSkipJumpTest {
  private static final List<String> CLASSES = List.of("no", "yes");

  /** A hand-written decision tree over the fixture's encoded inputs: class 1 or 0 with probability 1. */
  static FunctionModel tree(Encoder enc) {
    int income = dim(enc, "income", null);
    int debt = dim(enc, "debt", null);
    int age = dim(enc, "age", null);
    int children = dim(enc, "children", null);
    int south = dim(enc, "region", "south");
    int grade = dim(enc, "grade", null);
    return new FunctionModel("tree", enc.width(), 2, x -> {
      double[][] p = new double[x.length][2];
      for (int i = 0; i < x.length; i++) {
        double[] r = x[i];
        boolean yes;
        if (r[income] > 0.3) {
          yes = r[debt] <= 0.6;
        } else if (r[age] > 2) {
          yes = false;
        } else if (r[children] > 0) {
          yes = r[grade] >= 1;
        } else {
          yes = r[south] == 1 || r[debt] < 0.3;
        }
        p[i][yes ? 1 : 0] = 1;
      }
      return p;
    });
  }

  private static int dim(Encoder enc, String column, String category) {
    return enc.dims().stream().filter(d -> d.column().name().equals(column) && (category == null || category.equals(d.category())))
        .findFirst().orElseThrow().index();
  }

  @Test
  void flipsMostRowsOfADecisionTreeWithValidPointsOnly() {
    Table t = TabularFixture.rows(60, 21);
    Encoder enc = new Encoder(t.schema());
    double[][] x0 = enc.encode(t);
    InputSpace space = InputSpace.of(enc);
    FunctionModel tree = tree(enc);
    Attacker a = Attacker.of(tree, space, new DecisionRule(1, 0.5), CLASSES);
    int[] clean = new DecisionRule(1, 0.5).decide(tree.predict(x0));
    for (Norm norm : Norm.values()) {
      double e = norm == Norm.L2 ? 0.5 : 0.3;
      double[] eps = new double[x0.length];
      java.util.Arrays.fill(eps, e);
      AttackSpec spec = AttackSpec.hsj(norm, 400);
      AttackResult res = a.attack(spec, x0, clean, eps, 7);
      for (int i = 0; i < x0.length; i++) {
        String bad = TabularFixture.invalid(enc, res.adversarial()[i], x0[i], eps[i], norm);
        int row = i;
        assertNull(bad, () -> spec.describe() + ", row " + row + " produced an invalid point");
      }
      double share = res.successCount() / (double) x0.length;
      long perRow = (res.queries() - x0.length) / x0.length; // minus the attacker's confirming call
      System.out.printf("hsj-%s eps %.2f on the tree: %d of %d rows flipped (%.3f), %d queries per row%n", norm.label(), e,
          res.successCount(), x0.length, share, perRow);
      assertTrue(perRow <= 400, "budget respected: " + perRow);
      AttackResult noise = a.attack(AttackSpec.noise(norm, 400), x0, clean, eps, 7);
      // measured (seed 7): linf 25 of 60 (noise 25), l2 35 of 60 (noise 39): reported, not asserted
      System.out.printf("  noise, 400 draws: %d rows%n", noise.successCount());
      assertTrue(share >= (norm == Norm.L2 ? 0.45 : 0.33), spec.describe() + " flipped " + share);
    }
  }

  @Test
  void robustAccuracyOfTheTreeUnderHsjFromYaml() {
    Table t = TabularFixture.rows(80, 23);
    Encoder enc = new Encoder(t.schema());
    FunctionModel tree = tree(enc);
    RobustnessCheck check = (RobustnessCheck) new SuiteLoader().checkTypes().get("adversarial.robustness")
        .create(ConfigNode.parse("suite.yaml", "{attack: hsj, norm: l2, queryBudget: 300, epsilons: [0.1, 0.5], minGroupSize: 10}"),
            TabularFixture.schema());
    assertEquals(AttackKind.HSJ, check.attack().kind());
    assertEquals("hsj-l2 (300 queries, decisions only)", check.attack().describe());
    Suite suite = Suite.builder("hsj").seed(1).model(tree).data(t)
        .check(CheckSpec.of("hsj", check, MetricCondition.atLeast("robust_accuracy", 0.0).forSubject("eps=0.5"))).build();
    CheckResult r = new SuiteRunner(null, null, null).run(suite).checks().get(0);
    assertEquals(Outcome.PASS, r.outcome(), () -> String.valueOf(r.error()) + r.findings());
    double cleanAcc = value(r, "clean_accuracy", Subject.all());
    double small = value(r, "robust_accuracy", Subject.eps(0.1));
    double large = value(r, "robust_accuracy", Subject.eps(0.5));
    System.out.printf("tree under hsj-l2 300 queries: clean %.3f, robust %.3f at eps 0.1, %.3f at eps 0.5%n", cleanAcc, small, large);
    assertTrue(large < cleanAcc && large <= small, "robust accuracy must fall: clean " + cleanAcc + ", " + small + ", " + large);
  }

  @Test
  void findsTheClosedFormMinimalL2FlipOnALinearModel() {
    int d = 10;
    SplittableRandom r = new SplittableRandom(5);
    double[] w = new double[d];
    double ww = 0;
    for (int j = 0; j < d; j++) {
      w[j] = r.nextDouble(-1, 1);
      ww += w[j] * w[j];
    }
    double b = 0.2;
    double wn = Math.sqrt(ww);
    FunctionModel lin = new FunctionModel("linear", d, 2, x -> {
      double[][] p = new double[x.length][2];
      for (int i = 0; i < x.length; i++) {
        double z = b;
        for (int j = 0; j < d; j++) {
          z += w[j] * x[i][j];
        }
        p[i][z >= 0 ? 1 : 0] = 1; // decisions only
      }
      return p;
    });
    int n = 20;
    double[][] x0 = new double[n][d];
    double[] closed = new double[n];
    for (int i = 0; i < n; i++) {
      double z = b;
      for (int j = 0; j < d; j++) {
        x0[i][j] = GradientAttack.gaussian(r);
        z += w[j] * x0[i][j];
      }
      closed[i] = Math.abs(z) / wn;
    }
    InputSpace space = InputSpace.box(d, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    Attacker a = Attacker.of(lin, space, new DecisionRule(1, 0.5), CLASSES);
    int[] clean = new DecisionRule(1, 0.5).decide(lin.predict(x0));
    double[] eps = new double[n];
    java.util.Arrays.fill(eps, 4.0); // every row's closed-form distance is below it (asserted below)
    AttackResult res = a.attack(AttackSpec.hsj(Norm.L2, 1000), x0, clean, eps, 3);
    double worst = 0;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      assertTrue(closed[i] < 4.0 && res.success()[i], "row " + i);
      double ratio = res.norms()[i] / closed[i];
      assertTrue(ratio >= 1 - 1e-9, "no flip can be closer than the closed form: row " + i + " ratio " + ratio);
      worst = Math.max(worst, ratio);
      sum += ratio;
    }
    System.out.printf("hsj-l2 1000 queries on a linear model: norm / closed form mean %.4f, worst %.4f, %d queries per row%n",
        sum / n, worst, (res.queries() - n) / n);
    assertTrue(worst <= 1.05, "worst ratio " + worst);
  }

  private static double value(CheckResult r, String metric, Subject subject) {
    return r.measurements().stream().filter(m -> m.metric().equals(metric) && m.subject().equals(subject)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + "[" + subject + "]")).value();
  }
}

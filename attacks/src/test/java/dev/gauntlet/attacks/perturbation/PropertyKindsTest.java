package dev.gauntlet.attacks.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.FunctionModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each property kind against models whose behaviour under the perturbation is known in closed form. */
class PropertyKindsTest {
  private final Table data = TestData.table(600);

  @Test
  void invarianceHoldsWhenTheModelIgnoresThePerturbedFeatures() {
    FunctionModel model = TestData.linear(TestData.weights(TestData.AGE, 5, TestData.GROUP_B, 100), -2);
    PerturbationResult r = PropertyAssert.given(model, data).run(Property.invariance(Perturbation.noise(3.0)).withCases(2000));
    assertEquals(0, r.failures());
    assertEquals(2000, r.changed());
    Measurement m = measurement(r, "failure_rate");
    assertEquals(0, m.value());
    assertEquals(0, m.lower(), 1e-12);
    // Wilson upper bound for 0 of 2000 at 95%: z^2 / (n + z^2) = 3.8415 / 2003.8415 (closed form)
    assertEquals(3.841459 / 2003.841459, m.upper(), 1e-6);
    assertTrue(r.counterexamples().isEmpty());
  }

  @Test
  void counterfactualFailureRateMatchesTheShareOfRowsTheGroupDecides() {
    // z = 2 x1 + group_b - 0.5: the group flips the decision exactly when 2 x1 - 0.5 < 0 <= 2 x1 + 0.5,
    // i.e. x1 in [-0.25, 0.25). Cases draw rows uniformly, so the true failure rate is that share.
    FunctionModel model = TestData.linear(TestData.weights(TestData.X1, 200, TestData.GROUP_B, 100), -0.5);
    double[][] x = new Encoder(data.schema()).encode(data);
    long inBand = java.util.Arrays.stream(x).filter(r -> r[TestData.X1] >= -0.25 && r[TestData.X1] < 0.25).count();
    double truth = (double) inBand / x.length;
    PerturbationResult r = PropertyAssert.given(model, data).seed(8).run(Property.counterfactual("group").withCases(4000));
    Measurement m = measurement(r, "failure_rate");
    assertTrue(m.lower() <= truth && truth <= m.upper(), "true rate " + truth + " inside [" + m.lower() + ", " + m.upper() + "]");
    assertTrue(r.failures() > 0);
    List<Measurement> byGroup = r.measurements().stream().filter(q -> q.metric().equals("failure_rate_from")).toList();
    assertEquals(List.of("group=a", "group=b"), byGroup.stream().map(q -> q.subject().toString()).sorted().toList());
    assertEquals(4000, byGroup.stream().mapToLong(Measurement::n).sum());
    for (Counterexample c : r.counterexamples()) {
      assertEquals(List.of("group"), c.changes().stream().map(Counterexample.Change::feature).toList());
      assertTrue(c.failure().contains("when group"), c.failure());
    }
  }

  @Test
  void toleranceBoundsTheScoreChangeAndShrinksToTheEdge() {
    // P(yes) = sigmoid(x4); uniform noise of at most 0.5 sd moves it by at most 0.25 * 0.5 * sd(x4).
    FunctionModel model = TestData.linear(TestData.weights(TestData.X4, 100), 0);
    Perturbation noise = new Perturbation.Noise(Perturbation.Distribution.UNIFORM, 0.5, List.of("x4"), 1.0);
    double sd = sd(TestData.X4);
    PerturbationResult loose = PropertyAssert.given(model, data).run(Property.tolerance(0.125 * sd + 1e-9, noise).withCases(3000));
    assertEquals(0, loose.failures(), "the slope of a sigmoid is at most 1/4");
    double t = 0.05;
    PerturbationResult tight = PropertyAssert.given(model, data).run(Property.tolerance(t, noise).withCases(3000));
    assertTrue(tight.failures() > 0);
    for (Counterexample c : tight.counterexamples()) {
      double change = Math.abs(c.scoreAfter() - c.scoreBefore());
      assertTrue(change > t);
      assertEquals(t, change, 1e-6, "shrunk to just over the tolerance: " + c.describe());
    }
  }

  @Test
  void directionalPassesForAMonotoneModelAndCatchesANonMonotoneOne() {
    FunctionModel monotone = TestData.linear(TestData.weights(TestData.X1, 150, TestData.X2, -70), 0);
    Property up = Property.directional(Property.Direction.UP, Perturbation.monotone(1.0)).withCases(2000);
    assertEquals(0, PropertyAssert.given(monotone, data).run(up).failures());

    // score = sigmoid(-(x1 - 0.5)^2): falls as x1 grows beyond 0.5, although x1 is declared increasing.
    FunctionModel bump = new FunctionModel("bump", TestData.WIDTH, 2, xs -> {
      double[][] p = new double[xs.length][2];
      for (int i = 0; i < xs.length; i++) {
        double z = -(xs[i][TestData.X1] - 0.5) * (xs[i][TestData.X1] - 0.5);
        p[i][1] = 1 / (1 + Math.exp(-z));
        p[i][0] = 1 - p[i][1];
      }
      return p;
    });
    PerturbationResult r = PropertyAssert.given(bump, data).run(up);
    assertTrue(r.failures() > 0);
    Counterexample c = r.counterexamples().get(0);
    assertTrue(c.scoreAfter() < c.scoreBefore());
    assertEquals(List.of("x1"), c.changes().stream().map(Counterexample.Change::feature).toList(), c.describe());
    assertTrue(c.after()[TestData.X1] > c.before()[TestData.X1]);
    assertTrue(c.before()[TestData.X1] >= 0.5 - 1e-9, "only rows right of the peak can fall: " + c.before()[TestData.X1]);
  }

  @Test
  void aPerturbationThatNeverChangesTheInputIsInconclusiveNotAPass() {
    // A missing value imputed to the mode of a feature that is constant at its mode changes nothing.
    FunctionModel model = TestData.linear(TestData.weights(TestData.X1, 100), 0);
    Table constant = TestData.table(50).select(java.util.stream.IntStream.range(0, 50)
        .filter(i -> TestData.table(50).categorical("region").codes()[i] == 0).toArray());
    PerturbationResult r = PropertyAssert.given(model, constant)
        .run(Property.invariance(new Perturbation.MissingValue(List.of("region"), 1.0)).withCases(100));
    assertEquals(0, r.changed());
    Measurement m = measurement(r, "failure_rate");
    assertFalse(m.inconclusive() == null, "must be inconclusive");
    assertTrue(m.inconclusive().startsWith("nothing could be perturbed"), m.inconclusive());
    assertFalse(measurement(r, "max_abs_score_change").inconclusive() == null, "no score change proves nothing either");
  }

  private static Measurement measurement(PerturbationResult r, String metric) {
    return r.measurements().stream().filter(m -> m.metric().equals(metric)).findFirst().orElseThrow();
  }

  private double sd(int d) {
    return TestData.sd(new Encoder(data.schema()).encode(data), d);
  }
}

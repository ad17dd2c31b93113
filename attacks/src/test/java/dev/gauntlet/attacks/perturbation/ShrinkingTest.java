package dev.gauntlet.attacks.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.FunctionModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Shrinking against models whose flipping boundary is known in closed form: a linear rule
 * {@code w . x + b >= 0}. Along one feature j the smallest change that flips a row is
 * {@code |w . x + b| / |w_j|}; the tests compute it from the weights, not from the engine.
 */
class ShrinkingTest {
  /** Stated tolerance on the shrunk change, in feature units (the features have spread about 1). */
  static final double TOL = 1e-5;

  private final Table data = TestData.table(400);

  @Test
  void onlyTheFeatureThatMattersIsChangedAndByTheMinimalAmount() {
    double[] w = TestData.weights(TestData.X1, 150);
    double b = 0.2;
    FunctionModel model = TestData.linear(w, b);
    Property p = Property.invariance(Perturbation.noise(1.0)).withCases(400).withShrinking(5, 300);
    PerturbationResult r = PropertyAssert.given(model, data).seed(11).run(p);
    assertTrue(r.failures() > 5, "noise of 1 sd should flip some rows, flipped " + r.failures());
    assertTrue(r.counterexamples().size() >= 3, "several distinct counterexamples: " + r.counterexamples().size());
    assertEquals(r.counterexamples().size(), r.counterexamples().stream().map(c -> c.row() + c.changes()).distinct().count(),
        "cases that shrink to the same minimal case are shown once");
    for (Counterexample c : r.counterexamples()) {
      assertTrue(c.shrinkSteps() < 300, "shrinking converged within the budget of 300 model calls");
      assertEquals(List.of("x1"), c.changes().stream().map(Counterexample.Change::feature).toList(), c.describe());
      for (int d = 0; d < TestData.WIDTH; d++) {
        if (d != TestData.X1) {
          assertEquals(c.before()[d], c.after()[d], "dimension " + d + " must not change");
        }
      }
      double m = TestData.margin(w, b, c.before());
      double minimal = Math.abs(m) / Math.abs(w[TestData.X1]);
      double delta = c.after()[TestData.X1] - c.before()[TestData.X1];
      assertEquals(-Math.signum(m), Math.signum(delta), "the change moves toward the boundary");
      assertTrue(Math.abs(delta) >= minimal, "a smaller change cannot flip: " + Math.abs(delta) + " < " + minimal);
      assertEquals(minimal, Math.abs(delta), TOL, c.describe());
      assertNotEquals(c.decisionBefore(), c.decisionAfter());
      assertEquals("decision " + c.decisionBefore() + " -> " + c.decisionAfter(), c.failure(), "the failure keeps its identity");
    }
  }

  @Test
  void twoRelevantFeaturesShrinkOntoTheBoundaryAndLeaveTheOthersAlone() {
    double[] w = TestData.weights(TestData.X1, 100, TestData.X2, -200);
    double b = -0.1;
    FunctionModel model = TestData.linear(w, b);
    Property p = Property.invariance(Perturbation.noise(0.8)).withCases(300).withShrinking(5, 300);
    PerturbationResult r = PropertyAssert.given(model, data).seed(5).run(p);
    assertFalse(r.counterexamples().isEmpty());
    for (Counterexample c : r.counterexamples()) {
      assertEquals(c.before()[TestData.X3], c.after()[TestData.X3]);
      assertEquals(c.before()[TestData.X4], c.after()[TestData.X4]);
      double mb = TestData.margin(w, b, c.before());
      double ma = TestData.margin(w, b, c.after());
      assertTrue(Math.signum(mb) != Math.signum(ma) || (mb >= 0) != (ma >= 0), "the shrunk case still flips");
      // Minimal in every changed feature: the perturbed row sits on the boundary (within TOL * |w_j|).
      assertEquals(0, ma, TOL * 2, c.describe());
      if (c.changes().size() == 1) {
        int j = c.changes().get(0).feature().equals("x1") ? TestData.X1 : TestData.X2;
        assertEquals(Math.abs(mb) / Math.abs(w[j]), Math.abs(c.after()[j] - c.before()[j]), TOL, c.describe());
      }
    }
    assertTrue(r.counterexamples().stream().anyMatch(c -> c.changes().size() == 1), "most shrink to a single feature");
  }

  @Test
  void aFailureOnEveryRowShrinksToTheMostTypicalRow() {
    // Decision = group: swapping the group flips every row, so the shrinker may pick any row and must
    // pick the most typical one (closest to the per-feature medians and modes).
    double[] w = TestData.weights(TestData.GROUP_B, 100);
    FunctionModel model = TestData.linear(w, -0.5);
    PerturbationResult r = PropertyAssert.given(model, data).seed(3).run(Property.counterfactual("group").withCases(50));
    assertEquals(50, r.failures());
    int expected = mostTypicalRowWithGroup(r.counterexamples().get(0).before()[TestData.GROUP_B] == 1 ? 1 : 0);
    Counterexample c = r.counterexamples().get(0);
    assertEquals("r" + expected, c.row(), c.describe());
    assertEquals(List.of("group"), c.changes().stream().map(Counterexample.Change::feature).toList());
  }

  /** Independent typicality: squared z-distance to the medians of x1..x4 and age, plus 1 per non-modal category. */
  private int mostTypicalRowWithGroup(int groupB) {
    double[][] x = new dev.gauntlet.harness.data.Encoder(data.schema()).encode(data);
    int n = x.length;
    double[] med = new double[5];
    double[] sd = new double[5];
    for (int d = 0; d < 5; d++) {
      double[] col = new double[n];
      for (int i = 0; i < n; i++) {
        col[i] = x[i][d];
      }
      sd[d] = TestData.sd(x, d);
      java.util.Arrays.sort(col);
      med[d] = (col[n / 2 - 1] + col[n / 2]) / 2;
    }
    int[] groupCount = new int[2];
    int[] regionCount = new int[3];
    for (double[] row : x) {
      groupCount[row[5] == 1 ? 0 : 1]++;
      regionCount[row[7] == 1 ? 0 : row[8] == 1 ? 1 : 2]++;
    }
    int groupMode = groupCount[0] >= groupCount[1] ? 0 : 1;
    int regionMode = 0;
    for (int k = 1; k < 3; k++) {
      if (regionCount[k] > regionCount[regionMode]) {
        regionMode = k;
      }
    }
    int best = -1;
    double bestD = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double dist = 0;
      for (int d = 0; d < 5; d++) {
        double z = (x[i][d] - med[d]) / sd[d];
        dist += z * z;
      }
      int g = x[i][5] == 1 ? 0 : 1;
      int reg = x[i][7] == 1 ? 0 : x[i][8] == 1 ? 1 : 2;
      dist += (g != groupMode ? 1 : 0) + (reg != regionMode ? 1 : 0);
      if (g == groupB && dist < bestD) {
        bestD = dist;
        best = i;
      }
    }
    return best;
  }
}

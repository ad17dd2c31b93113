package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Closed forms for attacks on a linear regression f(x) = w.x + b in an unconstrained box: the
 * largest move of the prediction within the L-inf ball of radius eps is eps * ||w||_1, reached at
 * x + eps * sign(w) (Hoelder: |w.d| <= ||w||_1 ||d||_inf), and within the L2 ball eps * ||w||_2 at
 * x + eps * w / ||w||_2; so the smallest radius that moves it by tau is tau / ||w||_1 (L-inf) or
 * tau / ||w||_2 (L2). FGSM must reach both exactly, the binary search must find the radius to
 * within its resolution.
 */
class ShiftClosedFormTest {
  private static final double[] W = {1.2, -0.8, 0.5, 2.0};
  private static final double B = -0.3;
  private static final LinearRegressor MODEL = new LinearRegressor(W, B);
  private static final InputSpace BOX = InputSpace.box(W.length, -100, 100);

  private static double[][] rows(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[n][W.length];
    for (double[] row : x) {
      for (int j = 0; j < W.length; j++) {
        row[j] = r.nextDouble(-1.5, 1.5);
      }
    }
    return x;
  }

  private static double[] fill(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  @Test
  void fgsmMovesTheLinearPredictionByEpsTimesTheDualNormOfW() {
    double[][] x = rows(20, 3);
    double eps = 0.1;
    double l1 = 1.2 + 0.8 + 0.5 + 2.0;
    double l2 = Math.sqrt(1.44 + 0.64 + 0.25 + 4.0);
    ShiftAttack.Outcome linf = ShiftAttack.run(MODEL, BOX, AttackSpec.fgsm(Norm.LINF), ShiftObjective.SHIFT, x, null, fill(20, eps), 1);
    ShiftAttack.Outcome l2o = ShiftAttack.run(MODEL, BOX, AttackSpec.fgsm(Norm.L2), ShiftObjective.SHIFT, x, null, fill(20, eps), 1);
    for (int i = 0; i < x.length; i++) {
      assertEquals(eps * l1, linf.shift(i), 1e-9, "L-inf row " + i);
      assertEquals(eps * l2, l2o.shift(i), 1e-9, "L2 row " + i);
      double s = Math.signum(linf.after()[i] - linf.before()[i]);
      for (int j = 0; j < W.length; j++) {
        assertEquals(x[i][j] + s * eps * Math.signum(W[j]), linf.adversarial()[i][j], 1e-12, "the corner along sign(w), row " + i + " dim " + j);
      }
    }
  }

  @Test
  void fgsmOnTheErrorMovesAwayFromTheLabel() {
    double[][] x = rows(20, 4);
    double[] y = new double[20];
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < y.length; i++) {
      y[i] = MODEL.value(x[i]) + r.nextDouble(-1, 1);
    }
    double eps = 0.05;
    ShiftAttack.Outcome o = ShiftAttack.run(MODEL, BOX, AttackSpec.fgsm(Norm.LINF), ShiftObjective.ERROR, x, y, fill(20, eps), 1);
    for (int i = 0; i < x.length; i++) {
      double clean = Math.abs(MODEL.value(x[i]) - y[i]);
      assertEquals(clean + eps * MODEL.l1(), Math.abs(o.after()[i] - y[i]), 1e-9, "row " + i);
    }
  }

  @Test
  void theMinimalShiftingEpsilonIsTauOverTheDualNormOfW() {
    double[][] x = rows(20, 5);
    int n = x.length;
    double tau = 0.5;
    for (Norm norm : Norm.values()) {
      double truth = tau / (norm == Norm.LINF ? MODEL.l1() : MODEL.l2());
      ShiftAttack.Outcome above = ShiftAttack.run(MODEL, BOX, AttackSpec.fgsm(norm), ShiftObjective.SHIFT, x, null, fill(n, 1.001 * truth), 1);
      ShiftAttack.Outcome below = ShiftAttack.run(MODEL, BOX, AttackSpec.fgsm(norm), ShiftObjective.SHIFT, x, null, fill(n, 0.999 * truth), 1);
      ShiftAttack.Outcome pgdBelow = ShiftAttack.run(MODEL, BOX, AttackSpec.pgd(norm, 20, 2), ShiftObjective.SHIFT, x, null, fill(n, 0.999 * truth), 1);
      for (int i = 0; i < n; i++) {
        assertTrue(above.shift(i) >= tau, norm + " row " + i + ": 1.001 x tau/||w|| must move the prediction by tau, moved " + above.shift(i));
        assertTrue(below.shift(i) < tau, norm + " row " + i + ": 0.999 x tau/||w|| cannot move it by tau, moved " + below.shift(i));
        assertTrue(pgdBelow.shift(i) < tau, norm + " row " + i + ": no attack can, pgd moved " + pgdBelow.shift(i));
      }
      double maxEps = 1;
      int steps = 12;
      double resolution = maxEps / (1 << steps);
      double[] found = MinShiftCheck.search(MODEL, BOX, AttackSpec.fgsm(norm), x, tau, maxEps, steps, 7, m -> { });
      for (int i = 0; i < n; i++) {
        assertTrue(found[i] >= truth - 1e-12 && found[i] <= truth + resolution, norm + " row " + i + ": " + found[i] + " vs " + truth);
      }
    }
  }

  @Test
  void blackBoxCoordinateSearchReachesTheLInfCornerOfALinearModel() {
    double[][] x = rows(10, 6);
    double eps = 0.1;
    // the L-inf optimum is a corner; coordinate search at +-eps per dimension reaches it in one pass (2 queries per dimension)
    ShiftAttack.Outcome o = ShiftAttack.run(MODEL, BOX, AttackSpec.simba(Norm.LINF, 100), ShiftObjective.SHIFT, x, null, fill(10, eps), 2);
    ShiftAttack.Outcome noise = ShiftAttack.run(MODEL, BOX, AttackSpec.noise(Norm.LINF, 100), ShiftObjective.SHIFT, x, null, fill(10, eps), 2);
    for (int i = 0; i < x.length; i++) {
      assertEquals(eps * MODEL.l1(), o.shift(i), 1e-9, "row " + i);
      assertTrue(noise.shift(i) < eps * MODEL.l1(), "noise never beats the optimum");
    }
    assertTrue(o.queries() <= 10 + 10 * (2L * W.length * 2) + 10, "queries " + o.queries());
  }
}

package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.models.Dl4jModel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Square Attack under L2 on logistic regressions, where the smallest L2 perturbation that flips a
 * row has the closed form {@code |w x + b| / |w|} (the distance to the hyperplane; the ranges here
 * are far away and never bind). Expected: every row whose distance is at most half of eps is
 * broken within the budget (random search on a linear score needs only to align the perturbation
 * half-way with w); no row whose distance exceeds eps is ever broken (impossible inside the ball);
 * and every point the attack returns is within eps of its row. Both geometries run: an 8 x 8 image
 * (square windows) and a 6-feature row (segments).
 */
class SquareL2Test {

  private static void check(int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] w = new double[d];
    double sq = 0;
    for (int j = 0; j < d; j++) {
      w[j] = r.nextDouble(-1, 1);
      sq += w[j] * w[j];
    }
    double wn = Math.sqrt(sq);
    double b = 0.1;
    Dl4jModel model = Dl4jModel.of(Nets.logistic(w, b), "logreg-" + d);
    Attacker attacker = Attacker.of(model, InputSpace.box(d, -100, 100), new DecisionRule(1, 0.5), List.of("neg", "pos"));
    int n = 60;
    double eps = 1.0;
    double[][] x = new double[n][d];
    int[] ref = new int[n];
    double[] dist = new double[n];
    for (int i = 0; i < n; i++) {
      double z = b;
      for (int j = 0; j < d; j++) {
        x[i][j] = r.nextDouble(-Math.sqrt(3), Math.sqrt(3)); // unit variance: the distance to the hyperplane is |N(0, 1)|
        z += w[j] * x[i][j];
      }
      ref[i] = z > 0 ? 1 : 0; // the clean decision
      dist[i] = Math.abs(z) / wn;
    }
    double[] e = new double[n];
    java.util.Arrays.fill(e, eps);
    int budget = 500;
    AttackResult res = attacker.attack(AttackSpec.square(Norm.L2, budget), x, ref, e, 3);
    int near = 0;
    int far = 0;
    for (int i = 0; i < n; i++) {
      double moved = Norm.L2.distance(res.adversarial()[i], x[i]);
      assertTrue(moved <= eps * (1 + 1e-9), "row " + i + " moved " + moved + " > eps " + eps);
      if (dist[i] <= eps / 2) {
        near++;
        assertTrue(res.success()[i], "d=" + d + " row " + i + " at distance " + dist[i] + " <= eps / 2 is broken within " + budget + " queries");
      }
      if (dist[i] > eps) {
        far++;
        assertFalse(res.success()[i], "d=" + d + " row " + i + " at distance " + dist[i] + " > eps cannot be broken");
      }
    }
    assertTrue(near >= 10 && far >= 5, "the fixture has rows on both sides (near " + near + ", far " + far + ")");
    assertTrue(res.queries() <= (long) n * (budget + 1), "at most the budget per row plus the confirming call: " + res.queries());
  }

  @Test
  void breaksEveryRowWithinHalfEpsAndNoneBeyondEpsOnAnImage() {
    check(64, 1);
  }

  @Test
  void breaksEveryRowWithinHalfEpsAndNoneBeyondEpsOnARow() {
    check(6, 2);
  }

  @Test
  void thePatternIsTheReferenceCodesUnitNormBump() {
    // pseudo_gaussian_pert_rectangles(3, 3) before normalising: centre 1 + 1/4, the ring 1/4
    double[][] v = SquareL2.bump(3, 3);
    double norm = Math.sqrt(1.25 * 1.25 + 8 * 0.25 * 0.25);
    assertEquals(1.25 / norm, v[1][1], 1e-12);
    assertEquals(0.25 / norm, v[0][0], 1e-12);
    assertEquals(0.25 / norm, v[2][1], 1e-12);
    double[][] m = SquareL2.meta(5, 5, new SplittableRandom(0));
    double s = 0;
    double sum = 0;
    for (double[] row : m) {
      for (double q : row) {
        s += q * q;
        sum += q;
      }
    }
    assertEquals(1, s, 1e-12, "unit norm");
    assertTrue(Math.abs(sum) < 0.5, "two halves of opposite sign: " + sum);
  }
}

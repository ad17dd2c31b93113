package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.models.Dl4jModel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * For a linear classifier the minimal flipping perturbation has a closed form: the distance from x
 * to the hyperplane w.x + b = 0, which is |w.x + b| / ||w||_2 under L2 and |w.x + b| / ||w||_1 under
 * L-infinity (the dual norm). The binary search with PGD must find it to within its resolution.
 */
class MinFlipClosedFormTest {
  private static final double[] W = {1.2, -0.8, 0.5, 2.0};
  private static final double B = -0.3;

  @Test
  void binarySearchFindsTheDistanceToTheDecisionBoundary() {
    Dl4jModel model = Dl4jModel.of(Nets.logistic(W, B), "logreg");
    Attacker attacker = Attacker.of(model, InputSpace.box(W.length, -100, 100), new DecisionRule(1, 0.5), List.of("neg", "pos"));
    SplittableRandom r = new SplittableRandom(8);
    int n = 20;
    double[][] x = new double[n][W.length];
    for (double[] row : x) {
      for (int j = 0; j < W.length; j++) {
        row[j] = r.nextDouble(-1.5, 1.5);
      }
    }
    int[] clean = new DecisionRule(1, 0.5).decide(model.predict(x));
    double l1 = 0;
    double l2 = 0;
    for (double w : W) {
      l1 += Math.abs(w);
      l2 += w * w;
    }
    l2 = Math.sqrt(l2);
    double maxEps = 4;
    int steps = 10;
    double resolution = maxEps / (1 << steps);
    // BIM follows the gradient (here constant, along w) from x exactly, so it is exact up to the
    // search resolution; PGD's random start leaves a component off w that 20 steps only shrink, so
    // its radius may be up to 5% above the truth, never below.
    for (AttackSpec spec : new AttackSpec[] {AttackSpec.bim(Norm.LINF, 8), AttackSpec.bim(Norm.L2, 8),
        AttackSpec.pgd(Norm.LINF, 10, 1), AttackSpec.pgd(Norm.L2, 10, 1)}) {
      Norm norm = spec.norm();
      double tol = spec.kind() == AttackKind.BIM ? 2 * resolution + 1e-6 : 0.05;
      MinFlipCheck.Search s = MinFlipCheck.search(attacker, spec, x, clean, maxEps, steps, 5, m -> { });
      for (int i = 0; i < n; i++) {
        double z = B;
        for (int j = 0; j < W.length; j++) {
          z += W[j] * x[i][j];
        }
        double truth = Math.abs(z) / (norm == Norm.L2 ? l2 : l1);
        if (truth < maxEps) {
          assertTrue(s.minEps()[i] >= truth - 1e-9, spec.describe() + " row " + i + ": no flip can exist below " + truth + ", found " + s.minEps()[i]);
          assertEquals(truth, s.minEps()[i], spec.kind() == AttackKind.BIM ? tol : tol * truth + 2 * resolution, spec.describe() + " row " + i);
        } else {
          assertEquals(Double.POSITIVE_INFINITY, s.minEps()[i], norm + " row " + i + " cannot flip within maxEps");
        }
      }
    }
  }

  @Test
  void quantileUsesTheLowerMedianAndKeepsInfinity() {
    assertEquals(2.0, MinFlipCheck.quantile(new double[] {3, 1, 2, 4}, 0.5));
    assertEquals(Double.POSITIVE_INFINITY, MinFlipCheck.quantile(new double[] {1, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, 0.5));
    assertEquals(1.0, MinFlipCheck.quantile(new double[] {5, 1, 9, 7, 3, 2, 8, 6, 4, 10}, 0.1));
  }
}

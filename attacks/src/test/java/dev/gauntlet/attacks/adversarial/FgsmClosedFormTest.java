package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gauntlet.models.Dl4jModel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * FGSM on a logistic regression has a closed form: the input gradient of the cross-entropy is
 * {@code (p - y) w}, so the step is {@code eps * sign(w (p - y))} per feature (untargeted), or
 * {@code -eps * sign(w (p - t))} towards a target {@code t}. The expected points below are computed
 * by hand from the weights, independently of the attack code.
 */
class FgsmClosedFormTest {
  private static final double[] W = {1.5, -2.0, 0.0, 0.7, -0.3};
  private static final double B = 0.2;

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double[] expected(double[] x, int y, double eps, boolean targeted) {
    double z = B;
    for (int j = 0; j < W.length; j++) {
      z += W[j] * x[j];
    }
    double p = sigmoid(z);
    double[] out = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      double s = Math.signum(W[j] * (p - y));
      out[j] = x[j] + (targeted ? -eps : eps) * s;
    }
    return out;
  }

  @Test
  void untargetedAndTargetedFgsmMatchTheClosedFormInBothNorms() {
    Dl4jModel model = Dl4jModel.of(Nets.logistic(W, B), "logreg");
    InputSpace space = InputSpace.box(W.length, -100, 100);
    Attacker attacker = Attacker.of(model, space, new DecisionRule(1, 0.5), List.of("neg", "pos"));
    SplittableRandom rnd = new SplittableRandom(42);
    int n = 40;
    double[][] x = new double[n][W.length];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < W.length; j++) {
        x[i][j] = rnd.nextDouble(-2, 2);
      }
      y[i] = rnd.nextInt(2);
    }
    double eps = 0.25;
    double[] e = new double[n];
    java.util.Arrays.fill(e, eps);
    AttackResult un = attacker.attack(AttackSpec.fgsm(Norm.LINF), x, y, e, 1);
    AttackResult tg = attacker.attack(AttackSpec.fgsm(Norm.LINF).targeting("pos"), x, y, e, 1);
    AttackResult l2 = attacker.attack(AttackSpec.fgsm(Norm.L2), x, y, e, 1);
    double wn = Math.sqrt(1.5 * 1.5 + 2.0 * 2.0 + 0.7 * 0.7 + 0.3 * 0.3);
    for (int i = 0; i < n; i++) {
      double[] ex = expected(x[i], y[i], eps, false);
      for (int j = 0; j < W.length; j++) {
        assertEquals(ex[j], un.adversarial()[i][j], 1e-12, "untargeted row " + i + " feature " + j);
      }
      if (y[i] == 0) {
        double[] et = expected(x[i], 1, eps, true);
        for (int j = 0; j < W.length; j++) {
          assertEquals(et[j], tg.adversarial()[i][j], 1e-12, "targeted row " + i + " feature " + j);
        }
      } else {
        assertEquals(false, tg.attacked()[i], "a row already in the target class is not attacked");
      }
      // L2 FGSM moves eps along (p - y) w / ||(p - y) w||, i.e. along sign(p - y) * w / ||w||.
      double z = B;
      for (int j = 0; j < W.length; j++) {
        z += W[j] * x[i][j];
      }
      double s = Math.signum(sigmoid(z) - y[i]);
      for (int j = 0; j < W.length; j++) {
        assertEquals(x[i][j] + eps * s * W[j] / wn, l2.adversarial()[i][j], 1e-9, "l2 row " + i + " feature " + j);
      }
    }
  }

  @Test
  void theGenericDl4jGradientPathGivesTheSameFgsm() {
    // The same regression as a two-class softmax: W2 = [0, w], b2 = [0, b] has p(pos) = sigmoid(w.x + b).
    org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = Nets.mlp(3, org.nd4j.linalg.api.buffer.DataType.DOUBLE, W.length, 2,
        org.nd4j.linalg.activations.Activation.IDENTITY);
    double[] w2 = new double[W.length * 2];
    for (int j = 0; j < W.length; j++) {
      w2[j * 2 + 1] = W[j];
    }
    net.getLayer(0).setParam("W", org.nd4j.linalg.factory.Nd4j.create(w2, new long[] {W.length, 2}, 'c'));
    net.getLayer(0).setParam("b", org.nd4j.linalg.factory.Nd4j.create(new double[] {0, B}, new long[] {1, 2}, 'c'));
    Dl4jModel model = Dl4jModel.of(net, "softmax-logreg");
    double[][] x = {{0.5, -1, 2, 0.1, 0.3}, {-1, 1, 0, -0.5, 2}};
    int[] y = {0, 1};
    double[][] fast = Attacker.of(model, InputSpace.box(W.length, -100, 100), new DecisionRule(1, 0.5), List.of("neg", "pos"))
        .attack(AttackSpec.fgsm(Norm.LINF), x, y, new double[] {0.1, 0.1}, 1).adversarial();
    double[][] dl4j = model.gradients().orElseThrow().lossGradient(x, y);
    for (int i = 0; i < x.length; i++) {
      double[] ex = expected(x[i], y[i], 0.1, false);
      for (int j = 0; j < W.length; j++) {
        assertEquals(ex[j], fast[i][j], 1e-12);
        assertEquals(Math.signum(ex[j] - x[i][j]), Math.signum(dl4j[i][j]), "DL4J's own gradient has the closed-form sign");
      }
    }
  }
}

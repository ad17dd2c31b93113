package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Task;
import dev.gauntlet.models.Dl4jModel;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.junit.jupiter.api.Test;

/**
 * The regression attacks on a real DL4J regression network (one identity output unit, trained with
 * the squared or the absolute error), whose input gradient comes from DL4J's backpropagation through
 * {@code Gradients.lossGradient(x, targets)}: the closed forms of {@link ShiftClosedFormTest} must
 * hold for both losses (FGSM moves the prediction by eps ||w||_1 under L-inf; the minimal shifting
 * epsilon is tau / ||w||_1).
 */
class Dl4jShiftTest {
  private static final double[] W = {0.7, -1.3, 0.4, 2.1};
  private static final double B = 0.25;

  static MultiLayerNetwork linear(LossFunctions.LossFunction loss) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list()
        .layer(new OutputLayer.Builder(loss).nIn(W.length).nOut(1).activation(Activation.IDENTITY).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    net.getLayer(0).setParam("W", Nd4j.create(W, new long[] {W.length, 1}, DataType.DOUBLE));
    net.getLayer(0).setParam("b", Nd4j.create(new double[] {B}, new long[] {1, 1}, DataType.DOUBLE));
    return net;
  }

  @Test
  void fgsmAndTheMinimalShiftOnADl4jLinearRegressionMatchTheClosedForms() {
    double l1 = Arrays.stream(W).map(Math::abs).sum();
    SplittableRandom r = new SplittableRandom(2);
    int n = 16;
    double[][] x = new double[n][W.length];
    for (double[] row : x) {
      for (int j = 0; j < W.length; j++) {
        row[j] = r.nextDouble(-1, 1);
      }
    }
    InputSpace box = InputSpace.box(W.length, -50, 50);
    for (LossFunctions.LossFunction loss : new LossFunctions.LossFunction[] {LossFunctions.LossFunction.MSE, LossFunctions.LossFunction.L1}) {
      Dl4jModel m = Dl4jModel.of(linear(loss), "dl4j-linear-" + loss);
      assertEquals(Task.REGRESSION, m.task());
      assertTrue(m.can(Capability.LOSS_GRADIENT));
      double eps = 0.1;
      double[] e = new double[n];
      Arrays.fill(e, eps);
      ShiftAttack.Outcome up = ShiftAttack.run(m, box, AttackSpec.fgsm(Norm.LINF), ShiftObjective.SHIFT, x, null, e, 1);
      for (int i = 0; i < n; i++) {
        assertEquals(eps * l1, up.shift(i), 1e-9, loss + " row " + i);
        double s = Math.signum(up.after()[i] - up.before()[i]);
        for (int j = 0; j < W.length; j++) {
          assertEquals(x[i][j] + s * eps * Math.signum(W[j]), up.adversarial()[i][j], 1e-12, loss + " row " + i + " dim " + j);
        }
      }
      double tau = 0.4;
      double truth = tau / l1;
      Arrays.fill(e, 1.001 * truth);
      ShiftAttack.Outcome above = ShiftAttack.run(m, box, AttackSpec.fgsm(Norm.LINF), ShiftObjective.SHIFT, x, null, e, 1);
      Arrays.fill(e, 0.999 * truth);
      ShiftAttack.Outcome below = ShiftAttack.run(m, box, AttackSpec.pgd(Norm.LINF, 10, 1), ShiftObjective.SHIFT, x, null, e, 1);
      for (int i = 0; i < n; i++) {
        assertTrue(above.shift(i) >= tau, loss + " row " + i + ": " + above.shift(i));
        assertTrue(below.shift(i) < tau, loss + " row " + i + ": " + below.shift(i));
      }
    }
  }
}

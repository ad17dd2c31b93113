package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.models.Dl4jModel;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The input-gradient-only pass against two independent references: DL4J's own backpropagation
 * ({@code calculateGradients}, through {@code Dl4jModel.gradients()}) and central finite differences
 * of the summed cross-entropy computed from the model's probabilities.
 */
class DenseInputGradientsTest {

  private static double[][] rows(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[n][d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        row[j] = r.nextDouble(-2, 2);
      }
    }
    return x;
  }

  private static double loss(Dl4jModel m, double[] x, int y) {
    return -Math.log(m.predict(new double[][] {x})[0][y]);
  }

  private static void check(MultiLayerNetwork net, double tolDl4j, double tolFd) {
    Dl4jModel model = Dl4jModel.of(net, "mlp");
    DenseInputGradients dense = DenseInputGradients.of(model).orElseThrow();
    int d = (int) net.getLayer(0).getParam("W").rows();
    double[][] x = rows(7, d, 5);
    int[] y = {0, 1, 2, 1, 0, 2, 1};
    double[][] mine = dense.lossGradient(x, y);
    double[][] dl4j = model.gradients().orElseThrow().lossGradient(x, y);
    double h = 1e-5;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < d; j++) {
        assertEquals(dl4j[i][j], mine[i][j], tolDl4j * (1 + Math.abs(dl4j[i][j])), "vs DL4J, row " + i + " input " + j);
        double[] up = x[i].clone();
        double[] dn = x[i].clone();
        up[j] += h;
        dn[j] -= h;
        double fd = (loss(model, up, y[i]) - loss(model, dn, y[i])) / (2 * h);
        assertEquals(fd, mine[i][j], tolFd * (1 + Math.abs(fd)), "vs finite differences, row " + i + " input " + j);
      }
    }
    double[][] p = model.predict(x);
    double[][] q = dense.output(Nd4j.create(x).castTo(dense.dataType())).castTo(DataType.DOUBLE).toDoubleMatrix();
    for (int i = 0; i < x.length; i++) {
      for (int k = 0; k < 3; k++) {
        assertEquals(p[i][k], q[i][k], 1e-6, "probabilities agree");
      }
    }
  }

  @Test
  void reluTanhAndSigmoidNetworksMatchDl4jAndFiniteDifferences() {
    check(Nets.mlp(11, DataType.DOUBLE, 6, 3, Activation.RELU, 9, 5), 1e-9, 1e-5);
    check(Nets.mlp(12, DataType.DOUBLE, 6, 3, Activation.TANH, 8), 1e-9, 1e-5);
    check(Nets.mlp(13, DataType.DOUBLE, 6, 3, Activation.SIGMOID, 8, 4), 1e-9, 1e-5);
  }

  @Test
  void floatNetworksMatchDl4jToFloatPrecision() {
    MultiLayerNetwork net = Nets.mlp(14, DataType.FLOAT, 6, 3, Activation.RELU, 16, 8);
    Dl4jModel model = Dl4jModel.of(net, "mlp32");
    DenseInputGradients dense = DenseInputGradients.of(model).orElseThrow();
    double[][] x = rows(20, 6, 9);
    int[] y = new int[20];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 3;
    }
    double[][] mine = dense.lossGradient(x, y);
    double[][] dl4j = model.gradients().orElseThrow().lossGradient(x, y);
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < 6; j++) {
        assertEquals(dl4j[i][j], mine[i][j], 1e-5 * (1 + Math.abs(dl4j[i][j])));
      }
    }
    // Reusing the buffers for a second batch of another size must not mix results.
    double[][] again = dense.lossGradient(java.util.Arrays.copyOf(x, 3), java.util.Arrays.copyOf(y, 3));
    for (int i = 0; i < 3; i++) {
      assertEquals(mine[i][0], again[i][0], 1e-7);
    }
  }

  @Test
  void unsupportedNetworksFallBackToTheModelsOwnGradients() {
    MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.ELU).build())
        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT)
            .nIn(3).nOut(2).activation(Activation.SOFTMAX).build())
        .build());
    net.init();
    assertTrue(DenseInputGradients.of(net).isEmpty(), "ELU is not supported by the dense pass");
    Dl4jModel model = Dl4jModel.of(net, "elu");
    double[][] x = rows(3, 4, 1);
    double[][] adv = Attacker.of(model, InputSpace.box(4, -10, 10), new DecisionRule(1, 0.5), java.util.List.of("a", "b"))
        .attack(AttackSpec.fgsm(Norm.LINF), x, new int[] {0, 1, 0}, new double[] {0.1, 0.1, 0.1}, 1).adversarial();
    double[][] g = model.gradients().orElseThrow().lossGradient(x, new int[] {0, 1, 0});
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        assertEquals(x[i][j] + 0.1 * Math.signum(g[i][j]), adv[i][j], 1e-12);
      }
    }
  }

  /**
   * A batch that shrinks and grows again (an attack's rows leaving it, then a new attack): the pass
   * keeps buffers for its last batch size, and every size gives DL4J's gradients and probabilities
   * for its rows.
   */
  @Test
  void batchesOfChangingSizeReuseTheBuffersCorrectly() {
    Dl4jModel model = Dl4jModel.of(Nets.mlp(3, DataType.DOUBLE, 5, 3, Activation.RELU, 6, 4), "mlp");
    DenseInputGradients dense = DenseInputGradients.of(model).orElseThrow();
    for (int n : new int[] {9, 4, 1, 9, 12, 2}) {
      double[][] x = rows(n, 5, 40 + n);
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = i % 3;
      }
      double[][] mine = dense.lossGradient(x, y);
      double[][] dl4j = model.gradients().orElseThrow().lossGradient(x, y);
      double[][] p = model.predict(x);
      double[][] q = dense.lastOutput().castTo(DataType.DOUBLE).toDoubleMatrix();
      assertEquals(n, mine.length, "rows of the gradient at batch " + n);
      assertEquals(n, q.length, "rows of the probabilities at batch " + n);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < 5; j++) {
          assertEquals(dl4j[i][j], mine[i][j], 1e-9 * (1 + Math.abs(dl4j[i][j])), "batch " + n + ", row " + i + " input " + j);
        }
        for (int k = 0; k < 3; k++) {
          assertEquals(p[i][k], q[i][k], 1e-9, "batch " + n + ", probabilities of row " + i);
        }
      }
    }
  }
}

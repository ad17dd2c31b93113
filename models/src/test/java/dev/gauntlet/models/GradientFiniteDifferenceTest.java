package dev.gauntlet.models;

import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.ModelUnderTest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Every gradient-capable adapter against central finite differences of the summed cross-entropy
 * {@code sum_i -ln p_i[y_i]}, computed here from the model's own probabilities, in double precision.
 */
class GradientFiniteDifferenceTest {
  private static final double H = 1e-5;

  static MultiLayerNetwork mln(int in, int classes, boolean sigmoidOut) {
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.DOUBLE)
        .weightInit(WeightInit.XAVIER).updater(new Sgd(0.1)).l2(1e-3).list()
        .layer(new DenseLayer.Builder().nIn(in).nOut(7).activation(Activation.TANH).build())
        .layer(new DenseLayer.Builder().nOut(5).activation(Activation.SIGMOID).build());
    if (sigmoidOut) {
      b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nOut(1).activation(Activation.SIGMOID).build());
    } else {
      b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes).activation(Activation.SOFTMAX).build());
    }
    MultiLayerConfiguration conf = b.build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  static ComputationGraph graph(int in, int classes) {
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.DOUBLE)
        .weightInit(WeightInit.XAVIER).updater(new Sgd(0.1)).graphBuilder()
        .addInputs("in")
        .addLayer("d1", new DenseLayer.Builder().nIn(in).nOut(6).activation(Activation.TANH).build(), "in")
        .addLayer("d2", new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.SOFTPLUS).build(), "d1")
        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(classes).activation(Activation.SOFTMAX).build(), "d2")
        .setOutputs("out")
        .build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    return g;
  }

  static double[][] inputs(int n, int d, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return x;
  }

  static double summedLoss(ModelUnderTest m, double[][] x, int[] y) {
    double[][] p = m.predict(x);
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s -= Math.log(p[i][y[i]]);
    }
    return s;
  }

  /** Largest relative error between the analytic gradient and central differences. */
  static double maxRelativeError(ModelUnderTest m, double[][] x, int[] y) {
    double[][] g = m.gradients().orElseThrow().lossGradient(x, y);
    assertEquals(x.length, g.length);
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x[0].length; j++) {
        double keep = x[i][j];
        x[i][j] = keep + H;
        double up = summedLoss(m, x, y);
        x[i][j] = keep - H;
        double down = summedLoss(m, x, y);
        x[i][j] = keep;
        double fd = (up - down) / (2 * H);
        double denom = Math.max(Math.abs(fd) + Math.abs(g[i][j]), 1e-8);
        worst = Math.max(worst, Math.abs(fd - g[i][j]) / denom);
      }
    }
    return worst;
  }

  @Test
  void multiLayerNetworkSoftmaxGradientMatchesFiniteDifferences() {
    Dl4jModel m = Dl4jModel.of(mln(4, 3, false), "mln");
    double[][] x = inputs(6, 4, 1);
    int[] y = {0, 1, 2, 2, 1, 0};
    double err = maxRelativeError(m, x, y);
    assertTrue(err < 1e-6, "relative error " + err);
  }

  @Test
  void multiLayerNetworkSigmoidGradientMatchesFiniteDifferences() {
    Dl4jModel m = Dl4jModel.of(mln(3, 2, true), "mln-sigmoid");
    assertEquals(2, m.classCount());
    double[][] x = inputs(5, 3, 2);
    int[] y = {0, 1, 1, 0, 1};
    double err = maxRelativeError(m, x, y);
    assertTrue(err < 1e-6, "relative error " + err);
  }

  @Test
  void computationGraphGradientMatchesFiniteDifferences() {
    Dl4jModel m = Dl4jModel.of(graph(4, 3), "graph");
    double[][] x = inputs(6, 4, 3);
    int[] y = {2, 1, 0, 0, 1, 2};
    double err = maxRelativeError(m, x, y);
    assertTrue(err < 1e-6, "relative error " + err);
  }

  @Test
  void rowGradientIsTheGradientOfThatRowsOwnLoss() {
    // summed loss: row i's gradient must not depend on the other rows of the batch
    Dl4jModel m = Dl4jModel.of(graph(4, 3), "graph");
    double[][] x = inputs(4, 4, 4);
    int[] y = {0, 1, 2, 1};
    double[][] batch = m.gradients().orElseThrow().lossGradient(x, y);
    double[][] single = m.gradients().orElseThrow().lossGradient(new double[][] {x[2]}, new int[] {y[2]});
    assertArrayEquals(single[0], batch[2], 1e-12);
  }

  @Test
  void savedModelsLoadWithTheSameOutputsAndGradients(@TempDir Path dir) throws Exception {
    MultiLayerNetwork net = mln(4, 3, false);
    ComputationGraph g = graph(4, 3);
    Path a = dir.resolve("mln.zip");
    Path b = dir.resolve("cg.zip");
    ModelSerializer.writeModel(net, a.toFile(), false);
    ModelSerializer.writeModel(g, b.toFile(), false);
    double[][] x = inputs(3, 4, 5);
    int[] y = {0, 2, 1};
    Dl4jModel la = Dl4jModel.load(a, "a");
    Dl4jModel lb = Dl4jModel.load(b, "b");
    assertEquals(64, la.artifact().orElseThrow().sha256().length());
    assertTrue(la.capabilities().contains(Capability.LOSS_GRADIENT) && lb.capabilities().contains(Capability.LOSS_GRADIENT));
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(Dl4jModel.of(net, "n").predict(x)[i], la.predict(x)[i], 1e-12);
      assertArrayEquals(Dl4jModel.of(g, "g").predict(x)[i], lb.predict(x)[i], 1e-12);
    }
    assertTrue(maxRelativeError(lb, x, y) < 1e-6);
  }
}

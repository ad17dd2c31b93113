package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.models.Dl4jModel;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.models.KerasModel;
import dev.gauntlet.models.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Every differentiable model whose gradient capability describes a dense chain takes the
 * input-only pass ({@link GradientPass#of} returns a {@link DenseInputGradients}), whatever its
 * adapter class: a DL4J ComputationGraph, a Keras import and an ONNX graph translated to SameDiff.
 * Each gives the same gradients (and probabilities) as the adapter's own path did before.
 */
class FastPathTest {

  private static final double TOL = 1e-6;

  private static double[][] rows(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[n][d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        row[j] = r.nextDouble(-1, 1);
      }
    }
    return x;
  }

  /**
   * Asserts the fast path is chosen and agrees with the model's own gradients to 1e-6 (relative to
   * max(1, |g|)); returns the largest such difference.
   */
  private static double sameAsBefore(ModelUnderTest model, int d) {
    GradientPass pass = GradientPass.of(model);
    assertInstanceOf(DenseInputGradients.class, pass, model.name() + " takes the input-only pass");
    double[][] x = rows(16, d, 3);
    int k = model.classCount();
    INDArray y = Nd4j.zeros(DataType.DOUBLE, x.length, k);
    for (int i = 0; i < x.length; i++) {
      y.putScalar(i, i % k, 1);
    }
    INDArray xs = Nd4j.create(x).castTo(pass.dataType());
    double[][] fast = pass.gradient(xs, y.castTo(pass.dataType())).castTo(DataType.DOUBLE).toDoubleMatrix();
    double[][] pf = pass.lastOutput().castTo(DataType.DOUBLE).toDoubleMatrix();
    double[][] before = dev.gauntlet.models.InputGradients.of(model).orElseThrow().lossGradient(xs, y.castTo(pass.dataType())).castTo(DataType.DOUBLE).toDoubleMatrix();
    double[][] p = model.predict(x);
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < d; j++) {
        // relative for the float32 models (both passes round to float; gradients reach |g| ~ 20 here)
        assertEquals(before[i][j], fast[i][j], TOL * Math.max(1, Math.abs(before[i][j])), model.name() + ": gradient row " + i + " input " + j);
        max = Math.max(max, Math.abs(before[i][j] - fast[i][j]) / Math.max(1, Math.abs(before[i][j])));
      }
      for (int c = 0; c < k; c++) {
        assertEquals(p[i][c], pf[i][c], TOL, model.name() + ": probability row " + i + " class " + c);
      }
    }
    return max;
  }

  @Test
  void computationGraphTakesTheInputOnlyPass() {
    for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(7).dataType(dt).weightInit(WeightInit.XAVIER)
          .graphBuilder().addInputs("in")
          .addLayer("h1", new DenseLayer.Builder().nIn(6).nOut(12).activation(Activation.TANH).build(), "in")
          .addLayer("h2", new DenseLayer.Builder().nIn(12).nOut(8).activation(Activation.RELU).build(), "h1")
          .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3).activation(Activation.SOFTMAX).build(), "h2")
          .setOutputs("out").build());
      g.init();
      double diff = sameAsBefore(Dl4jModel.of(g, "graph-" + dt), 6);
      System.out.printf("ComputationGraph %s: max rel |fast - before| = %.3g%n", dt, diff);
    }
  }

  @Test
  void branchingGraphKeepsItsOwnPass() {
    ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
        .graphBuilder().addInputs("in")
        .addLayer("a", new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.RELU).build(), "in")
        .addLayer("b", new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.RELU).build(), "in")
        .addVertex("sum", new org.deeplearning4j.nn.conf.graph.ElementWiseVertex(org.deeplearning4j.nn.conf.graph.ElementWiseVertex.Op.Add), "a", "b")
        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(2).activation(Activation.SOFTMAX).build(), "sum")
        .setOutputs("out").build());
    g.init();
    Dl4jModel m = Dl4jModel.of(g, "branching");
    assertTrue(DenseInputGradients.of(m).isEmpty(), "a branching graph is not a dense stack");
    assertTrue(!(GradientPass.of(m) instanceof DenseInputGradients));
  }

  private static Path fixture(String name) {
    Path d = Path.of(System.getProperty("gauntlet.fixtures", "../fixtures/onnx"));
    assumeTrue(Files.isDirectory(d), d + " (the committed ONNX fixture) is absent; skipping");
    return d.resolve(name);
  }

  @Test
  void kerasImportTakesTheInputOnlyPass() {
    KerasModel m = KerasModel.load(fixture("lending-mlp.h5"), "keras-mlp", OptionalInt.of(9));
    double diff = sameAsBefore(m, 9);
    System.out.printf("Keras (lending-mlp.h5): max rel |fast - before| = %.3g%n", diff);
  }

  @Test
  void translatedOnnxGraphTakesTheInputOnlyPass() {
    try (OnnxModel m = OnnxModel.load(fixture("lending-mlp.onnx"), "onnx-mlp", OptionalInt.of(9), OnnxModel.Settings.defaults(), s -> {})) {
      assertTrue(m.gradientSource().contains("Gauntlet's SameDiff translation"), m.gradientSource());
      double diff = sameAsBefore(m, 9);
      System.out.printf("ONNX (lending-mlp.onnx, SameDiff translation): max rel |fast - before| = %.3g%n", diff);
    }
  }
}

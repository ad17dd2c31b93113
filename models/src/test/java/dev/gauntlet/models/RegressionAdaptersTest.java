package dev.gauntlet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Issue 14: regression models through every adapter. The models compute y = 0.5 x0 - 2 x1 + 1.25 x2
 * + 3 (weights set by hand, or exported by fixtures/scripts/make_onnx_regression.py), so every
 * expected value is that closed form.
 */
class RegressionAdaptersTest {
  static final double[] W = {0.5, -2.0, 1.25};
  static final double B = 3.0;
  static final double[][] X = {{0, 0, 0}, {1, 2, 3}, {-1.5, 0.25, 4}, {10, -3, 0.5}};

  @TempDir
  Path dir;

  static double line(double[] x) {
    return W[0] * x[0] + W[1] * x[1] + W[2] * x[2] + B;
  }

  /** One output layer with the given activation and loss, weights W and bias B, in double precision. */
  static MultiLayerNetwork linear(Activation act, LossFunctions.LossFunction loss) {
    MultiLayerConfiguration c = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list()
        .layer(new OutputLayer.Builder(loss).nIn(3).nOut(1).activation(act).build())
        .build();
    MultiLayerNetwork n = new MultiLayerNetwork(c);
    n.init();
    n.setParams(Nd4j.create(new double[] {W[0], W[1], W[2], B}).reshape(1, 4));
    return n;
  }

  @Test
  void aDl4jIdentityOutputIsARegressionModelWithTheClosedFormValuesAndGradients() throws Exception {
    Dl4jModel m = Dl4jModel.of(linear(Activation.IDENTITY, LossFunctions.LossFunction.MSE), "lin");
    assertEquals(Task.REGRESSION, m.task());
    assertEquals(0, m.classCount());
    double[] v = m.predictValues(X);
    for (int i = 0; i < X.length; i++) {
      assertEquals(line(X[i]), v[i], 1e-12, "row " + i);
    }
    assertThrows(UnsupportedOperationException.class, () -> m.predict(X));
    // MSE over one output: d/dx (f(x) - y)^2 = 2 (f(x) - y) w, row by row (the loss is summed over rows)
    double[] y = {1, -2, 7, 0.5};
    double[][] g = m.gradients().orElseThrow().lossGradient(X, y);
    for (int i = 0; i < X.length; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(2 * (line(X[i]) - y[i]) * W[j], g[i][j], 1e-9, "row " + i + " input " + j);
      }
    }
    assertThrows(UnsupportedOperationException.class, () -> m.gradients().orElseThrow().lossGradient(X, new int[X.length]));
    assertTrue(m.gradients().orElseThrow().denseStack().isEmpty(), "the classifier's dense view does not apply");
    // saved and loaded through Gauntlet's zip reader: the same model
    Path zip = dir.resolve("lin.zip");
    ModelSerializer.writeModel(linear(Activation.IDENTITY, LossFunctions.LossFunction.MSE), zip.toFile(), false);
    Dl4jModel loaded = Dl4jModel.load(zip, "lin");
    assertEquals(Task.REGRESSION, loaded.task());
    assertEquals(line(X[3]), loaded.predictValues(X)[3], 1e-12);
  }

  @Test
  void oneOutputUnitIsARegressionUnlessItIsASigmoidTrainedAsAClassifier() {
    assertEquals(Task.REGRESSION, Dl4jModel.of(linear(Activation.RELU, LossFunctions.LossFunction.L1), "relu").task());
    assertEquals(Task.REGRESSION, Dl4jModel.of(linear(Activation.SIGMOID, LossFunctions.LossFunction.MSE), "sig-mse").task());
    Dl4jModel clf = Dl4jModel.of(linear(Activation.SIGMOID, LossFunctions.LossFunction.XENT), "sig-xent");
    assertEquals(Task.CLASSIFICATION, clf.task());
    assertEquals(2, clf.classCount());
    assertThrows(UnsupportedOperationException.class, () -> clf.predictValues(X));
    MultiLayerNetwork two = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(2).activation(Activation.TANH).build()).build());
    two.init();
    String msg = assertThrows(UsageException.class, () -> Dl4jModel.of(two, "tanh2")).getMessage();
    assertTrue(msg.contains("over 2 units") && msg.contains("one output unit (e.g. identity activation) for a regression model"), msg);
  }

  @Test
  void aKerasLastDenseLayerWithOneLinearUnitBecomesARegressionOutput() {
    MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
        .layer(new DenseLayer.Builder().nIn(3).nOut(1).activation(Activation.IDENTITY).build()).build());
    n.init();
    n.setParams(Nd4j.create(new double[] {W[0], W[1], W[2], B}).reshape(1, 4));
    Dl4jModel m = Dl4jModel.of(KerasModel.withOutputLayer(n), "keras-lin");
    assertEquals(Task.REGRESSION, m.task());
    assertEquals(line(X[2]), m.predictValues(X)[2], 1e-12);
  }

  static OnnxModel onnx(String file, OnnxModel.Settings s) {
    return OnnxModel.load(Fixture.file(file), file, OptionalInt.of(3), s, msg -> {});
  }

  @Test
  void onnxBatchAndBatchByOneFloatOutputsAreRegressionModels() {
    OnnxModel.Settings reg = OnnxModel.Settings.defaults().withTask(Task.REGRESSION);
    for (String f : new String[] {"regression-linear.onnx", "regression-linear-flat.onnx"}) {
      try (OnnxModel m = onnx(f, reg)) {
        assertEquals(Task.REGRESSION, m.task(), f);
        assertTrue(m.can(Capability.LOSS_GRADIENT), f + ": gradients from the SameDiff translation: " + m.gradientSource());
        assertTrue(m.name().contains("gradients: SameDiff, exact") && m.gradientSource().contains("squared-error loss"), m.name());
        double[] v = m.predictValues(X);
        double[] targets = new double[X.length];
        for (int i = 0; i < X.length; i++) {
          assertEquals(line(X[i]), v[i], 1e-5 * (1 + Math.abs(line(X[i]))), f + " row " + i); // float32
          targets[i] = line(X[i]) + 1;
        }
        // squared error against targets one above the prediction: d/dx (f(x) - y)^2 = 2 (f(x) - y) w = -2 w on every row
        double[][] g = m.gradients().orElseThrow().lossGradient(X, targets);
        for (int i = 0; i < X.length; i++) {
          for (int j = 0; j < W.length; j++) {
            assertEquals(-2 * W[j], g[i][j], 1e-4, f + " row " + i + " dim " + j);
          }
        }
        assertThrows(UnsupportedOperationException.class, () -> m.gradients().orElseThrow().lossGradient(X, new int[X.length]));
        assertThrows(UnsupportedOperationException.class, () -> m.predict(X));
      }
    }
  }

  @Test
  void onnxShapesThatDoNotFitTheTaskAreRefusedWithBothShapes() {
    // a regression model given to a classification suite: its one output is not a probability
    String msg = assertThrows(UsageException.class, () -> onnx("regression-linear.onnx", OnnxModel.Settings.defaults())).getMessage();
    assertTrue(msg.contains("is not a probability vector") && msg.contains("make the schema's label numeric: a regression suite"), msg);
    // a classifier given to a regression suite
    msg = assertThrows(UsageException.class, () -> OnnxModel.load(Fixture.file("lending-mlp.onnx"), "clf", OptionalInt.of(Fixture.width()),
        OnnxModel.Settings.defaults().withTask(Task.REGRESSION), s -> {})).getMessage();
    assertTrue(msg.contains("gives 2 values per row (shape [batch, 2], a classifier's)") && msg.contains("one number per row"), msg);
    msg = assertThrows(UsageException.class, () -> onnx("regression-linear.onnx",
        new OnnxModel.Settings(GradientMode.FINITE_DIFFERENCE, null, 16, Task.REGRESSION))).getMessage();
    assertTrue(msg.contains("gradient: finite-difference was asked for") && msg.contains("rebuilt in SameDiff only"), msg);
    msg = assertThrows(UsageException.class, () -> onnx("regression-abs.onnx",
        new OnnxModel.Settings(GradientMode.SAMEDIFF, null, 16, Task.REGRESSION))).getMessage();
    assertTrue(msg.contains("gradient: samediff was asked for") && msg.contains("operator Abs"), msg);
  }

  @Test
  void anOnnxRegressionGraphTheTranslatorCannotRebuildIsBlackBoxWithTheReason() {
    // y = |0.5 x0 - 2 x1 + 1.25 x2| + 3 (fixtures/scripts/make_onnx_regression.py): an Abs node
    try (OnnxModel m = onnx("regression-abs.onnx", OnnxModel.Settings.defaults().withTask(Task.REGRESSION))) {
      assertFalse(m.can(Capability.LOSS_GRADIENT));
      assertTrue(m.gradientSource().startsWith("none (black-box: the graph could not be rebuilt in SameDiff: operator Abs"), m.gradientSource());
      assertTrue(m.missingReason(Capability.LOSS_GRADIENT).orElseThrow().contains("operator Abs"), m.missingReason(Capability.LOSS_GRADIENT).toString());
      assertEquals(Math.abs(line(X[1]) - B) + B, m.predictValues(X)[1], 1e-5 * (1 + Math.abs(line(X[1]))));
    }
  }

  /** A regression check for the loader test: counts the predicted values. */
  record ValuesCheck() implements dev.gauntlet.harness.check.Check<dev.gauntlet.harness.check.CheckValue> {
    static final dev.gauntlet.harness.metric.MetricSet METRICS = dev.gauntlet.harness.metric.MetricSet.of(
        dev.gauntlet.harness.metric.MetricDecl.of("n", dev.gauntlet.harness.metric.Direction.HIGHER_IS_BETTER, "rows"));

    @Override public dev.gauntlet.harness.metric.MetricSet metrics() { return METRICS; }
    @Override public String title() { return "values"; }
    @Override public dev.gauntlet.harness.check.Trial trial() { return dev.gauntlet.harness.check.Trial.PERFORMANCE; }
    @Override public String description() { return "values"; }
    @Override public java.util.Set<Capability> requires() { return java.util.Set.of(); }
    @Override public java.util.Set<Task> tasks() { return java.util.Set.of(Task.REGRESSION); }

    @Override
    public dev.gauntlet.harness.check.CheckValue run(dev.gauntlet.harness.check.CheckContext ctx) {
      throw new AssertionError("never run");
    }
  }

  static SuiteLoader loader() {
    SuiteLoader l = new SuiteLoader();
    l.register(dev.gauntlet.harness.config.CheckType.of("test.values", "test", ValuesCheck.METRICS, java.util.List.of(), (p, s) -> new ValuesCheck()));
    return l;
  }

  @Test
  void aDl4jClassifierInARegressionYamlSuiteIsExit2WithBothShapes() throws Exception {
    MultiLayerNetwork clf = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2).activation(Activation.SOFTMAX).build()).build());
    clf.init();
    ModelSerializer.writeModel(clf, dir.resolve("clf.zip").toFile(), false);
    ModelSerializer.writeModel(linear(Activation.IDENTITY, LossFunctions.LossFunction.MSE), dir.resolve("reg.zip").toFile(), false);
    Files.writeString(dir.resolve("r.schema.yaml"), """
        columns:
          - {name: a, type: numeric, role: feature}
          - {name: b, type: numeric, role: feature}
          - {name: c, type: numeric, role: feature}
          - {name: y, type: numeric, role: label}
        """);
    Files.writeString(dir.resolve("c.schema.yaml"), """
        columns:
          - {name: a, type: numeric, role: feature}
          - {name: b, type: numeric, role: feature}
          - {name: c, type: numeric, role: feature}
          - {name: y, type: binary, role: label, categories: ["no", "yes"]}
        """);
    Files.writeString(dir.resolve("d.csv"), "a,b,c,y\n1,2,3,no\n");
    Files.writeString(dir.resolve("n.csv"), "a,b,c,y\n1,2,3,4.5\n");
    String checks = "checks:\n  - {type: performance, conditions: [{metric: accuracy, atLeast: 0.5}]}\n";
    Path suite = dir.resolve("suite.yaml");
    Files.writeString(suite, "name: r\nmodel: {type: dl4j, path: clf.zip}\ndata: {path: n.csv, schema: r.schema.yaml}\n"
        + "checks:\n  - {type: test.values, conditions: [{metric: n, atLeast: 1}]}\n");
    UsageException e = assertThrows(UsageException.class, () -> loader().load(suite, OptionalLong.empty(), null));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("suite.yaml:2:") && e.getMessage().contains("model 'clf.zip' is a classifier (2 class probabilities per row)")
        && e.getMessage().contains("the label 'y' is numeric (a regression suite: one number per row)"), e.getMessage());
    Files.writeString(suite, "name: r\nmodel: {type: dl4j, path: reg.zip}\ndata: {path: d.csv, schema: c.schema.yaml}\n" + checks);
    e = assertThrows(UsageException.class, () -> new SuiteLoader().load(suite, OptionalLong.empty(), null));
    assertTrue(e.getMessage().contains("suite.yaml:2:") && e.getMessage().contains("is a regression model (one number per row) but the label 'y' has 2 classes [no, yes]"),
        e.getMessage());
  }
}

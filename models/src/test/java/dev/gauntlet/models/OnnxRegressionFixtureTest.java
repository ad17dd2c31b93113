package dev.gauntlet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the PyTorch regression MLP of fixtures/onnx-regression (made by
 * fixtures/scripts/train_onnx_regression_fixture.py) run by ONNX Runtime predicts what PyTorch
 * predicted, and the gradient of its graph rebuilt in SameDiff is PyTorch's autograd gradient
 * (expected.json, written by the same script).
 */
class OnnxRegressionFixtureTest {
  static Path dir() {
    Path d = Path.of("../fixtures/onnx-regression");
    assumeTrue(Files.isDirectory(d), d + " (the committed ONNX regression fixture) is absent; skipping");
    return d;
  }

  static double[][] matrix(JsonNode n) {
    double[][] m = new double[n.size()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = new double[n.get(i).size()];
      for (int j = 0; j < m[i].length; j++) {
        m[i][j] = n.get(i).get(j).asDouble();
      }
    }
    return m;
  }

  @Test
  void onnxRuntimeAndSameDiffAgreeWithPyTorch() throws Exception {
    JsonNode expected = new ObjectMapper().readTree(dir().resolve("expected.json").toFile());
    double[][] inputs = matrix(expected.get("inputs"));
    double[][] grads = matrix(expected.get("prediction_gradients"));
    Schema schema = SchemaLoader.load(dir().resolve("regression.schema.yaml"));
    Table t = TableLoader.load(dir().resolve("data.csv"), schema).select(IntStream.range(0, inputs.length).toArray());
    double[][] x = new Encoder(schema).encode(t);
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x[i].length; j++) {
        assertEquals(inputs[i][j], x[i][j], 1e-6, "row " + i + " dim " + j + ": Gauntlet encodes differently from the PyTorch script");
      }
    }
    try (OnnxModel m = OnnxModel.load(dir().resolve("model.onnx"), "mlp", OptionalInt.of(4), OnnxModel.Settings.defaults().withTask(Task.REGRESSION),
        s -> { })) {
      assertTrue(m.can(Capability.LOSS_GRADIENT), m.gradientSource());
      assertTrue(m.gradientSource().startsWith("SameDiff, exact (Gauntlet's SameDiff translation"), m.gradientSource());
      double[] v = m.predictValues(x);
      double[] targets = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        double p = expected.get("predictions").get(i).asDouble();
        assertEquals(p, v[i], 1e-5 * (1 + Math.abs(p)), "row " + i);
        targets[i] = v[i] + 1;
      }
      // squared error against targets one above the prediction: 2 (f - y) grad f = -2 grad f
      double[][] g = m.gradients().orElseThrow().lossGradient(x, targets);
      for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < x[i].length; j++) {
          assertEquals(-2 * grads[i][j], g[i][j], 1e-4 * (1 + Math.abs(grads[i][j])), "row " + i + " dim " + j);
        }
      }
    }
  }
}

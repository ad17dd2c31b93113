package dev.gauntlet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Capability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX Runtime adapter against the PyTorch-exported fixture and the reference values of PyTorch and sklearn. */
class OnnxModelTest {

  static OnnxModel load(String file, GradientMode mode) {
    return OnnxModel.load(Fixture.file(file), file, OptionalInt.of(Fixture.width()), new OnnxModel.Settings(mode, null, 4000), m -> {});
  }

  @Test
  void predictionsMatchPyTorchTo1e5() {
    double[][] x = Fixture.encodedRows();
    try (OnnxModel m = load("lending-mlp.onnx", GradientMode.NONE)) {
      assertEquals(2, m.classCount());
      assertEquals(9, m.inputWidth().getAsInt());
      double[][] p = m.predict(x);
      for (int i = 0; i < x.length; i++) {
        for (int k = 0; k < 2; k++) {
          assertEquals(Fixture.TORCH_PROBABILITIES[i][k], p[i][k], 1e-5, "row " + Fixture.IDS[i] + " class " + k);
        }
      }
      assertFalse(m.can(Capability.LOSS_GRADIENT), "gradient: none must not claim gradients");
    }
  }

  @Test
  void batchesLargerThanOneOnnxRuntimeCallGiveTheSameRowsAsSingleRows() {
    try (OnnxModel m = load("lending-mlp.onnx", GradientMode.NONE)) {
      double[][] big = new double[OnnxModel.BATCH + 7][];
      Random r = new Random(3);
      for (int i = 0; i < big.length; i++) {
        big[i] = Fixture.INPUTS[r.nextInt(Fixture.INPUTS.length)];
      }
      double[][] p = m.predict(big);
      assertEquals(big.length, p.length);
      for (int i = 0; i < big.length; i += 997) {
        double[] single = m.predict(new double[][] {big[i]})[0];
        assertEquals(single[1], p[i][1], 1e-7, "row " + i);
      }
      double[] last = m.predict(new double[][] {big[big.length - 1]})[0];
      assertEquals(last[1], p[big.length - 1][1], 1e-7, "the last row of the second chunk");
    }
  }

  @Test
  void finiteDifferenceGradientsMatchPyTorchAutograd() {
    // Central differences with h = 1e-3 on a float32 model: truncation O(h^2) plus float32 rounding of
    // ln p divided by 2h. Tolerance: 2e-3 + 1% of the PyTorch value, per dimension.
    try (OnnxModel m = load("lending-mlp.onnx", GradientMode.FINITE_DIFFERENCE)) {
      assertTrue(m.gradientSource().startsWith("central finite differences"), m.gradientSource());
      assertTrue(m.gradientSource().contains("18 queries per row"), m.gradientSource());
      assertTrue(m.name().contains("finite differences"), m.name());
      double[][] g = m.gradients().orElseThrow().lossGradient(Fixture.INPUTS, Fixture.LABELS);
      assertClose(Fixture.TORCH_LOSS_GRADIENT, g, 2e-3, 1e-2);
    }
  }

  @Test
  void sameDiffGradientsMatchPyTorchAutograd() {
    // The graph rebuilt in SameDiff (float32 backpropagation) against PyTorch autograd (float32):
    // tolerance 1e-5 + 1e-4 relative, per dimension. Its outputs must also match PyTorch's to 1e-5.
    try (OnnxModel m = load("lending-mlp.onnx", GradientMode.SAMEDIFF)) {
      assertTrue(m.gradientSource().startsWith("SameDiff, exact (Gauntlet's SameDiff translation"), m.gradientSource());
      assertTrue(m.name().contains("gradients: SameDiff, exact"), m.name());
      assertClose(Fixture.TORCH_LOSS_GRADIENT, m.gradients().orElseThrow().lossGradient(Fixture.INPUTS, Fixture.LABELS), 1e-5, 1e-4);
      double[][] p = m.gradients().orElseThrow().output(org.nd4j.linalg.factory.Nd4j.create(Fixture.INPUTS))
          .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
      for (int i = 0; i < p.length; i++) {
        assertEquals(Fixture.TORCH_PROBABILITIES[i][1], p[i][1], 1e-5, "SameDiff probability, row " + Fixture.IDS[i]);
      }
    }
  }

  @Test
  void ndArrayGradientsComeBackInTheCallersDataType() {
    // Attacks work in double; the float32 graph must not hand them float arrays to mix with their own.
    org.nd4j.linalg.api.ndarray.INDArray x = org.nd4j.linalg.factory.Nd4j.create(Fixture.INPUTS);
    org.nd4j.linalg.api.ndarray.INDArray y = org.nd4j.linalg.factory.Nd4j.create(new double[][] {{0, 1}, {1, 0}, {0, 1}, {1, 0}, {1, 0}, {1, 0}, {0, 1}, {1, 0}});
    for (GradientMode mode : new GradientMode[] {GradientMode.SAMEDIFF, GradientMode.FINITE_DIFFERENCE}) {
      try (OnnxModel m = load("lending-mlp.onnx", mode)) {
        var g = m.gradients().orElseThrow();
        assertEquals(org.nd4j.linalg.api.buffer.DataType.DOUBLE, g.lossGradient(x, y).dataType(), mode.name());
        assertEquals(org.nd4j.linalg.api.buffer.DataType.DOUBLE, g.output(x).dataType(), mode.name());
        assertEquals(org.nd4j.linalg.api.buffer.DataType.FLOAT, g.output(x.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)).dataType(), mode.name());
      }
    }
    var k = KerasModel.load(Fixture.file("lending-mlp.h5"), "k", OptionalInt.of(9)).gradients().orElseThrow();
    assertEquals(org.nd4j.linalg.api.buffer.DataType.DOUBLE, k.lossGradient(x, y).dataType());
    assertEquals(org.nd4j.linalg.api.buffer.DataType.DOUBLE, k.output(x).dataType());
  }

  @Test
  void autoFallsBackToFiniteDifferencesForGraphsSameDiffCannotRebuild() {
    // sklearn's LinearClassifier/ZipMap are ai.onnx.ml operators: refused before ND4J's slow import.
    List<String> progress = new ArrayList<>();
    try (OnnxModel m = OnnxModel.load(Fixture.file("lending-logreg-zipmap.onnx"), "lr", OptionalInt.of(9), OnnxModel.Settings.defaults(), progress::add)) {
      assertTrue(m.gradientSource().startsWith("central finite differences"), m.gradientSource());
      assertTrue(m.gradientSource().contains("ai.onnx.ml.LinearClassifier"), m.gradientSource());
      assertTrue(progress.stream().anyMatch(s -> s.contains("estimating gradients by finite differences")), progress.toString());
      // A logistic model's loss gradient is (p_1 - y) w for its coefficient vector w: so g_i / (p1_i - y_i)
      // must be the same vector for every row (checked to 2% of |w| on rows with |p1 - y| > 0.03).
      double[][] g = m.gradients().orElseThrow().lossGradient(Fixture.INPUTS, Fixture.LABELS);
      double[][] w = new double[g.length][];
      List<double[]> ws = new ArrayList<>();
      for (int i = 0; i < g.length; i++) {
        double r = Fixture.SKLEARN_PROBABILITIES[i][1] - Fixture.LABELS[i];
        if (Math.abs(r) > 0.03) {
          double[] wi = g[i].clone();
          for (int j = 0; j < wi.length; j++) {
            wi[j] /= r;
          }
          ws.add(wi);
        }
      }
      assertTrue(ws.size() >= 5, "rows with a sizeable residual: " + ws.size());
      for (double[] wi : ws) {
        for (int j = 0; j < wi.length; j++) {
          assertEquals(ws.get(0)[j], wi[j], 0.02 * norm(ws.get(0)), "coefficient " + j);
        }
      }
    }
    UsageException e = assertThrows(UsageException.class, () -> load("lending-logreg-tensor.onnx", GradientMode.SAMEDIFF));
    assertTrue(e.getMessage().contains("gradient: samediff was asked for") && e.getMessage().contains("ai.onnx.ml"), e.getMessage());
  }

  @Test
  void spsaGradientsPointTheSameWayAsPyTorchAutograd() {
    // SPSA with m = 4000 Rademacher directions: each coordinate's error is about |g| sqrt(d / m) = 5% of |g|.
    // Asserted: cosine similarity >= 0.97 to PyTorch's gradient on the rows whose gradient norm exceeds 1e-2
    // (below that the float32 differences of ln p are mostly rounding); and determinism.
    try (OnnxModel m = load("lending-mlp.onnx", GradientMode.SPSA)) {
      assertTrue(m.gradientSource().contains("8000 queries per row"), m.gradientSource());
      double[][] g = m.gradients().orElseThrow().lossGradient(Fixture.INPUTS, Fixture.LABELS);
      int checked = 0;
      for (int i = 0; i < g.length; i++) {
        double[] t = Fixture.TORCH_LOSS_GRADIENT[i];
        if (norm(t) < 1e-2) {
          continue;
        }
        checked++;
        double cos = dot(t, g[i]) / (norm(t) * norm(g[i]));
        assertTrue(cos >= 0.97, "row " + Fixture.IDS[i] + ": cosine " + cos);
        assertEquals(norm(t), norm(g[i]), 0.15 * norm(t), "row " + Fixture.IDS[i] + " gradient norm");
      }
      assertTrue(checked >= 5, "too few rows with a sizeable gradient: " + checked);
      double[][] again = m.gradients().orElseThrow().lossGradient(Fixture.INPUTS, Fixture.LABELS);
      assertEquals(g[0][1], again[0][1], 0.0, "SPSA must be a deterministic function of the input");
    }
  }

  @Test
  void sklearnZipMapAndTensorOutputsGiveSklearnProbabilities() {
    for (String f : new String[] {"lending-logreg-zipmap.onnx", "lending-logreg-tensor.onnx"}) {
      try (OnnxModel m = load(f, GradientMode.NONE)) {
        assertTrue(m.signature().contains(f.contains("zipmap") ? "output_probability" : "'probabilities'"), m.signature());
        double[][] p = m.predict(Fixture.INPUTS);
        for (int i = 0; i < p.length; i++) {
          assertEquals(Fixture.SKLEARN_PROBABILITIES[i][1], p[i][1], 1e-5, f + " row " + Fixture.IDS[i]);
          assertEquals(Fixture.SKLEARN_PROBABILITIES[i][0], p[i][0], 1e-5, f + " row " + Fixture.IDS[i]);
        }
      }
    }
  }

  @Test
  void aSchemaOfAnotherWidthIsRejectedWithBothShapes() {
    UsageException e = assertThrows(UsageException.class, () -> OnnxModel.load(Fixture.file("lending-mlp.onnx"), "m", OptionalInt.of(11),
        OnnxModel.Settings.defaults(), s -> {}));
    assertTrue(e.getMessage().contains("[batch, 9]") && e.getMessage().contains("[batch, 11]"), e.getMessage());
    assertTrue(e.getMessage().contains("'features'"), e.getMessage());
  }

  @Test
  void aModelWithTwoInputsIsRejectedNamingThem() {
    UsageException e = assertThrows(UsageException.class, () -> load("bad-two-inputs.onnx", GradientMode.NONE));
    assertTrue(e.getMessage().contains("has 2 inputs") && e.getMessage().contains("'numeric'") && e.getMessage().contains("'categorical'"), e.getMessage());
  }

  @Test
  void aModelThatOutputsLogitsIsRejected() {
    UsageException e = assertThrows(UsageException.class, () -> load("bad-logits.onnx", GradientMode.NONE));
    assertTrue(e.getMessage().contains("output 'logits' is not a probability vector"), e.getMessage());
  }

  @Test
  void corruptAndTruncatedFilesAreRejected(@TempDir Path tmp) throws IOException {
    byte[] good = Files.readAllBytes(Fixture.file("lending-mlp.onnx"));
    Path truncated = tmp.resolve("truncated.onnx");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 2));
    Path garbage = tmp.resolve("garbage.onnx");
    byte[] noise = new byte[4096];
    new Random(1).nextBytes(noise);
    Files.write(garbage, noise);
    Path empty = tmp.resolve("empty.onnx");
    Files.write(empty, new byte[0]);
    for (Path p : new Path[] {truncated, garbage, empty}) {
      UsageException e = assertThrows(UsageException.class, () -> OnnxModel.load(p, "m", OptionalInt.of(9), OnnxModel.Settings.defaults(), s -> {}));
      assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains("corrupt, truncated or not ONNX"), e.getMessage());
    }
    UsageException missing = assertThrows(UsageException.class,
        () -> OnnxModel.load(tmp.resolve("nope.onnx"), "m", OptionalInt.of(9), OnnxModel.Settings.defaults(), s -> {}));
    assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
  }

  @Test
  void predictRejectsBatchesOfTheWrongWidth() {
    try (OnnxModel m = load("lending-mlp.onnx", GradientMode.NONE)) {
      UsageException e = assertThrows(UsageException.class, () -> m.predict(new double[][] {{1, 2, 3}}));
      assertTrue(e.getMessage().contains("width 9") && e.getMessage().contains("encodes 3"), e.getMessage());
    }
  }

  static void assertClose(double[][] expected, double[][] actual, double abs, double rel) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        double tol = abs + rel * Math.abs(expected[i][j]);
        assertEquals(expected[i][j], actual[i][j], tol, "row " + Fixture.IDS[i] + " dim " + j);
      }
    }
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }
}

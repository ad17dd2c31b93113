package dev.gauntlet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ND4J's ONNX import of the PyTorch fixture: its gradients against PyTorch autograd. Tagged slow:
 * ND4J's importer scans the classpath for about a minute on two cores the first time. Run with
 * {@code mvn -B -pl models -am test -Dtest=SameDiffImportTest -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups=none}.
 */
@Tag("slow")
class SameDiffImportTest {

  @Test
  void importedGraphMatchesOnnxRuntimeAndItsGradientsMatchPyTorchAutograd(@TempDir Path cache) throws Exception {
    String before = System.getProperty("gauntlet.cache");
    System.setProperty("gauntlet.cache", cache.toString());
    try {
      List<String> progress = new ArrayList<>();
      try (OnnxModel m = OnnxModel.load(Fixture.file("lending-mlp.onnx"), "mlp", OptionalInt.of(Fixture.width()),
          new OnnxModel.Settings(GradientMode.SAMEDIFF, null, 1), progress::add)) {
        assertTrue(m.gradientSource().startsWith("SameDiff import"), m.gradientSource());
        assertTrue(m.name().contains("gradients: SameDiff import"), m.name());
        double[][] g = m.gradients().orElseThrow().lossGradient(Fixture.INPUTS, Fixture.LABELS);
        // Both are float32 backpropagation of the same graph: tolerance 1e-5 + 1e-4 relative.
        OnnxModelTest.assertClose(Fixture.TORCH_LOSS_GRADIENT, g, 1e-5, 1e-4);
        double[][] p = m.gradients().orElseThrow().output(org.nd4j.linalg.factory.Nd4j.create(Fixture.INPUTS))
            .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
        for (int i = 0; i < p.length; i++) {
          assertEquals(Fixture.TORCH_PROBABILITIES[i][1], p[i][1], 1e-5, "SameDiff probability, row " + Fixture.IDS[i]);
        }
      }
      assertTrue(progress.stream().anyMatch(s -> s.startsWith("Importing")), progress.toString());
      try (var files = Files.list(cache.resolve("samediff"))) {
        assertEquals(1, files.filter(f -> f.toString().endsWith(".sdz")).count(), "the import is cached");
      }
      // The second load comes from the cache: no import message, the same gradients.
      List<String> second = new ArrayList<>();
      long t0 = System.nanoTime();
      try (OnnxModel m = OnnxModel.load(Fixture.file("lending-mlp.onnx"), "mlp", OptionalInt.of(Fixture.width()),
          new OnnxModel.Settings(GradientMode.SAMEDIFF, null, 1), second::add)) {
        assertTrue(second.isEmpty(), second.toString());
        assertTrue((System.nanoTime() - t0) / 1e9 < 20, "a cached import loads quickly");
        OnnxModelTest.assertClose(Fixture.TORCH_LOSS_GRADIENT, m.gradients().orElseThrow().lossGradient(Fixture.INPUTS, Fixture.LABELS), 1e-5, 1e-4);
      }
    } finally {
      if (before == null) {
        System.clearProperty("gauntlet.cache");
      } else {
        System.setProperty("gauntlet.cache", before);
      }
    }
  }
}

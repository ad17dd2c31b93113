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
 * ND4J's own ONNX importer (the route for graphs beyond {@link OnnxGraphTranslator}'s operators).
 * Tagged slow: it scans the classpath for about a minute on two cores. Run with
 * {@code mvn -B -pl models -am test -Dtest=SameDiffImportTest -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups=none}.
 */
@Tag("slow")
class SameDiffImportTest {

  @Test
  void nd4jImportIsCachedAndVerifiedAgainstOnnxRuntime(@TempDir Path cache) throws Exception {
    String before = System.getProperty("gauntlet.cache");
    System.setProperty("gauntlet.cache", cache.toString());
    try (OnnxModel m = OnnxModelTest.load("lending-mlp.onnx", GradientMode.NONE)) {
      Path file = Fixture.file("lending-mlp.onnx");
      OnnxSignature sig = OnnxSignature.read("m", ai.onnxruntime.OrtEnvironment.getEnvironment().createSession(file.toString()), null);
      String sha = m.artifact().orElseThrow().sha256();
      List<String> progress = new ArrayList<>();
      SameDiffGradients nd4j = SameDiffGradients.load(OnnxFile.read(file), sha, sig, 9, 2, progress::add, true);
      assertEquals("ND4J's ONNX import into SameDiff", nd4j.how());
      assertTrue(progress.stream().anyMatch(s -> s.startsWith("Importing")), progress.toString());
      try (var files = Files.list(cache.resolve("samediff"))) {
        assertEquals(1, files.filter(f -> f.toString().endsWith(".sdz")).count(), "the import is cached");
      }
      double[][] probe = OnnxModel.probe(9);
      double diff = nd4j.maxDifference(probe, m.predict(probe));
      // Measured with ND4J 1.0.0-M2.1: its import of PyTorch's Gemm graph does NOT reproduce ONNX Runtime
      // (max |dp| about 0.5), which is why OnnxModel verifies every SameDiff graph before using it and
      // why Gauntlet translates feed-forward graphs itself. If a later ND4J fixes this, the gradients
      // must then match PyTorch's.
      if (diff <= OnnxModel.IMPORT_TOLERANCE) {
        OnnxModelTest.assertClose(Fixture.TORCH_LOSS_GRADIENT, nd4j.lossGradient(Fixture.INPUTS, Fixture.LABELS), 1e-5, 1e-4);
      } else {
        assertTrue(diff > 0.1, "a mismatch this small is suspicious: " + diff);
      }
      // The second load comes from the cache: no import message.
      List<String> second = new ArrayList<>();
      long t0 = System.nanoTime();
      SameDiffGradients again = SameDiffGradients.load(OnnxFile.read(file), sha, sig, 9, 2, second::add, true);
      assertTrue(second.stream().noneMatch(s -> s.startsWith("Importing")), second.toString());
      assertTrue((System.nanoTime() - t0) / 1e9 < 20, "a cached import loads quickly");
      assertEquals(diff, again.maxDifference(probe, m.predict(probe)), 1e-6);
    } finally {
      if (before == null) {
        System.clearProperty("gauntlet.cache");
      } else {
        System.setProperty("gauntlet.cache", before);
      }
    }
  }
}

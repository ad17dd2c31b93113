package dev.gauntlet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.ExitCode;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Artifact;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.protobuf.ByteString;

/**
 * ONNX models are inert: external data only from inside the model's folder, part of the
 * provenance; ONNX Runtime leaves no native-library folder behind; SameDiff prints nothing.
 */
class InertOnnxTest {
  private static final Duration QUICK = Duration.ofSeconds(60);

  /** The MLP fixture with its first initializer moved to external data at {@code location}. */
  private static Path withExternalData(Path dir, String location, byte[][] moved) throws IOException {
    Onnx.ModelProto.Builder m = Onnx.ModelProto.parseFrom(Files.readAllBytes(Fixture.file("lending-mlp.onnx"))).toBuilder();
    Onnx.TensorProto.Builder t = m.getGraphBuilder().getInitializerBuilder(0);
    moved[0] = t.getRawData().toByteArray();
    assertTrue(moved[0].length > 0, "the fixture keeps its weights as raw data");
    t.setRawData(ByteString.EMPTY);
    t.setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL);
    t.addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue(location));
    t.addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("length").setValue(Integer.toString(moved[0].length)));
    Path p = dir.resolve("model.onnx");
    Files.write(p, m.build().toByteArray());
    return p;
  }

  private static OnnxModel load(Path p, GradientMode mode) {
    return OnnxModel.load(p, "m", OptionalInt.of(Fixture.width()), new OnnxModel.Settings(mode, null, 16), s -> {});
  }

  private static UsageException refused(Path p, String... fragments) {
    UsageException e = assertTimeoutPreemptively(QUICK, () -> assertThrows(UsageException.class, () -> load(p, GradientMode.NONE).close()));
    assertEquals(ExitCode.BAD_INPUT, e.exitCode());
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
    }
    return e;
  }

  @Test
  void absoluteExternalDataIsRefused(@TempDir Path dir) throws IOException {
    byte[][] moved = new byte[1][];
    Path p = withExternalData(dir, "/etc/passwd", moved);
    refused(p, "'/etc/passwd'", "absolute path", "inside the model's folder");
  }

  @Test
  void externalDataOutsideTheFolderIsRefused(@TempDir Path dir) throws IOException {
    Path sub = Files.createDirectories(dir.resolve("model"));
    byte[][] moved = new byte[1][];
    Path p = withExternalData(sub, "../x", moved);
    Files.write(dir.resolve("x"), moved[0]); // exists, and would load: still refused
    refused(p, "'../x'", "leaves the model's folder");
    Path q = withExternalData(sub, "a/../../x", moved);
    refused(q, "leaves the model's folder");
  }

  @Test
  void symbolicLinkOutOfTheFolderIsRefused(@TempDir Path dir) throws IOException {
    Path sub = Files.createDirectories(dir.resolve("model"));
    byte[][] moved = new byte[1][];
    Path p = withExternalData(sub, "weights.bin", moved);
    Files.write(dir.resolve("outside.bin"), moved[0]);
    Files.createSymbolicLink(sub.resolve("weights.bin"), dir.resolve("outside.bin"));
    refused(p, "symbolic link");
  }

  @Test
  void externalDataInsideTheFolderLoadsAndIsInTheProvenance(@TempDir Path dir) throws IOException {
    byte[][] moved = new byte[1][];
    Path p = withExternalData(dir, "weights.bin", moved);
    Files.write(dir.resolve("weights.bin"), moved[0]);
    double[][] expected;
    try (OnnxModel reference = OnnxModelTest.load("lending-mlp.onnx", GradientMode.NONE)) {
      expected = reference.predict(Fixture.INPUTS);
    }
    Artifact first;
    try (OnnxModel m = load(p, GradientMode.SAMEDIFF)) {
      double[][] got = m.predict(Fixture.INPUTS);
      for (int i = 0; i < got.length; i++) {
        assertArrayEquals(expected[i], got[i], 1e-6);
      }
      assertTrue(m.gradients().isPresent(), m.gradientSource());
      first = m.artifact().orElseThrow();
    }
    assertTrue(first.path().contains("weights.bin"), first.path());
    assertNotEquals(Artifact.of(p, "x").sha256(), first.sha256());
    assertEquals(Files.size(p) + moved[0].length, first.bytes());
    // change one weight: the provenance changes
    moved[0][0] ^= 1;
    Files.write(dir.resolve("weights.bin"), moved[0]);
    try (OnnxModel m = load(p, GradientMode.NONE)) {
      assertNotEquals(first.sha256(), m.artifact().orElseThrow().sha256());
    }
  }

  @Test
  void missingOrShortExternalDataIsRefused(@TempDir Path dir) throws IOException {
    byte[][] moved = new byte[1][];
    Path p = withExternalData(dir, "weights.bin", moved);
    refused(p, "'weights.bin'", "does not exist");
    Files.write(dir.resolve("weights.bin"), new byte[3]);
    refused(p, "which has 3 bytes");
  }

  @Test
  void noNativeLibraryFolderIsLeftAndSameDiffIsQuiet() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (OnnxModel m = OnnxModelTest.load("lending-mlp.onnx", GradientMode.SAMEDIFF)) {
      assertTrue(m.gradients().isPresent());
      m.gradients().get().lossGradient(Fixture.INPUTS, Fixture.LABELS);
    } finally {
      System.setOut(original);
    }
    assertFalse(captured.toString(StandardCharsets.UTF_8).contains("Added differentiated op"), captured.toString(StandardCharsets.UTF_8));
    Path folder = OrtRuntime.extractionFolder().orElseThrow();
    assertTrue(folder.getFileName().toString().startsWith("onnxruntime-java"), folder.toString());
    assertFalse(Files.exists(folder), folder + " is left behind");
  }
}

package dev.gauntlet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.run.Suite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML model types {@code onnx} and {@code keras}, found through ServiceLoader, and their errors with file:line:column. */
class ModelProvidersTest {

  private static Path suite(Path dir, String model) throws IOException {
    Path f = dir.resolve("suite.yaml");
    Path fx = Fixture.dir().toAbsolutePath();
    Files.writeString(f, "name: t\nmodel: " + model.replace("FX", fx.toString()) + "\n"
        + "data: {path: " + fx.resolve("eval.csv") + ", schema: " + fx.resolve("lending.schema.yaml") + "}\n"
        + "checks:\n  - {id: acc, type: performance, conditions: [{metric: accuracy, atLeast: 0.5}]}\n");
    return f;
  }

  private static Suite load(Path f) {
    return new SuiteLoader().load(f, OptionalLong.empty(), s -> {});
  }

  @Test
  void onnxAndKerasModelsLoadFromYaml(@TempDir Path tmp) throws IOException {
    Suite onnx = load(suite(tmp, "{type: onnx, path: FX/lending-mlp.onnx, name: mlp, gradient: spsa, spsaDirections: 16}"));
    assertTrue(onnx.model().name().startsWith("mlp [ONNX Runtime; gradients: SPSA"), onnx.model().name());
    assertTrue(onnx.model().can(Capability.LOSS_GRADIENT));
    Suite keras = load(suite(tmp, "{type: keras, path: FX/lending-mlp.h5}"));
    assertEquals("lending-mlp.h5", keras.model().name());
    assertTrue(keras.model().can(Capability.LOSS_GRADIENT));
  }

  @Test
  void mistakesNameTheFileLineAndColumn(@TempDir Path tmp) throws IOException {
    UsageException bad = assertThrows(UsageException.class, () -> load(suite(tmp, "{type: onnx, path: FX/lending-mlp.onnx, gradient: exact}")));
    assertTrue(bad.getMessage().contains("suite.yaml:2:") && bad.getMessage().contains("samediff, finite-difference, spsa, auto, none"), bad.getMessage());
    UsageException two = assertThrows(UsageException.class, () -> load(suite(tmp, "{type: onnx, path: FX/bad-two-inputs.onnx}")));
    assertTrue(two.getMessage().contains("suite.yaml:2:") && two.getMessage().contains("has 2 inputs"), two.getMessage());
    UsageException dirs = assertThrows(UsageException.class,
        () -> load(suite(tmp, "{type: onnx, path: FX/lending-mlp.onnx, gradient: finite-difference, spsaDirections: 8}")));
    assertTrue(dirs.getMessage().contains("spsaDirections applies only to gradient: spsa"), dirs.getMessage());
    UsageException unknownKey = assertThrows(UsageException.class, () -> load(suite(tmp, "{type: keras, path: FX/lending-mlp.h5, gradient: spsa}")));
    assertTrue(unknownKey.getMessage().contains("gradient"), unknownKey.getMessage());
  }
}

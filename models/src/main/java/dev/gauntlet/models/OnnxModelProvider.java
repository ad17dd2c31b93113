package dev.gauntlet.models;

import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.ModelProvider;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * YAML model type {@code onnx}: {@code {type: onnx, path: model.onnx, name: ..., gradient:
 * auto|samediff|finite-difference|spsa|none, output: <output name>, spsaDirections: 256}}.
 */
public final class OnnxModelProvider implements ModelProvider {
  @Override
  public String type() {
    return "onnx";
  }

  @Override
  public String description() {
    return "an ONNX classifier or regression model (by the label's type) run by ONNX Runtime (path:, gradient: auto|samediff|finite-difference|spsa|none, output:, spsaDirections:)";
  }

  @Override
  public ModelUnderTest load(ConfigNode node, Path baseDir, Schema schema) {
    node.allowOnly("type", "path", "name", "gradient", "output", "spsaDirections");
    GradientMode mode = node.opt("gradient").map(n -> n.asEnum(GradientMode.class)).orElse(GradientMode.AUTO);
    int directions = node.integer("spsaDirections", 256);
    if (directions < 1 || directions > 100_000) {
      throw node.get("spsaDirections").error("spsaDirections must be in [1, 100000], got " + directions);
    }
    if (node.has("spsaDirections") && mode != GradientMode.SPSA) {
      throw node.get("spsaDirections").error("spsaDirections applies only to gradient: spsa (gradient is " + mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")");
    }
    String output = node.has("output") ? node.text("output") : null;
    dev.gauntlet.harness.model.Task task = dev.gauntlet.harness.model.Task.of(schema).orElse(dev.gauntlet.harness.model.Task.CLASSIFICATION);
    OnnxModel.Settings settings = new OnnxModel.Settings(mode, output, directions, task);
    OptionalInt width = OptionalInt.of(new Encoder(schema).width());
    return ModelProvider.loadFile(node, baseDir, (path, name) -> OnnxModel.load(path, name, width, settings,
        msg -> System.err.println("gauntlet: " + msg)));
  }
}

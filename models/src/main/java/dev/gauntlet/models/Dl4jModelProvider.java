package dev.gauntlet.models;

import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.ModelProvider;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.nio.file.Path;

/** YAML model type {@code dl4j}: {@code {type: dl4j, path: model.zip, name: ...}}. */
public final class Dl4jModelProvider implements ModelProvider {
  @Override
  public String type() {
    return "dl4j";
  }

  @Override
  public String description() {
    return "a DL4J MultiLayerNetwork or ComputationGraph zip written by ModelSerializer (path:)";
  }

  @Override
  public ModelUnderTest load(ConfigNode node, Path baseDir, Schema schema) {
    node.allowOnly("type", "path", "name");
    return ModelProvider.loadFile(node, baseDir, Dl4jModel::load);
  }
}

package dev.gauntlet.models;

import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.ModelProvider;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.nio.file.Path;
import java.util.OptionalInt;

/** YAML model type {@code keras}: {@code {type: keras, path: model.h5, name: ...}}. */
public final class KerasModelProvider implements ModelProvider {
  @Override
  public String type() {
    return "keras";
  }

  @Override
  public String description() {
    return "a Keras HDF5 model (model.save(\"m.h5\")) imported into DL4J, white-box (path:)";
  }

  @Override
  public ModelUnderTest load(ConfigNode node, Path baseDir, Schema schema) {
    node.allowOnly("type", "path", "name");
    OptionalInt width = OptionalInt.of(new Encoder(schema).width());
    return ModelProvider.loadFile(node, baseDir, (path, name) -> KerasModel.load(path, name, width));
  }
}

package dev.gauntlet.harness.config;

import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.nio.file.Path;

/**
 * Loads a model named in a suite's {@code model:} or {@code baseline:} block by its {@code type:}.
 * Implementations are listed in {@code META-INF/services/dev.gauntlet.harness.config.ModelProvider}.
 */
public interface ModelProvider {

  /** The {@code type:} value, e.g. {@code dl4j}. */
  String type();

  /** One line for error messages. */
  String description();

  /**
   * @param node the model block (already known to have this type)
   * @param baseDir the suite file's folder, against which relative paths resolve
   * @param schema the data schema (to validate columns or input width)
   */
  ModelUnderTest load(ConfigNode node, Path baseDir, Schema schema);

  /**
   * The common shape of file-based model types: resolves {@code path:} against the suite's folder,
   * takes {@code name:} (default: the file name) and loads; a {@link dev.gauntlet.harness.UsageException}
   * from the loader is reported at the {@code path:} node, so the message names the suite file and line.
   */
  static ModelUnderTest loadFile(ConfigNode node, Path baseDir, java.util.function.BiFunction<Path, String, ModelUnderTest> loader) {
    Path path = baseDir.resolve(node.text("path"));
    String name = node.text("name", path.getFileName().toString());
    try {
      return loader.apply(path, name);
    } catch (dev.gauntlet.harness.UsageException e) {
      throw node.get("path").error(e.getMessage());
    }
  }
}

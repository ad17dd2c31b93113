package dev.gauntlet.models;

import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.ModelProvider;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * YAML model type {@code xgboost}: {@code {type: xgboost, path: model.json|model.ubj, name: ..., threads: 1}}
 * ({@code threads}: OpenMP threads per prediction; 1 suits attacks, which query a few rows at a time).
 * The model's objective must match the suite's task: a classifier objective against a categorical
 * or binary label, a regression objective against a numeric one (exit 2 naming both otherwise).
 */
public final class XgboostModelProvider implements ModelProvider {
  @Override
  public String type() {
    return "xgboost";
  }

  @Override
  public String description() {
    return "a model saved by XGBoost (booster.save_model('m.json' or 'm.ubj')), run by xgboost4j, black-box (path:, threads: 1)";
  }

  @Override
  public ModelUnderTest load(ConfigNode node, Path baseDir, Schema schema) {
    node.allowOnly("type", "path", "name", "threads");
    int threads = node.integer("threads", 1);
    if (threads < 1 || threads > 1024) {
      throw node.get("threads").error("threads must be in [1, 1024], got " + threads);
    }
    OptionalInt width = OptionalInt.of(new Encoder(schema).width());
    ModelUnderTest m = ModelProvider.loadFile(node, baseDir, (path, name) -> XgboostModel.load(path, name, width, threads));
    XgboostModel x = (XgboostModel) m;
    if (schema.label().isPresent()) {
      ColumnSpec label = schema.label().get();
      boolean numeric = label.type() == ColumnType.NUMERIC;
      if (numeric == x.classifier()) {
        throw node.get("path").error("model '" + x.name() + "' has objective " + x.objective()
            + (x.classifier() ? " (a classifier of " + x.classCount() + " classes)" : " (a regression model, one number per row)")
            + " but the label '" + label.name() + "' is " + (numeric ? "numeric (a regression suite)"
                : label.type().name().toLowerCase(java.util.Locale.ROOT) + " with classes " + label.categories() + " (a classification suite)")
            + "; give a model trained with a " + (numeric ? "reg: objective (e.g. reg:squarederror)" : "binary:logistic or multi:softprob objective"));
      }
    }
    return m;
  }
}

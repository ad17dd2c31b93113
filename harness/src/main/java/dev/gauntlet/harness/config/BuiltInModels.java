package dev.gauntlet.harness.config;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.PrecomputedModel;
import java.nio.file.Path;
import java.util.List;

/** The model type every installation has: {@code precomputed} (the others come from the models module). */
final class BuiltInModels {
  private BuiltInModels() {}

  static List<ModelProvider> all() {
    return List.of(new Precomputed());
  }

  static final class Precomputed implements ModelProvider {
    @Override
    public String type() {
      return "precomputed";
    }

    @Override
    public String description() {
      return "decisions (prediction: column) or scores (score: column, threshold:) already in the data; a numeric prediction: column for a regression model";
    }

    @Override
    public ModelUnderTest load(ConfigNode node, Path baseDir, Schema schema) {
      node.allowOnly("type", "name", "prediction", "score", "threshold", "probability");
      boolean hasPred = node.has("prediction");
      boolean hasScore = node.has("score");
      if (hasPred == hasScore) {
        throw node.error("a precomputed model needs exactly one of 'prediction: <column>' or 'score: <column>' with 'threshold:'");
      }
      PrecomputedModel m;
      if (hasPred) {
        String col = node.text("prediction");
        boolean numeric = schema.find(col).map(c -> c.type() == dev.gauntlet.harness.data.ColumnType.NUMERIC).orElse(false);
        m = numeric ? PrecomputedModel.ofValues(node.text("name", col), col) : PrecomputedModel.ofDecisions(node.text("name", col), col);
      } else {
        if (!node.has("threshold")) {
          throw node.error("a precomputed score needs 'threshold:' (rows at or above it are decided positive)");
        }
        double threshold = node.get("threshold").asDouble();
        boolean probability = node.bool("probability", false);
        if (probability) {
          if (threshold < 0 || threshold > 1) {
            throw node.get("threshold").error("the score is declared a probability (probability: true), so the threshold must lie in [0, 1], got " + threshold);
          }
          schema.find(node.text("score")).ifPresent(s -> {
            if ((!Double.isNaN(s.min()) && s.min() < 0) || (!Double.isNaN(s.max()) && s.max() > 1)) {
              throw node.get("probability").error("the score is declared a probability, but column '" + s.name() + "' has range ["
                  + s.min() + ", " + s.max() + "] in the schema; a probability lies in [0, 1]: narrow the range or drop 'probability: true'");
            }
          });
        }
        m = PrecomputedModel.ofScores(node.text("name", node.text("score")), node.text("score"), threshold, probability);
      }
      try {
        m.validate(schema);
      } catch (UsageException e) {
        throw node.error(e.getMessage());
      }
      return m;
    }
  }
}

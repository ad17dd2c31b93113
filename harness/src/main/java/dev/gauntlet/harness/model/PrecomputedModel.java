package dev.gauntlet.harness.model;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Role;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Table;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A model that cannot be run: its decisions or scores are columns of the data (e.g. a vendor's risk
 * score). It can be audited for fairness and drift, not attacked or perturbed.
 *
 * <p>Either a {@code prediction} column (categorical, with the label's classes) or a numeric
 * {@code score} column with a {@code threshold}: a row is decided positive when its score is at or
 * above the threshold. For a regression suite (numeric label), a numeric {@code prediction} column
 * holds the predicted number per row ({@link #ofValues}).
 */
public final class PrecomputedModel implements ModelUnderTest, java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final String prediction;
  private final String score;
  private final double threshold;
  private final boolean scoreIsProbability;
  private final boolean values;

  private PrecomputedModel(String name, String prediction, String score, double threshold, boolean scoreIsProbability) {
    this(name, prediction, score, threshold, scoreIsProbability, false);
  }

  private PrecomputedModel(String name, String prediction, String score, double threshold, boolean scoreIsProbability, boolean values) {
    this.values = values;
    this.name = name;
    this.prediction = prediction;
    this.score = score;
    this.threshold = threshold;
    this.scoreIsProbability = scoreIsProbability;
  }

  /** Decisions from a categorical column whose categories are the label's classes. */
  public static PrecomputedModel ofDecisions(String name, String column) {
    return new PrecomputedModel(name, column, null, Double.NaN, false);
  }

  /** Predicted numbers (a regression model) from a numeric column, audited against a numeric label. */
  public static PrecomputedModel ofValues(String name, String column) {
    return new PrecomputedModel(name, column, null, Double.NaN, false, true);
  }

  /**
   * Decisions from a score column: positive when {@code score >= threshold}.
   *
   * @param scoreIsProbability whether the score is a probability of the positive class (enables calibration)
   */
  public static PrecomputedModel ofScores(String name, String column, double threshold, boolean scoreIsProbability) {
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be finite, got " + threshold);
    }
    return new PrecomputedModel(name, null, column, threshold, scoreIsProbability);
  }

  /** Checks the columns against a schema; a mismatch is a {@link UsageException}. */
  public void validate(Schema schema) {
    ColumnSpec label = schema.label().orElseThrow(() -> new UsageException(
        "schema '" + schema.name() + "' has no label column; a precomputed model is audited against labels"));
    if (values) {
      ColumnSpec p = schema.find(prediction).orElseThrow(() -> new UsageException(
          "precomputed model '" + name + "': the schema has no column '" + prediction + "'"));
      if (p.type() != dev.gauntlet.harness.data.ColumnType.NUMERIC) {
        throw new UsageException("precomputed model '" + name + "': prediction column '" + prediction + "' is " + p.type().name().toLowerCase(java.util.Locale.ROOT)
            + " but a regression model's predictions are numbers; declare it numeric");
      }
      if (Task.ofLabel(label) != Task.REGRESSION) {
        throw new UsageException("precomputed model '" + name + "': prediction column '" + prediction + "' is numeric (a regression model: one number per row) but "
            + Task.labelShape(label) + "; predicted classes belong in a categorical column with the label's classes");
      }
      return;
    }
    if (Task.ofLabel(label) == Task.REGRESSION) {
      throw new UsageException("precomputed model '" + name + "': " + Task.labelShape(label) + ", but "
          + (prediction != null ? "prediction column '" + prediction + "' is categorical (a classifier's decisions)" : "a score with a threshold makes binary decisions (a classifier)")
          + "; a regression suite needs a numeric 'prediction:' column");
    }
    if (prediction != null) {
      ColumnSpec p = schema.find(prediction).orElseThrow(() -> new UsageException(
          "precomputed model '" + name + "': the schema has no column '" + prediction + "'"));
      if (!p.categories().equals(label.categories())) {
        throw new UsageException("precomputed model '" + name + "': prediction column '" + prediction + "' has categories "
            + p.categories() + " but the label has classes " + label.categories() + "; they must be the same, in the same order");
      }
    } else {
      ColumnSpec s = schema.find(score).orElseThrow(() -> new UsageException(
          "precomputed model '" + name + "': the schema has no column '" + score + "'"));
      if (!s.has(Role.SCORE) && !s.has(Role.PREDICTION)) {
        throw new UsageException("precomputed model '" + name + "': column '" + score + "' must have role score");
      }
      if (label.categories().size() != 2) {
        throw new UsageException("precomputed model '" + name + "': a score with a threshold needs a binary label, but the label has classes " + label.categories());
      }
      if (scoreIsProbability) {
        if (threshold < 0 || threshold > 1) {
          throw new UsageException("precomputed model '" + name + "': the score is declared a probability, so the threshold must lie in [0, 1], got " + threshold);
        }
        if ((!Double.isNaN(s.min()) && s.min() < 0) || (!Double.isNaN(s.max()) && s.max() > 1)) {
          throw new UsageException("precomputed model '" + name + "': the score is declared a probability but column '" + score
              + "' has range [" + s.min() + ", " + s.max() + "] in the schema; a probability lies in [0, 1]: narrow the range or drop 'probability: true'");
        }
      }
    }
  }

  /** The predictions for every row of a table. */
  public Predictions predictionsFor(Table t) {
    validate(t.schema());
    ColumnSpec label = t.schema().label().orElseThrow();
    if (values) {
      double[] v = t.numeric(prediction);
      for (int i = 0; i < v.length; i++) {
        if (!Double.isFinite(v[i])) {
          throw t.errorAt(i, prediction, "column '" + prediction + "' holds " + Table.formatNumber(v[i]) + ", but precomputed model '" + name
              + "' reads its predictions from it; expected a finite number");
        }
      }
      return Predictions.ofValues(name, v.clone());
    }
    if (prediction != null) {
      int[] d = t.categorical(prediction).codes();
      return new Predictions(d.clone(), null, null, false, Double.NaN);
    }
    double[] s = t.numeric(score);
    if (scoreIsProbability) {
      for (int i = 0; i < s.length; i++) {
        if (!(s[i] >= 0 && s[i] <= 1)) {
          throw t.errorAt(i, score, "column '" + score + "' holds " + Table.formatNumber(s[i]) + ", but precomputed model '" + name
              + "' declares it a probability (probability: true); expected a value in [0, 1]: fix the data, or drop 'probability: true' if the score is not a probability");
        }
      }
    }
    int pos = label.positiveIndex();
    int[] d = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      d[i] = s[i] >= threshold ? pos : 1 - pos;
    }
    return new Predictions(d, s.clone(), null, scoreIsProbability, threshold);
  }

  /** The columns this model reads. */
  public List<String> columns() {
    return List.of(prediction != null ? prediction : score);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.PRECOMPUTED);
  }

  @Override
  public OptionalInt inputWidth() {
    return OptionalInt.empty();
  }

  @Override
  public Task task() {
    return values ? Task.REGRESSION : Task.CLASSIFICATION;
  }

  /** Whether this model's predictions are numbers (a regression model). */
  public boolean isRegression() {
    return values;
  }

  @Override
  public int classCount() {
    return values ? 0 : 2;
  }

  @Override
  public double[][] predict(double[][] x) {
    throw new UnsupportedOperationException("model '" + name + "' is precomputed (" + columns().get(0)
        + " column): it cannot be run on new inputs, so it cannot be attacked or perturbed");
  }

  @Override
  public java.util.Optional<PrecomputedModel> precomputed() {
    return java.util.Optional.of(this);
  }
}

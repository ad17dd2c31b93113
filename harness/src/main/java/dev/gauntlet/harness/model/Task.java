package dev.gauntlet.harness.model;

import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.Schema;
import java.util.Locale;
import java.util.Optional;

/**
 * What a model predicts, and so which suite audits it: a class per row ({@link #CLASSIFICATION},
 * probabilities from {@link ModelUnderTest#predict}) or one number per row ({@link #REGRESSION},
 * from {@link ModelUnderTest#predictValues}).
 *
 * <p>A suite's task follows from its schema's label column: a numeric label makes a regression
 * suite, a categorical or binary one a classification suite ({@link #of(Schema)}).
 *
 * @since 0.5
 */
public enum Task {
  /** The model gives class probabilities; the label is categorical or binary. */
  CLASSIFICATION,
  /** The model gives one finite number per row; the label is numeric. */
  REGRESSION;

  /** The task of a suite over this schema: from its label column; empty when it has none. */
  public static Optional<Task> of(Schema schema) {
    return schema.label().map(Task::ofLabel);
  }

  /** The task a label column implies: numeric means regression, anything else classification. */
  public static Task ofLabel(ColumnSpec label) {
    return label.type() == ColumnType.NUMERIC ? REGRESSION : CLASSIFICATION;
  }

  /** Lower-case name for messages and YAML ({@code classification}, {@code regression}). */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** How a label of this task looks, for messages naming both shapes. */
  public static String labelShape(ColumnSpec label) {
    return ofLabel(label) == REGRESSION
        ? "the label '" + label.name() + "' is numeric (a regression suite: one number per row)"
        : "the label '" + label.name() + "' has " + label.categories().size() + " classes " + label.categories() + " (a classification suite)";
  }

  /** How a model's output looks, for messages naming both shapes. */
  public static String modelShape(ModelUnderTest m) {
    return m.task() == REGRESSION
        ? "model '" + m.name() + "' is a regression model (one number per row)"
        : "model '" + m.name() + "' is a classifier (" + m.classCount() + " class probabilities per row)";
  }

  /**
   * Refuses a model whose task differs from the label's: a {@link dev.gauntlet.harness.UsageException}
   * naming both shapes. (A classifier's class count is checked by the caller; precomputed models by
   * {@link PrecomputedModel#validate}.)
   */
  public static void requireMatch(ModelUnderTest m, ColumnSpec label) {
    Task want = ofLabel(label);
    if (m.task() != want) {
      throw new dev.gauntlet.harness.UsageException(modelShape(m) + " but " + labelShape(label)
          + (want == REGRESSION ? "; a regression suite needs a model with one numeric output (e.g. an identity output layer)"
              : "; a classification suite needs a model that gives class probabilities (softmax or sigmoid output)"));
    }
  }
}

package dev.gauntlet.harness.model;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A model candidate (or its baseline) as Gauntlet sees it: something that maps an encoded feature
 * batch to class probabilities (a classifier) or to one number per row (a regression model), or
 * whose predictions are already in the data.
 *
 * <p>{@link #task()} says which: a classifier implements {@link #classCount()} and {@link
 * #predict}; a regression model returns {@link Task#REGRESSION} and implements {@link
 * #predictValues} (its {@link #predict} throws). A model whose task differs from the suite's (see
 * {@link Task#of}) is refused with exit 2.
 *
 * <p>Capabilities are explicit: a check that needs a capability the model lacks ends as ERROR with a
 * message saying so, never as a pass.
 */
public interface ModelUnderTest {

  /** A short name for reports. */
  String name();

  /** What this model can do. */
  Set<Capability> capabilities();

  default boolean can(Capability c) {
    return capabilities().contains(c);
  }

  /** The width of the input vector, when known. */
  OptionalInt inputWidth();

  /** Whether this model is a classifier (the default) or a regression model. */
  default Task task() {
    return Task.CLASSIFICATION;
  }

  /** How many classes {@link #predict} returns probabilities for; 0 for a regression model. */
  int classCount();

  /**
   * Class probabilities for each row of an encoded batch: an {@code n x classCount()} matrix whose
   * rows are finite, non-negative and sum to 1 (within 1e-4).
   *
   * @throws UnsupportedOperationException if the model lacks {@link Capability#PREDICT}
   */
  double[][] predict(double[][] x);

  /**
   * The predicted number for each row of an encoded batch (a regression model): {@code n} values,
   * as the model computed them. A model may return NaN or an infinity: every caller checks the
   * values with {@link Models#checkValues} before using them ({@link
   * dev.gauntlet.harness.check.CheckContext#predictValuesBatched} does, naming the row of the data),
   * so a non-finite prediction is exit 2, never a number in a metric.
   *
   * @throws UnsupportedOperationException if the model is a classifier or lacks {@link Capability#PREDICT}
   */
  default double[] predictValues(double[][] x) {
    throw new UnsupportedOperationException("model '" + name() + "' is a classifier (" + classCount()
        + " class probabilities per row); it predicts no numeric value");
  }

  /**
   * Why this model lacks a capability, in words for the report of a check that needs it (e.g. "a
   * tree ensemble has no useful gradient"); empty when the generic message says enough.
   */
  default Optional<String> missingReason(Capability c) {
    return Optional.empty();
  }

  /** Input gradients, when the model has {@link Capability#LOSS_GRADIENT}. */
  default Optional<? extends Gradients> gradients() {
    return Optional.empty();
  }

  /** Precomputed predictions, when the model has {@link Capability#PRECOMPUTED}. */
  default Optional<PrecomputedModel> precomputed() {
    return Optional.empty();
  }

  /** The file the model was loaded from, for provenance; empty for models built in code. */
  default Optional<Artifact> artifact() {
    return Optional.empty();
  }
}

package dev.gauntlet.harness.model;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A model candidate (or its baseline) as Gauntlet sees it: something that maps an encoded feature
 * batch to class probabilities, or whose predictions are already in the data.
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

  /** How many classes {@link #predict} returns probabilities for. */
  int classCount();

  /**
   * Class probabilities for each row of an encoded batch: an {@code n x classCount()} matrix whose
   * rows are finite, non-negative and sum to 1 (within 1e-4).
   *
   * @throws UnsupportedOperationException if the model lacks {@link Capability#PREDICT}
   */
  double[][] predict(double[][] x);

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

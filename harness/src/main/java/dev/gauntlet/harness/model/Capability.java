package dev.gauntlet.harness.model;

/** What a {@link ModelUnderTest} can do; checks declare which they need. */
public enum Capability {
  /** Can be called on new inputs ({@link ModelUnderTest#predict(double[][])}). */
  PREDICT,
  /** Gives the gradient of its loss with respect to the input ({@link ModelUnderTest#gradients()}). */
  LOSS_GRADIENT,
  /** Cannot be run: its decisions or scores are columns of the data ({@link ModelUnderTest#precomputed()}). */
  PRECOMPUTED
}

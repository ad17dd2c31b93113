package dev.gauntlet.models;

/**
 * How an {@link OnnxModel} obtains input gradients, which ONNX Runtime does not give.
 *
 * <p>In YAML: {@code gradient: samediff | finite-difference | spsa | auto | none}.
 */
public enum GradientMode {
  /**
   * Import the graph into SameDiff (ND4J's ONNX import) and differentiate it there; the import is
   * used only if its outputs match ONNX Runtime's on a probe batch. Exact, no extra model queries.
   */
  SAMEDIFF,
  /** Central finite differences through ONNX Runtime: {@code 2 d} model evaluations per row. */
  FINITE_DIFFERENCE,
  /**
   * Simultaneous-perturbation (SPSA) estimate through ONNX Runtime: {@code 2 m} model evaluations
   * per row for {@code m} random directions, whatever the input width.
   */
  SPSA,
  /** SameDiff when the import succeeds and matches ONNX Runtime, finite differences otherwise. */
  AUTO,
  /** No gradients: the model is black-box (gradient attacks report ERROR). */
  NONE
}

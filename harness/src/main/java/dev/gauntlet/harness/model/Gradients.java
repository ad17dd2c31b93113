package dev.gauntlet.harness.model;

/**
 * White-box access to a differentiable model, without committing the harness to a tensor library:
 * the gradient of the model's loss with respect to its input, on plain arrays.
 *
 * <p>The loss is the model's own training loss (cross-entropy for softmax outputs) <em>summed</em>
 * over the rows of the batch, so row {@code i} of the result is the gradient of row {@code i}'s own
 * loss. Regularisation terms do not depend on the input and do not appear. Adapters that compute on
 * ND4J offer more (off-heap arrays, a dense-layer view) through the models module's
 * {@code InputGradients}, which extends this interface.
 *
 * @since 0.4
 */
public interface Gradients {

  /**
   * Gradient of the summed loss with respect to each input: {@code n x d}.
   *
   * @param x encoded inputs, {@code n x d}
   * @param labels the class of each row, in {@code [0, classCount)}
   */
  double[][] lossGradient(double[][] x, int[] labels);

  /**
   * For a regression model: the gradient of its own loss (e.g. squared or absolute error) against
   * numeric targets, summed over the rows, with respect to each input: {@code n x d}. For the
   * squared or absolute error the row's gradient is a positive multiple of {@code -(y - f(x))}
   * times the gradient of the prediction, so a target above the prediction gives the direction
   * that lowers it.
   *
   * @param x encoded inputs, {@code n x d}
   * @param targets the target number of each row
   * @throws UnsupportedOperationException for a classifier (its loss takes class labels)
   * @since 0.5
   */
  default double[][] lossGradient(double[][] x, double[] targets) {
    throw new UnsupportedOperationException("a classifier's loss gradient takes class labels, not numeric targets");
  }
}

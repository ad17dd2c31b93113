package dev.gauntlet.harness.model;

import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * White-box access to a differentiable model: the gradient of its loss with respect to the input.
 *
 * <p>The loss is the model's own training loss (cross-entropy for softmax outputs) <em>summed</em>
 * over the rows of the batch, so row {@code i} of the result is the gradient of row {@code i}'s own
 * loss. Regularisation terms do not depend on the input and do not appear.
 */
public interface InputGradients {

  /**
   * Gradient of the summed loss with respect to each input: {@code n x d}.
   *
   * @param x encoded inputs, {@code n x d}
   * @param labels the class of each row, in {@code [0, classCount)}
   */
  double[][] lossGradient(double[][] x, int[] labels);

  /**
   * The same on ND4J arrays, for attacks that stay off-heap. {@code oneHotLabels} is {@code n x k}.
   * The returned array has the data type of the model.
   */
  INDArray lossGradient(INDArray x, INDArray oneHotLabels);

  /** Class probabilities on ND4J arrays: {@code n x k}. */
  INDArray output(INDArray x);

  /**
   * The model as a chain of dense layers, when it is one: callers (attacks) may then compute the same
   * gradient with their own input-only pass. Empty by default; an adapter that returns a stack
   * promises that it computes exactly {@link #output} and the loss gradient of this interface.
   */
  default Optional<DenseStack> denseStack() {
    return Optional.empty();
  }

  /** The data type the model computes in (the arrays {@link #lossGradient(INDArray, INDArray)} returns). */
  default DataType dataType() {
    return DataType.DOUBLE;
  }
}

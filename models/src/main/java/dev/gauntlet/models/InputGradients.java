package dev.gauntlet.models;

import dev.gauntlet.harness.model.Gradients;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * White-box access to a differentiable model computed on ND4J: the gradient of its loss with respect
 * to the input, on plain or ND4J arrays, and its dense-layer view when it has one.
 *
 * <p>The loss is the model's own training loss (cross-entropy for softmax outputs) <em>summed</em>
 * over the rows of the batch, so row {@code i} of the result is the gradient of row {@code i}'s own
 * loss. Regularisation terms do not depend on the input and do not appear.
 */
public interface InputGradients extends Gradients {

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

  /**
   * The model's gradients as ND4J-capable {@code InputGradients}: the adapter's own when it computes
   * on ND4J, else its plain-array {@link Gradients} (and {@link ModelUnderTest#predict}) wrapped.
   * Empty when the model has no gradients.
   */
  static Optional<InputGradients> of(ModelUnderTest model) {
    return model.gradients().map(g -> g instanceof InputGradients ig ? ig : new Wrapped(g, model));
  }

  /** A plain-array gradient seen through ND4J arrays (copies both ways; for models not on ND4J). */
  final class Wrapped implements InputGradients {
    private final Gradients gradients;
    private final ModelUnderTest model;

    private Wrapped(Gradients gradients, ModelUnderTest model) {
      this.gradients = gradients;
      this.model = model;
    }

    @Override
    public double[][] lossGradient(double[][] x, int[] labels) {
      return gradients.lossGradient(x, labels);
    }

    @Override
    public double[][] lossGradient(double[][] x, double[] targets) {
      return gradients.lossGradient(x, targets);
    }

    @Override
    public INDArray lossGradient(INDArray x, INDArray oneHotLabels) {
      INDArray y = oneHotLabels.argMax(1);
      int[] labels = new int[(int) y.length()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = y.getInt(i);
      }
      return Nd4j.create(gradients.lossGradient(x.castTo(DataType.DOUBLE).toDoubleMatrix(), labels));
    }

    @Override
    public INDArray output(INDArray x) {
      return Nd4j.create(model.predict(x.castTo(DataType.DOUBLE).toDoubleMatrix()));
    }
  }
}

package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.model.InputGradients;
import dev.gauntlet.harness.model.ModelUnderTest;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The white-box access an attack needs: the input gradient of the summed loss together with the
 * probabilities at the same point. Implementations may return internal buffers that stay valid
 * until the next call; attacks work on them in place.
 */
interface GradientPass {

  /** Gradient of the summed loss at {@code x} for the one-hot labels {@code y}, {@code n x d}. */
  INDArray gradient(INDArray x, INDArray y);

  /** The probabilities at the point of the last {@link #gradient} call, {@code n x k}. */
  INDArray lastOutput();

  /** Probabilities at {@code x}, {@code n x k}. */
  INDArray output(INDArray x);

  DataType dataType();

  /** The fastest pass for a model: an input-gradient-only pass over a dense network, else the model's own. */
  static GradientPass of(ModelUnderTest model) {
    java.util.Optional<DenseInputGradients> dense = DenseInputGradients.of(model);
    if (dense.isPresent()) {
      return dense.get();
    }
    InputGradients g = model.gradients().orElseThrow(() -> new dev.gauntlet.harness.UsageException(
        "model '" + model.name() + "' gives no input gradients; white-box attacks (fgsm, bim, pgd) need them, use simba or noise"));
    DataType dt = model instanceof dev.gauntlet.harness.model.Dl4jModel d ? d.dataType() : DataType.DOUBLE;
    return new GradientPass() {
      private INDArray x;
      private INDArray out;

      @Override
      public INDArray gradient(INDArray in, INDArray y) {
        x = in;
        out = null;
        return g.lossGradient(in, y);
      }

      @Override
      public INDArray lastOutput() {
        if (out == null) {
          out = g.output(x);
        }
        return out;
      }

      @Override
      public INDArray output(INDArray in) {
        return g.output(in);
      }

      @Override
      public DataType dataType() {
        return dt;
      }
    };
  }
}

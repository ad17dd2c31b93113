package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.models.InputGradients;
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

  /**
   * Gradient of the summed cross-entropy at {@code x} for labels computed from the probabilities at
   * {@code x} ({@code n x k} in, {@code n x k} out, rows summing to 1): for labels {@code p - g}, the
   * gradient with respect to the logits is {@code g}, so any loss whose logit gradient {@code g} has
   * rows summing to zero (CE, DLR) is differentiated by the same pass. The default makes one extra
   * forward pass; the input-only pass makes none.
   */
  default INDArray gradient(INDArray x, java.util.function.UnaryOperator<INDArray> labelsFromProbabilities) {
    INDArray in = x.dataType() == dataType() ? x : x.castTo(dataType());
    return gradient(in, labelsFromProbabilities.apply(output(in)));
  }

  /** The probabilities at the point of the last {@link #gradient} call, {@code n x k}. */
  INDArray lastOutput();

  /** Probabilities at {@code x}, {@code n x k}. */
  INDArray output(INDArray x);

  DataType dataType();

  /**
   * The fastest pass for a model, chosen by its gradient capability: the input-gradient-only pass when the
   * model describes itself as a {@link dev.gauntlet.models.DenseStack}, else the model's own gradients.
   */
  static GradientPass of(ModelUnderTest model) {
    java.util.Optional<DenseInputGradients> dense = DenseInputGradients.of(model);
    if (dense.isPresent()) {
      return dense.get();
    }
    InputGradients g = InputGradients.of(model).orElseThrow(() -> new dev.gauntlet.harness.UsageException(
        "model '" + model.name() + "' gives no input gradients; white-box attacks (fgsm, bim, pgd, apgd-ce, apgd-dlr) need them, use simba or noise"));
    DataType dt = g.dataType();
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

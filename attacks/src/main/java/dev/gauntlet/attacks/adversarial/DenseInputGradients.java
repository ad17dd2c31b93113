package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.models.DenseStack;
import dev.gauntlet.models.Dl4jModel;
import dev.gauntlet.models.InputGradients;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The input gradient of a dense DL4J network computed by its own forward and backward pass over
 * the layers' weights with ND4J matrix products, skipping every weight gradient that DL4J's
 * {@code calculateGradients} would also compute. Buffers are kept per batch size and reused, so an
 * attack step allocates no new large arrays.
 *
 * <p>Supported: any model whose {@link InputGradients#denseStack} describes it as a chain of dense
 * layers (identity, ReLU, tanh or sigmoid) with a softmax or one-sigmoid head under cross-entropy,
 * which has the gradient {@code p - y} with respect to the last pre-activation. The capability is
 * the model's, not its class: DL4J networks and graphs, Keras imports and ONNX graphs translated to
 * SameDiff all declare it. Any other model ({@link #of} is empty) uses its own {@link InputGradients}.
 * Instances are not thread-safe beyond their synchronized methods; the array returned by
 * {@link #gradient} is a buffer overwritten by the next call.
 */
public final class DenseInputGradients implements InputGradients, GradientPass {
  private enum Act { IDENTITY, RELU, TANH, SIGMOID }

  private final INDArray[] weights;
  private final INDArray[] biases;
  private final Act[] acts;
  private final boolean sigmoidOutput;
  private final int classes;
  private final DataType dtype;
  private long batch = -1;
  private INDArray[] activations;
  private INDArray[] deltas;
  private INDArray inputGradient;
  private INDArray scratch;
  private INDArray outputBuffer;

  private DenseInputGradients(INDArray[] weights, INDArray[] biases, Act[] acts, boolean sigmoidOutput, DataType dtype) {
    this.weights = weights;
    this.biases = biases;
    this.acts = acts;
    this.sigmoidOutput = sigmoidOutput;
    this.dtype = dtype;
    this.classes = sigmoidOutput ? 2 : (int) weights[weights.length - 1].columns();
  }

  /**
   * The input-only pass for a model whose gradient capability describes it as a {@link DenseStack}
   * (DL4J networks and graphs, Keras imports, translated ONNX graphs: whatever the adapter), else empty.
   */
  public static Optional<DenseInputGradients> of(ModelUnderTest model) {
    return InputGradients.of(model).flatMap(InputGradients::denseStack).map(DenseInputGradients::of);
  }

  /** The input-only pass for a dense network (empty when the network is not a {@link DenseStack}). */
  public static Optional<DenseInputGradients> of(MultiLayerNetwork net) {
    return of(Dl4jModel.of(net, "network"));
  }

  /** The input-only pass over a dense stack. */
  public static DenseInputGradients of(DenseStack stack) {
    int n = stack.layers().size();
    INDArray[] w = new INDArray[n];
    INDArray[] b = new INDArray[n];
    Act[] acts = new Act[n];
    DataType dt = stack.dataType();
    for (int i = 0; i < n; i++) {
      DenseStack.Layer l = stack.layers().get(i);
      w[i] = l.weights().dataType() == dt ? l.weights() : l.weights().castTo(dt);
      b[i] = l.bias() == null ? null : l.bias().reshape(1, l.bias().length()).castTo(dt);
      acts[i] = Act.valueOf(l.activation().name());
    }
    return new DenseInputGradients(w, b, acts, stack.output() == DenseStack.Output.SIGMOID, dt);
  }

  @Override
  public DataType dataType() {
    return dtype;
  }

  private void buffers(long n) {
    if (n == batch) {
      return;
    }
    int layers = weights.length;
    activations = new INDArray[layers];
    deltas = new INDArray[layers];
    for (int i = 0; i < layers; i++) {
      activations[i] = Nd4j.createUninitialized(dtype, n, weights[i].columns());
      deltas[i] = Nd4j.createUninitialized(dtype, n, weights[i].columns());
    }
    inputGradient = Nd4j.createUninitialized(dtype, n, weights[0].rows());
    long widest = 1;
    for (int i = 0; i < layers - 1; i++) {
      widest = Math.max(widest, weights[i].columns());
    }
    scratch = Nd4j.createUninitialized(dtype, n * widest);
    outputBuffer = sigmoidOutput ? Nd4j.createUninitialized(dtype, n, 2) : activations[layers - 1];
    batch = n;
  }

  private INDArray forward(INDArray x) {
    INDArray in = x.dataType() == dtype ? x : x.castTo(dtype);
    int layers = weights.length;
    for (int i = 0; i < layers; i++) {
      INDArray z = activations[i];
      Nd4j.gemm(in, weights[i], z, false, false, 1.0, 0.0);
      if (biases[i] != null) {
        z.addiRowVector(biases[i]);
      }
      if (i < layers - 1) {
        switch (acts[i]) {
          case RELU -> Transforms.relu(z, false);
          case TANH -> Transforms.tanh(z, false);
          case SIGMOID -> Transforms.sigmoid(z, false);
          case IDENTITY -> { }
        }
      } else if (sigmoidOutput) {
        Transforms.sigmoid(z, false);
        outputBuffer.getColumn(1).assign(z.reshape(z.rows()));
        outputBuffer.getColumn(0).assign(z.reshape(z.rows()).rsub(1.0));
      } else {
        Nd4j.exec(new SoftMax(z, z));
      }
      in = z;
    }
    return outputBuffer;
  }

  /**
   * The input gradient at {@code x} for one-hot labels {@code y} ({@code n x k}); the returned
   * array is a buffer that the next call overwrites. {@link #lastOutput} then holds the
   * probabilities at {@code x}.
   */
  @Override
  public synchronized INDArray gradient(INDArray x, INDArray y) {
    buffers(x.rows());
    forward(x);
    return backward(x.rows(), y);
  }

  /** As {@link GradientPass#gradient(INDArray, java.util.function.UnaryOperator)}, with one forward pass. */
  @Override
  public synchronized INDArray gradient(INDArray x, java.util.function.UnaryOperator<INDArray> labelsFromProbabilities) {
    buffers(x.rows());
    INDArray p = forward(x);
    return backward(x.rows(), labelsFromProbabilities.apply(p));
  }

  private INDArray backward(long n, INDArray y) {
    int last = weights.length - 1;
    INDArray delta = deltas[last];
    if (sigmoidOutput) {
      delta.assign(activations[last]).subi(y.getColumn(1).reshape(n, 1).castTo(dtype));
    } else {
      delta.assign(activations[last]).subi(y.dataType() == dtype ? y : y.castTo(dtype));
    }
    for (int i = last; i >= 1; i--) {
      INDArray eps = deltas[i - 1];
      Nd4j.gemm(deltas[i], weights[i], eps, false, true, 1.0, 0.0);
      INDArray a = activations[i - 1];
      switch (acts[i - 1]) {
        case RELU -> Nd4j.exec(new ThresholdReluBp(a, eps, eps, 0.0));
        case TANH -> {
          INDArray s = scratch.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, a.length())).reshape(a.shape());
          s.assign(a).muli(a).rsubi(1.0);
          eps.muli(s);
        }
        case SIGMOID -> {
          INDArray s = scratch.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, a.length())).reshape(a.shape());
          s.assign(a).muli(a).rsubi(a);
          eps.muli(s);
        }
        case IDENTITY -> { }
      }
    }
    Nd4j.gemm(deltas[0], weights[0], inputGradient, false, true, 1.0, 0.0);
    return inputGradient;
  }

  @Override
  public synchronized INDArray lastOutput() {
    return outputBuffer;
  }

  @Override
  public synchronized INDArray output(INDArray x) {
    buffers(x.rows());
    return forward(x).dup();
  }

  // ---- InputGradients: fresh arrays, for callers that keep results ----

  @Override
  public double[][] lossGradient(double[][] x, int[] labels) {
    INDArray y = Nd4j.zeros(dtype, x.length, classes);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is not a class in [0, " + classes + ")");
      }
      y.putScalar(i, labels[i], 1);
    }
    return lossGradient(Nd4j.create(x).castTo(dtype), y).castTo(DataType.DOUBLE).toDoubleMatrix();
  }

  @Override
  public synchronized INDArray lossGradient(INDArray x, INDArray oneHotLabels) {
    return gradient(x, oneHotLabels).dup();
  }
}

package dev.gauntlet.models;

import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable model described as a chain of dense layers, whatever it was built with (a DL4J
 * network or graph, a Keras import, an ONNX graph translated to SameDiff): the gradient capability
 * that lets an attack run its own input-gradient-only forward and backward pass instead of the
 * framework's.
 *
 * <p>Layer {@code i} computes {@code a_i = act_i(a_{i-1} W_i + b_i)}; the last layer's activation is
 * {@link Activation#IDENTITY} and {@link #output} turns its pre-activation into probabilities. The
 * loss is the one {@link InputGradients} defines: cross-entropy summed over the rows. Arrays are
 * the model's own parameters: callers must not modify them.
 *
 * @param layers at least one layer, widths chained ({@code W_i.columns() == W_{i+1}.rows()})
 * @param output how the last pre-activation becomes probabilities
 * @param dataType the data type of every weight and bias
 */
public record DenseStack(List<Layer> layers, Output output, DataType dataType) {

  /** Hidden-layer activations the input-only pass supports. */
  public enum Activation { IDENTITY, RELU, TANH, SIGMOID }

  /** The probability head: softmax over {@code k >= 2} units, or a sigmoid unit read as {@code [1 - p, p]}. */
  public enum Output { SOFTMAX, SIGMOID }

  /**
   * @param weights {@code in x out}
   * @param bias {@code 1 x out} (or a vector of {@code out}), or null for none
   */
  public record Layer(INDArray weights, INDArray bias, Activation activation) {
    public Layer {
      Objects.requireNonNull(weights, "weights");
      Objects.requireNonNull(activation, "activation");
      if (weights.rank() != 2) {
        throw new IllegalArgumentException("weights must be a matrix, got shape " + java.util.Arrays.toString(weights.shape()));
      }
      if (bias != null && bias.length() != weights.columns()) {
        throw new IllegalArgumentException("bias has " + bias.length() + " values for " + weights.columns() + " units");
      }
    }
  }

  public DenseStack {
    layers = List.copyOf(layers);
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(dataType, "dataType");
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a dense stack needs at least one layer");
    }
    for (int i = 0; i + 1 < layers.size(); i++) {
      if (layers.get(i).weights().columns() != layers.get(i + 1).weights().rows()) {
        throw new IllegalArgumentException("layer " + i + " has " + layers.get(i).weights().columns() + " outputs but layer "
            + (i + 1) + " takes " + layers.get(i + 1).weights().rows());
      }
    }
    Layer last = layers.get(layers.size() - 1);
    if (last.activation() != Activation.IDENTITY) {
      throw new IllegalArgumentException("the last layer's activation is the output head; give IDENTITY, got " + last.activation());
    }
    long k = last.weights().columns();
    if (output == Output.SOFTMAX ? k < 2 : k != 1) {
      throw new IllegalArgumentException(output + " head over " + k + " units; softmax needs 2 or more, sigmoid exactly 1");
    }
  }

  /** The input width. */
  public long inputWidth() {
    return layers.get(0).weights().rows();
  }

  /**
   * The stack's probabilities in plain double arithmetic: a reference for adapters that check a
   * stack they read against the model's own outputs before declaring it.
   */
  public double[][] probabilities(double[][] x) {
    double[][] out = new double[x.length][];
    for (int r = 0; r < x.length; r++) {
      double[] a = x[r];
      for (Layer l : layers) {
        double[][] w = l.weights().castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] b = l.bias() == null ? null : l.bias().castTo(DataType.DOUBLE).data().asDouble();
        double[] z = new double[w[0].length];
        for (int j = 0; j < z.length; j++) {
          double s = b == null ? 0 : b[j];
          for (int i = 0; i < a.length; i++) {
            s += a[i] * w[i][j];
          }
          z[j] = switch (l.activation()) {
            case IDENTITY -> s;
            case RELU -> Math.max(0, s);
            case TANH -> Math.tanh(s);
            case SIGMOID -> 1 / (1 + Math.exp(-s));
          };
        }
        a = z;
      }
      if (output == Output.SIGMOID) {
        double p = 1 / (1 + Math.exp(-a[0]));
        out[r] = new double[] {1 - p, p};
      } else {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : a) {
          max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[a.length];
        for (int j = 0; j < a.length; j++) {
          p[j] = Math.exp(a[j] - max);
          sum += p[j];
        }
        for (int j = 0; j < a.length; j++) {
          p[j] /= sum;
        }
        out[r] = p;
      }
    }
    return out;
  }
}

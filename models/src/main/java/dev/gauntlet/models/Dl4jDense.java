package dev.gauntlet.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Reads a DL4J network or graph as a {@link DenseStack}: {@link DenseLayer}s (identity, ReLU, tanh or
 * sigmoid, no weight noise, no input preprocessors) chained from the input to an {@link OutputLayer}
 * with softmax and unweighted multi-class cross-entropy (or negative log-likelihood), or one sigmoid
 * unit with unweighted binary cross-entropy. Anything else is not a dense stack (empty).
 */
final class Dl4jDense {
  private Dl4jDense() {}

  static Optional<DenseStack> of(MultiLayerNetwork net) {
    int n = net.getnLayers();
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (net.getLayerWiseConfigurations().getInputPreProcess(i) != null) {
        return Optional.empty();
      }
      layers.add(net.getLayer(i));
    }
    return of(layers, net.params().dataType());
  }

  /** A graph whose vertices (apart from its input) are layers, each fed by the one before, in one chain. */
  static Optional<DenseStack> of(ComputationGraph graph) {
    GraphVertex[] vertices = graph.getVertices();
    List<Layer> chain = new ArrayList<>();
    int previous = -1;
    for (int idx : graph.topologicalSortOrder()) {
      GraphVertex v = vertices[idx];
      if (v.isInputVertex()) {
        if (previous >= 0) {
          return Optional.empty();
        }
        previous = idx;
        continue;
      }
      if (!v.hasLayer() || v.getInputVertices() == null || v.getInputVertices().length != 1
          || v.getInputVertices()[0].getVertexIndex() != previous
          || v instanceof org.deeplearning4j.nn.graph.vertex.impl.LayerVertex lv && lv.getLayerPreProcessor() != null) {
        return Optional.empty();
      }
      chain.add(v.getLayer());
      previous = idx;
    }
    return of(chain, graph.params().dataType());
  }

  private static Optional<DenseStack> of(List<Layer> net, DataType dtype) {
    int n = net.size();
    if (n == 0) {
      return Optional.empty();
    }
    List<DenseStack.Layer> layers = new ArrayList<>();
    DenseStack.Output head = null;
    for (int i = 0; i < n; i++) {
      org.deeplearning4j.nn.conf.layers.Layer conf = net.get(i).conf().getLayer();
      boolean last = i == n - 1;
      if (!last && !(conf instanceof DenseLayer) || last && !(conf instanceof OutputLayer)) {
        return Optional.empty();
      }
      BaseLayer bl = (BaseLayer) conf;
      if (bl.getWeightNoise() != null) {
        return Optional.empty();
      }
      IActivation a = bl.getActivationFn();
      DenseStack.Activation act;
      if (last) {
        OutputLayer out = (OutputLayer) conf;
        ILossFunction loss = out.getLossFn();
        if (a instanceof ActivationSoftmax && loss instanceof LossMCXENT mc && mc.getWeights() == null && out.getNOut() >= 2) {
          head = DenseStack.Output.SOFTMAX;
        } else if (a instanceof ActivationSigmoid && loss instanceof LossBinaryXENT bx && bx.getWeights() == null && out.getNOut() == 1) {
          head = DenseStack.Output.SIGMOID;
        } else {
          return Optional.empty();
        }
        act = DenseStack.Activation.IDENTITY;
      } else {
        act = a instanceof ActivationReLU ? DenseStack.Activation.RELU : a instanceof ActivationTanH ? DenseStack.Activation.TANH
            : a instanceof ActivationSigmoid ? DenseStack.Activation.SIGMOID : a instanceof ActivationIdentity ? DenseStack.Activation.IDENTITY : null;
        if (act == null) {
          return Optional.empty();
        }
      }
      org.deeplearning4j.nn.api.Layer layer = net.get(i);
      if (layer.getParam("W") == null) {
        return Optional.empty();
      }
      layers.add(new DenseStack.Layer(layer.getParam("W"), layer.getParam("b"), act));
    }
    return Optional.of(new DenseStack(layers, head, dtype));
  }
}

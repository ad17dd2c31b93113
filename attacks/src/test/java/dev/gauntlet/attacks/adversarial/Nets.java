package dev.gauntlet.attacks.adversarial;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small DL4J networks for tests. */
final class Nets {
  private Nets() {}

  /** Logistic regression as one sigmoid unit with binary cross-entropy, weights set to {@code w}, {@code b}. */
  static MultiLayerNetwork logistic(double[] w, double b) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list()
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nIn(w.length).nOut(1).activation(Activation.SIGMOID).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    net.getLayer(0).setParam("W", Nd4j.create(w, new long[] {w.length, 1}, DataType.DOUBLE));
    net.getLayer(0).setParam("b", Nd4j.create(new double[] {b}, new long[] {1, 1}, DataType.DOUBLE));
    return net;
  }

  /** An MLP {@code in -> hidden... -> classes} (softmax, cross-entropy) with seeded random weights. */
  static MultiLayerNetwork mlp(long seed, DataType dt, int in, int classes, Activation act, int... hidden) {
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(seed).dataType(dt).weightInit(WeightInit.XAVIER)
        .updater(new Adam(0.01)).list();
    int prev = in;
    for (int h : hidden) {
      b.layer(new DenseLayer.Builder().nIn(prev).nOut(h).activation(act).build());
      prev = h;
    }
    b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(prev).nOut(classes).activation(Activation.SOFTMAX).build());
    MultiLayerNetwork net = new MultiLayerNetwork(b.build());
    net.init();
    return net;
  }

  static INDArray oneHot(int[] labels, int k, DataType dt) {
    INDArray y = Nd4j.zeros(dt, labels.length, k);
    for (int i = 0; i < labels.length; i++) {
      y.putScalar(i, labels[i], 1);
    }
    return y;
  }
}

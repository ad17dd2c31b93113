package dev.gauntlet.models;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The targets of an input loss gradient as ND4J arrays, checked against the batch they go with. */
final class LossTargets {
  private LossTargets() {}

  /** One label per row, each a class in {@code [0, k)}. */
  static void check(double[][] x, int[] labels, int k) {
    if (labels.length != x.length) {
      throw new IllegalArgumentException(x.length + " rows but " + labels.length + " labels");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= k) {
        throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is not a class in [0, " + k + ")");
      }
    }
  }

  /** The labels one-hot, {@code [rows, k]} in {@code dtype}, after {@link #check}. */
  static INDArray oneHot(double[][] x, int[] labels, int k, DataType dtype) {
    check(x, labels, k);
    INDArray y = Nd4j.zeros(dtype, x.length, k);
    for (int i = 0; i < labels.length; i++) {
      y.putScalar(i, labels[i], 1);
    }
    return y;
  }

  /** A regression model's numeric targets as a {@code [rows, 1]} column in {@code dtype}; one per row. */
  static INDArray column(double[][] x, double[] targets, DataType dtype) {
    if (targets.length != x.length) {
      throw new IllegalArgumentException(x.length + " rows but " + targets.length + " targets");
    }
    return Nd4j.create(targets, new long[] {targets.length, 1}).castTo(dtype);
  }
}

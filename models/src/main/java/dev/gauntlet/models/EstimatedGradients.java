package dev.gauntlet.models;

import dev.gauntlet.models.InputGradients;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Input gradients of the cross-entropy loss {@code -ln p_y(x)} estimated from model queries alone,
 * for models that cannot be differentiated: central finite differences ({@code 2 d} queries per
 * row) or SPSA ({@code 2 m} queries per row for {@code m} Rademacher directions, seeded by the row's
 * own values so that the estimate is a deterministic function of the input).
 */
final class EstimatedGradients implements InputGradients {
  /** Finite-difference step in encoded units: large enough for float32 models. */
  static final double FD_STEP = 1e-3;
  /** SPSA perturbation size in encoded units. */
  static final double SPSA_STEP = 1e-2;
  private static final double TINY = 1e-12;

  private final OnnxModel model;
  private final GradientMode mode;
  private final int directions;

  EstimatedGradients(OnnxModel model, GradientMode mode, int directions) {
    if (mode != GradientMode.FINITE_DIFFERENCE && mode != GradientMode.SPSA) {
      throw new IllegalArgumentException("not an estimation mode: " + mode);
    }
    this.model = model;
    this.mode = mode;
    this.directions = directions;
  }

  @Override
  public double[][] lossGradient(double[][] x, int[] labels) {
    LossTargets.check(x, labels, model.classCount());
    return mode == GradientMode.FINITE_DIFFERENCE ? finiteDifferences(x, labels) : spsa(x, labels);
  }

  private double[][] finiteDifferences(double[][] x, int[] labels) {
    int n = x.length;
    int d = x.length == 0 ? 0 : x[0].length;
    double[][] q = new double[n * 2 * d][];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        double[] plus = x[i].clone();
        double[] minus = x[i].clone();
        plus[j] += FD_STEP;
        minus[j] -= FD_STEP;
        q[(i * d + j) * 2] = plus;
        q[(i * d + j) * 2 + 1] = minus;
      }
    }
    double[][] p = model.predict(q);
    double[][] g = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        int r = (i * d + j) * 2;
        g[i][j] = (logProb(p[r + 1], labels[i]) - logProb(p[r], labels[i])) / (2 * FD_STEP);
      }
    }
    return g;
  }

  private double[][] spsa(double[][] x, int[] labels) {
    int n = x.length;
    int d = x.length == 0 ? 0 : x[0].length;
    int m = directions;
    double[][][] delta = new double[n][m][d];
    double[][] q = new double[n * 2 * m][];
    for (int i = 0; i < n; i++) {
      SplittableRandom r = new SplittableRandom(seedOf(x[i], labels[i]));
      for (int s = 0; s < m; s++) {
        double[] plus = x[i].clone();
        double[] minus = x[i].clone();
        for (int j = 0; j < d; j++) {
          double dj = r.nextBoolean() ? 1 : -1;
          delta[i][s][j] = dj;
          plus[j] += SPSA_STEP * dj;
          minus[j] -= SPSA_STEP * dj;
        }
        q[(i * m + s) * 2] = plus;
        q[(i * m + s) * 2 + 1] = minus;
      }
    }
    double[][] p = model.predict(q);
    double[][] g = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < m; s++) {
        int r = (i * m + s) * 2;
        double slope = (logProb(p[r + 1], labels[i]) - logProb(p[r], labels[i])) / (2 * SPSA_STEP);
        for (int j = 0; j < d; j++) {
          g[i][j] += slope * delta[i][s][j] / m; // 1 / delta_j = delta_j for +-1 entries
        }
      }
    }
    return g;
  }

  /** {@code ln p_label}; the loss is its negative, hence (ln p(x - h) - ln p(x + h)) / 2h above. */
  private static double logProb(double[] p, int label) {
    return Math.log(Math.max(p[label], TINY));
  }

  private static long seedOf(double[] row, int label) {
    long h = 0x9E3779B97F4A7C15L * (label + 1);
    for (double v : row) {
      h = (h ^ Double.doubleToLongBits(v)) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return h;
  }

  @Override
  public INDArray lossGradient(INDArray x, INDArray oneHotLabels) {
    double[][] xs = x.castTo(DataType.DOUBLE).toDoubleMatrix();
    int[] labels = oneHotLabels.argMax(1).toIntVector();
    return Nd4j.create(lossGradient(xs, labels)).castTo(x.dataType());
  }

  @Override
  public INDArray output(INDArray x) {
    return Nd4j.create(model.predict(x.castTo(DataType.DOUBLE).toDoubleMatrix())).castTo(x.dataType());
  }
}

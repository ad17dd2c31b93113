package dev.gauntlet.harness.model;

import dev.gauntlet.harness.UsageException;

/** Checks shared by the adapters: shapes in, probabilities out. */
public final class Models {
  private Models() {}

  /** Rejects a batch whose width differs from the model's input width, naming both. */
  public static void checkWidth(String model, int width, double[][] x) {
    if (x.length > 0 && x[0].length != width) {
      throw new UsageException("model '" + model + "' takes inputs of width " + width + " but the schema encodes "
          + x[0].length + " features; the schema's features and encodings must match what the model was trained on");
    }
  }

  /** Rejects NaN, infinite, negative or non-normalised outputs: never pass on garbage. */
  public static void checkProbabilities(String model, double[][] p, int rows, int classes) {
    if (p == null || p.length != rows) {
      throw new UsageException("model '" + model + "' returned " + (p == null ? "nothing" : p.length + " rows") + " for " + rows + " inputs");
    }
    for (int i = 0; i < rows; i++) {
      if (p[i].length != classes) {
        throw new UsageException("model '" + model + "' returned " + p[i].length + " values for row " + i + ", expected " + classes + " class probabilities");
      }
      double s = 0;
      for (double v : p[i]) {
        if (!Double.isFinite(v) || v < -1e-9) {
          throw new UsageException("model '" + model + "' returned " + v + " as a probability for row " + i + "; expected finite values in [0, 1]");
        }
        s += v;
      }
      if (Math.abs(s - 1) > 1e-4) {
        throw new UsageException("model '" + model + "' returned probabilities summing to " + s + " for row " + i
            + "; expected a probability vector (softmax or sigmoid output)");
      }
    }
  }

  /**
   * Rejects a regression model's output that is missing, of the wrong length, or holds NaN or an
   * infinity: a {@link UsageException} naming the model and the first bad row.
   */
  public static void checkValues(String model, double[] v, int rows) {
    checkValues(model, v, rows, 0);
  }

  /** As {@link #checkValues(String, double[], int)}, with row numbers offset by {@code firstRow} (batched calls). */
  public static void checkValues(String model, double[] v, int rows, int firstRow) {
    if (v == null || v.length != rows) {
      throw new UsageException("model '" + model + "' returned " + (v == null ? "nothing" : v.length + " values") + " for " + rows
          + " inputs; a regression model returns one number per row");
    }
    for (int i = 0; i < rows; i++) {
      if (!Double.isFinite(v[i])) {
        throw new UsageException("model '" + model + "' predicted " + v[i] + " for row " + (firstRow + i)
            + "; a regression model must return a finite number for every row (check the input's encoding and the model's weights)");
      }
    }
  }

  /** Index of the largest value. */
  public static int argmax(double[] p) {
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return best;
  }
}

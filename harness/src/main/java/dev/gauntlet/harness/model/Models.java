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

package dev.gauntlet.drift.simulate;

import java.util.SplittableRandom;

/**
 * A labelled synthetic stream with known change points, and the errors of a fixed model trained
 * on its first concept, for rehearsing streaming detectors.
 *
 * @param x the features, one row per instance
 * @param y the labels (0/1), after label noise
 * @param modelErrors 1 where the first concept's rule (the "model") disagrees with {@code y}
 * @param changePoints positions where the concept changes (the first row of the new concept)
 */
public record SyntheticStream(double[][] x, int[] y, double[] modelErrors, int[] changePoints) {

  /** The SEA thresholds of Street and Kim (2001), one per concept. */
  public static final double[] SEA_THRESHOLDS = {8, 9, 7, 9.5};

  /**
   * SEA concepts (Street and Kim 2001): three features uniform on [0, 10], label 1 when
   * {@code x1 + x2 <= theta}; the third feature is irrelevant; labels are flipped with probability
   * {@code noise} (10% in the paper). The concept switches suddenly at {@code changeAt}.
   *
   * @param thetas the threshold of each concept in turn (e.g. {@link #SEA_THRESHOLDS})
   * @param changeAt the first row of each concept after the first ({@code thetas.length - 1} of them)
   */
  public static SyntheticStream sea(int n, double[] thetas, int[] changeAt, double noise, SplittableRandom rnd) {
    if (changeAt.length != thetas.length - 1) {
      throw new IllegalArgumentException(thetas.length + " concepts need " + (thetas.length - 1) + " change points, got " + changeAt.length);
    }
    double[][] x = new double[n][3];
    int[] y = new int[n];
    double[] err = new double[n];
    int concept = 0;
    for (int i = 0; i < n; i++) {
      while (concept < changeAt.length && i >= changeAt[concept]) {
        concept++;
      }
      for (int d = 0; d < 3; d++) {
        x[i][d] = 10 * rnd.nextDouble();
      }
      int clean = x[i][0] + x[i][1] <= thetas[concept] ? 1 : 0;
      y[i] = rnd.nextDouble() < noise ? 1 - clean : clean;
      int model = x[i][0] + x[i][1] <= thetas[0] ? 1 : 0;
      err[i] = model == y[i] ? 0 : 1;
    }
    return new SyntheticStream(x, y, err, changeAt.clone());
  }

  /**
   * A rotating hyperplane (Hulten, Spencer and Domingos 2001): {@code d} features uniform on [0, 1],
   * label 1 when {@code sum w_i x_i >= sum w_i / 2}; from {@code changeAt} on every weight moves by
   * {@code magnitude} per instance in its own direction, which reverses with probability 10% per
   * instance; labels are flipped with probability {@code noise}. The "model" is the initial plane,
   * so its error grows gradually after the change.
   */
  public static SyntheticStream hyperplane(int n, int d, int changeAt, double magnitude, double noise, SplittableRandom rnd) {
    if (d < 2) {
      throw new IllegalArgumentException("a hyperplane needs at least 2 dimensions, got " + d);
    }
    double[] w = new double[d];
    double[] w0 = new double[d];
    double[] dir = new double[d];
    for (int k = 0; k < d; k++) {
      w[k] = rnd.nextDouble();
      w0[k] = w[k];
      dir[k] = rnd.nextBoolean() ? 1 : -1;
    }
    double[][] x = new double[n][d];
    int[] y = new int[n];
    double[] err = new double[n];
    for (int i = 0; i < n; i++) {
      double dot = 0;
      double half = 0;
      double dot0 = 0;
      double half0 = 0;
      for (int k = 0; k < d; k++) {
        x[i][k] = rnd.nextDouble();
        dot += w[k] * x[i][k];
        half += w[k] / 2;
        dot0 += w0[k] * x[i][k];
        half0 += w0[k] / 2;
      }
      int clean = dot >= half ? 1 : 0;
      y[i] = rnd.nextDouble() < noise ? 1 - clean : clean;
      err[i] = (dot0 >= half0 ? 1 : 0) == y[i] ? 0 : 1;
      if (i >= changeAt) {
        for (int k = 0; k < d; k++) {
          w[k] += dir[k] * magnitude;
          if (rnd.nextDouble() < 0.1) {
            dir[k] = -dir[k];
          }
        }
      }
    }
    return new SyntheticStream(x, y, err, new int[] {changeAt});
  }
}

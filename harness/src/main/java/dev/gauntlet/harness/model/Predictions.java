package dev.gauntlet.harness.model;

/**
 * What a model said about each row of a table.
 *
 * @param decisions the predicted class of each row (index into the label's classes)
 * @param scores the score of the positive class per row, or null when the model gives none
 * @param probabilities the class probabilities per row, or null for precomputed decisions and scores
 * @param scoresAreProbabilities whether {@code scores} are probabilities in [0, 1] (calibration applies)
 * @param threshold the score at or above which a row is decided positive (binary models), or NaN
 */
public record Predictions(int[] decisions, double[] scores, double[][] probabilities, boolean scoresAreProbabilities, double threshold) {

  public int size() {
    return decisions.length;
  }

  /** The rows at the given indexes. */
  public Predictions select(int[] rows) {
    int[] d = new int[rows.length];
    double[] s = scores == null ? null : new double[rows.length];
    double[][] p = probabilities == null ? null : new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      d[i] = decisions[rows[i]];
      if (s != null) {
        s[i] = scores[rows[i]];
      }
      if (p != null) {
        p[i] = probabilities[rows[i]];
      }
    }
    return new Predictions(d, s, p, scoresAreProbabilities, threshold);
  }

  /**
   * Decisions from probabilities: for two classes, positive when {@code p[positive] >= threshold};
   * for more, the most probable class.
   */
  public static Predictions fromProbabilities(double[][] p, int positive, double threshold) {
    int n = p.length;
    int[] d = new int[n];
    double[] s = null;
    if (n > 0 && p[0].length == 2) {
      s = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = p[i][positive];
        d[i] = s[i] >= threshold ? positive : 1 - positive;
      }
    } else {
      for (int i = 0; i < n; i++) {
        d[i] = Models.argmax(p[i]);
      }
    }
    return new Predictions(d, s, p, true, s == null ? Double.NaN : threshold);
  }
}

package dev.gauntlet.harness.model;

import dev.gauntlet.harness.UsageException;

/**
 * What a model said about each row of a table: a class per row (classification) or a number per
 * row (regression, {@link #values}; see {@link #task()}).
 *
 * @param decisions the predicted class of each row (index into the label's classes); null for regression
 * @param scores the score of the positive class per row, or null when the model gives none
 * @param probabilities the class probabilities per row, or null for precomputed decisions and scores
 * @param scoresAreProbabilities whether {@code scores} are probabilities in [0, 1] (calibration applies)
 * @param threshold the score at or above which a row is decided positive (binary models), or NaN
 * @param values the predicted number per row (regression), finite; null for classification
 */
public record Predictions(int[] decisions, double[] scores, double[][] probabilities, boolean scoresAreProbabilities, double threshold,
    double[] values) implements java.io.Serializable {

  public Predictions {
    if ((decisions == null) == (values == null)) {
      throw new IllegalArgumentException("predictions hold either decisions (classification) or values (regression), exactly one");
    }
  }

  /** Classification predictions (no values). */
  public Predictions(int[] decisions, double[] scores, double[][] probabilities, boolean scoresAreProbabilities, double threshold) {
    this(decisions, scores, probabilities, scoresAreProbabilities, threshold, null);
  }

  /** Regression predictions: one finite number per row (checked: a NaN or infinity is a {@link UsageException}). */
  public static Predictions ofValues(String model, double[] values) {
    Models.checkValues(model, values, values.length);
    return new Predictions(null, null, null, false, Double.NaN, values);
  }

  /** Classification or regression, by which of decisions and values is present. */
  public Task task() {
    return values != null ? Task.REGRESSION : Task.CLASSIFICATION;
  }

  /**
   * The predicted classes.
   *
   * @throws UsageException for regression predictions: a classification check was given a regression model
   */
  public int[] decisions() {
    if (decisions == null) {
      throw new UsageException("this check needs predicted classes, but the model is a regression model (one number per row);"
          + " use a regression check, or a classifier and a categorical label");
    }
    return decisions;
  }

  /**
   * The predicted numbers.
   *
   * @throws UsageException for classification predictions: a regression check was given a classifier
   */
  public double[] values() {
    if (values == null) {
      throw new UsageException("this check needs predicted numbers, but the model is a classifier (class probabilities per row);"
          + " use a classification check, or a regression model and a numeric label");
    }
    return values;
  }

  public int size() {
    return decisions != null ? decisions.length : values.length;
  }

  /** The rows at the given indexes. */
  public Predictions select(int[] rows) {
    if (values != null) {
      double[] v = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        v[i] = values[rows[i]];
      }
      return new Predictions(null, null, null, false, Double.NaN, v);
    }
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

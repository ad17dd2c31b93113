package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.model.Models;

/**
 * How probabilities become a decision, the same way {@code Predictions.fromProbabilities} decides:
 * with two classes, the positive class when its probability is at or above the threshold; with
 * more, the most probable class.
 *
 * @param positive the index of the positive class (binary models)
 * @param threshold the decision threshold on the positive class's probability, in (0, 1)
 */
public record DecisionRule(int positive, double threshold) {
  public DecisionRule {
    if (positive < 0 || positive > 1) {
      throw new IllegalArgumentException("positive must be class 0 or 1, got " + positive);
    }
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
    }
  }

  /** The decision for one probability vector. */
  public int decide(double[] p) {
    if (p.length == 2) {
      return p[positive] >= threshold ? positive : 1 - positive;
    }
    return Models.argmax(p);
  }

  /** The decision for every row. */
  public int[] decide(double[][] p) {
    int[] d = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      d[i] = decide(p[i]);
    }
    return d;
  }
}

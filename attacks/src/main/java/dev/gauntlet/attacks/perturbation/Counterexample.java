package dev.gauntlet.attacks.perturbation;

import java.util.List;

/**
 * A failing case of a {@link Property}, shrunk to a minimal one: fewest features changed, smallest
 * change per feature, starting row closest to a typical row, with the same failure (the same
 * decisions before and after, or the same direction of score change) as the case as generated.
 *
 * @param seed the property's seed; with {@code caseIndex} it replays the case and its shrinking
 * @param caseIndex the index of the failing case as generated
 * @param row the starting row of the shrunk case ({@code Table.rowLabel}) or {@code synthetic}
 * @param failure what failed, e.g. {@code decision yes -> no}
 * @param changes the shrunk case's changed features, before and after, in original units
 * @param scoreBefore the positive-class score (a regression model: the predicted value) before the perturbation (shrunk case)
 * @param scoreAfter the score after it
 * @param decisionBefore the decision before; null for a regression model
 * @param decisionAfter the decision after
 * @param threshold the decision threshold on the score; NaN for a regression model
 * @param generatedRow the starting row of the case as generated
 * @param generatedChanges the changed features of the case as generated
 * @param shrinkSteps how many batched model calls the shrinker made
 * @param before the shrunk case's encoded row before the perturbation
 * @param after the shrunk case's encoded row after it
 * @param choices the shrunk case's choice sequence
 */
public record Counterexample(long seed, int caseIndex, String row, String failure, List<Change> changes, double scoreBefore,
    double scoreAfter, String decisionBefore, String decisionAfter, double threshold, String generatedRow, List<Change> generatedChanges,
    int shrinkSteps, double[] before, double[] after, long[] choices) {

  /** One feature's value before and after the perturbation, in original units. */
  public record Change(String feature, String before, String after) {
    @Override
    public String toString() {
      return feature + ": " + before + " -> " + after;
    }
  }

  public Counterexample {
    changes = List.copyOf(changes);
    generatedChanges = List.copyOf(generatedChanges);
  }

  /** Several lines for a failure message: what failed, the changes, and how to replay it. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("case ").append(caseIndex).append(" of seed ").append(seed).append(", ").append(failure)
        .append(decisionBefore == null
            ? " (prediction " + dev.gauntlet.harness.check.MetricCondition.fmt(scoreBefore) + " -> " + dev.gauntlet.harness.check.MetricCondition.fmt(scoreAfter) + ")"
            : " (score " + score(scoreBefore, threshold) + " -> " + score(scoreAfter, threshold)
                + ", threshold " + dev.gauntlet.harness.check.MetricCondition.fmt(threshold) + ")");
    sb.append("\n    shrunk: ").append(row).append(changes.isEmpty() ? ", no feature changed" : "");
    for (Change c : changes) {
      sb.append("\n      ").append(c);
    }
    sb.append("\n    as generated: ").append(generatedRow).append(", ").append(generatedChanges.size()).append(" feature(s) changed: ")
        .append(String.join("; ", generatedChanges.stream().map(Change::toString).toList()));
    return sb.toString();
  }

  /**
   * A score with 4 decimals, or as many more (up to 12) as it takes to show on which side of the
   * threshold it lies when 4 decimals would print the threshold itself.
   */
  static String score(double v, double threshold) {
    for (int digits = 4; digits <= 12; digits++) {
      String s = String.format(java.util.Locale.ROOT, "%." + digits + "f", v);
      if (v == threshold || !s.equals(String.format(java.util.Locale.ROOT, "%." + digits + "f", threshold))) {
        return s;
      }
    }
    return Double.toString(v);
  }
}

package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.metric.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The per-group part of the minimal-epsilon checks (min-flip, min-shift): for each group of one
 * column, the median of the rows' minimal epsilons (capped at the largest epsilon searched),
 * INCONCLUSIVE for a group under the minimum size; then the ratio of the lowest to the highest
 * median over the groups large enough, INCONCLUSIVE with fewer than two of them or when every
 * median is 0. A table row per group goes to {@code groupRows}.
 */
final class GroupMedians {
  private GroupMedians() {}

  /**
   * @param groupMetric the per-group metric's name ({@code group_median_min_flip_eps}, ...)
   * @param ratioMetric the ratio's name ({@code min_flip_eps_group_ratio}, ...)
   * @param vacuous why every figure is inconclusive (a vacuous trial), or null
   * @param perGroup called with each non-empty group's subject and membership
   */
  static void measure(List<Measurement> ms, List<List<String>> groupRows, String columnName, Column.Categorical cat, double[] minEps, double maxEps,
      int minGroupSize, String vacuous, String groupMetric, String ratioMetric, BiConsumer<Subject, boolean[]> perGroup) {
    int n = minEps.length;
    double lowest = Double.POSITIVE_INFINITY;
    double highest = Double.NEGATIVE_INFINITY;
    int levels = 0;
    for (int level = 0; level < cat.levels().size(); level++) {
      Subject subject = Subject.slice(columnName, cat.levels().get(level));
      boolean[] in = new boolean[n];
      List<Double> vals = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        in[i] = cat.codes()[i] == level;
        if (in[i]) {
          vals.add(minEps[i]);
        }
      }
      if (vals.isEmpty()) {
        continue;
      }
      double med = Math.min(MinFlipCheck.quantile(vals.stream().mapToDouble(Double::doubleValue).toArray(), 0.5), maxEps);
      if (vals.size() < minGroupSize) {
        ms.add(Measurement.inconclusive(groupMetric, subject, med, vals.size(),
            "only " + vals.size() + " sampled rows in " + subject + ", fewer than minGroupSize " + minGroupSize));
      } else {
        ms.add(value(groupMetric, subject, med, vals.size(), vacuous));
        lowest = Math.min(lowest, med);
        highest = Math.max(highest, med);
        levels++;
      }
      perGroup.accept(subject, in);
      groupRows.add(List.of(subject.toString(), Integer.toString(vals.size()), AdversarialEvidence.fmt(med)));
    }
    Subject column = Subject.feature(columnName);
    if (levels < 2) {
      ms.add(Measurement.inconclusive(ratioMetric, column, Double.NaN, levels,
          "fewer than two groups of " + columnName + " have at least " + minGroupSize + " sampled rows"));
    } else if (highest <= 0) {
      ms.add(Measurement.inconclusive(ratioMetric, column, Double.NaN, n, "every group's median is 0"));
    } else {
      ms.add(value(ratioMetric, column, lowest / highest, n, vacuous));
    }
  }

  /** A measurement, inconclusive with the reason when the trial is vacuous. */
  static Measurement value(String metric, Subject subject, double v, long n, String vacuous) {
    return vacuous != null ? Measurement.inconclusive(metric, subject, v, n, vacuous) : Measurement.of(metric, subject, v, n);
  }
}

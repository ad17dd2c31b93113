package dev.gauntlet.harness.performance;

import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.stats.Intervals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Predictive performance on the evaluation (holdout) data: accuracy with its Wilson 95% interval,
 * balanced accuracy, and for binary models with scores the ROC AUC; the confusion matrix as
 * evidence. Works for runnable and precomputed models.
 */
public final class PerformanceCheck implements Check<CheckValue> {

  @Override
  public String title() {
    return "Holdout performance";
  }

  @Override
  public Trial trial() {
    return Trial.PERFORMANCE;
  }

  @Override
  public String description() {
    return "How often the model's decisions match the true labels on the evaluation data, which the model did not see in training.";
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  @Override
  public CheckValue run(CheckContext ctx) {
    ColumnSpec label = ctx.label();
    int[] y = ctx.data().labels();
    Predictions p = ctx.predictions(ctx.data());
    int k = label.categories().size();
    long[][] confusion = new long[k][k];
    long correct = 0;
    for (int i = 0; i < y.length; i++) {
      confusion[y[i]][p.decisions()[i]]++;
      if (y[i] == p.decisions()[i]) {
        correct++;
      }
    }
    int n = y.length;
    double acc = (double) correct / n;
    double[] ci = Intervals.wilson(correct, n, 0.95);
    List<Measurement> ms = new ArrayList<>();
    ms.add(Measurement.withInterval("accuracy", "", acc, ci[0], ci[1], n));
    double recallSum = 0;
    int present = 0;
    for (int c = 0; c < k; c++) {
      long rowTotal = Arrays.stream(confusion[c]).sum();
      if (rowTotal > 0) {
        recallSum += (double) confusion[c][c] / rowTotal;
        present++;
      }
    }
    ms.add(Measurement.of("balanced_accuracy", "", recallSum / Math.max(present, 1), n));
    if (k == 2 && p.scores() != null) {
      double auc = auc(p.scores(), y, label.positiveIndex());
      if (!Double.isNaN(auc)) {
        ms.add(Measurement.of("auc", "", auc, n));
      }
    }
    List<String> cols = new ArrayList<>();
    cols.add("true \\ predicted");
    cols.addAll(label.categories());
    List<List<String>> rows = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      List<String> r = new ArrayList<>();
      r.add(label.categories().get(c));
      for (int d = 0; d < k; d++) {
        r.add(Long.toString(confusion[c][d]));
      }
      rows.add(r);
    }
    Evidence.Table table = new Evidence.Table("Confusion matrix (" + n + " rows)", cols, rows);
    String summary = "Accuracy " + MetricCondition.fmt(acc) + " on " + n + " evaluation rows (95% Wilson interval "
        + MetricCondition.fmt(ci[0]) + " to " + MetricCondition.fmt(ci[1]) + ").";
    return new CheckValue(ms, List.of(table), summary);
  }

  /**
   * ROC AUC by the Mann-Whitney rank statistic with mid-ranks for ties: the probability that a random
   * positive row scores above a random negative one. NaN when one class is absent.
   */
  public static double auc(double[] scores, int[] labels, int positive) {
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    double rankSumPos = 0;
    long pos = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double midRank = (i + j) / 2.0 + 1;
      for (int t = i; t <= j; t++) {
        if (labels[order[t]] == positive) {
          rankSumPos += midRank;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }
}

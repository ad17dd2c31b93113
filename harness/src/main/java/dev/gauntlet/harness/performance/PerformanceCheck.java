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
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.ParamDecl;
import dev.gauntlet.harness.metric.ParamException;
import dev.gauntlet.harness.metric.Subject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Predictive performance on the evaluation (holdout) data: accuracy with its Wilson interval,
 * balanced accuracy, and for binary models with scores the ROC AUC; the confusion matrix as
 * evidence. Works for runnable and precomputed models. Computed from a {@link PerformanceSummary}
 * (confusion counts and sorted score runs) merged by the context's engine, so every number is the
 * same however the rows are partitioned.
 */
public record PerformanceCheck(int minRows, double confidence) implements Check<CheckValue> {

  /** The metrics, published with the {@code performance} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("accuracy", Direction.HIGHER_IS_BETTER, "share of rows whose decision matches the label, with a Wilson interval").withInterval(),
      MetricDecl.of("balanced_accuracy", Direction.HIGHER_IS_BETTER, "mean of the per-class recalls; needs every class in the labels"),
      MetricDecl.of("auc", Direction.HIGHER_IS_BETTER, "ROC AUC of the positive-class score (binary models with scores); needs both classes"));

  /** The parameters, published with the {@code performance} type. */
  public static final List<ParamDecl> PARAMS = List.of(
      ParamDecl.of("minRows", "integer in [1, 1000000]", "30", "fewer evaluation rows than this make every metric INCONCLUSIVE"),
      ParamDecl.of("confidence", "number in [0.5, 0.999]", "0.95", "level of the accuracy interval"));

  /** Validates the parameters; the one validator for Java and YAML. */
  public PerformanceCheck {
    ParamException.inRange("minRows", minRows, 1, 1_000_000);
    ParamException.inRange("confidence", confidence, 0.5, 0.999);
  }

  /** The defaults: at least 30 rows, 95% intervals. */
  public PerformanceCheck() {
    this(30, 0.95);
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
  }

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

  /** Computed from a {@link PerformanceSummary} of the rows only. */
  @Override
  public boolean streams() {
    return true;
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  @Override
  public CheckValue run(CheckContext ctx) {
    ColumnSpec label = ctx.label();
    int k = label.categories().size();
    PerformanceSummary sum = ctx.summarizeData(true, PerformanceSummary.summarizer(k, label.positiveIndex()));
    long[][] confusion = new long[k][k];
    long correct = 0;
    long rowsTotal = 0;
    for (int c = 0; c < k; c++) {
      for (int d = 0; d < k; d++) {
        confusion[c][d] = sum.count(c, d);
        rowsTotal += confusion[c][d];
      }
      correct += confusion[c][c];
    }
    int n = (int) rowsTotal;
    double acc = n == 0 ? Double.NaN : (double) correct / n;
    double recallSum = 0;
    int present = 0;
    List<String> absent = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      long rowTotal = Arrays.stream(confusion[c]).sum();
      if (rowTotal > 0) {
        recallSum += (double) confusion[c][c] / rowTotal;
        present++;
      } else {
        absent.add(label.categories().get(c));
      }
    }
    // Too little evidence is never a pass: below minRows every metric is INCONCLUSIVE, and so is
    // every metric when the labels hold a single class (a constant model would score perfectly).
    String tooFew = n < minRows ? "only " + n + " evaluation rows, below the minimum of " + minRows + " (params.minRows)" : null;
    String oneClass = present < 2 ? "the labels hold only " + (present == 0 ? "no class" : "class '" + label.categories().get(firstPresent(confusion)) + "'")
        + ", so the decisions cannot be told from a constant's" : null;
    String classMissing = absent.isEmpty() ? null : "the labels hold no row of class " + String.join(", ", absent);
    String why = tooFew != null ? tooFew : oneClass;
    double[] ci = n == 0 ? new double[] {0, 1} : Intervals.wilson(correct, n, confidence);
    List<Measurement> ms = new ArrayList<>();
    Subject all = Subject.all();
    ms.add(why != null ? Measurement.inconclusive("accuracy", all, acc, n, why)
        : Measurement.of("accuracy", all, acc, Interval.of(ci[0], ci[1], confidence, Interval.Method.WILSON), n));
    String bw = why != null ? why : classMissing;
    double bacc = present == 0 ? Double.NaN : recallSum / present;
    ms.add(bw != null ? Measurement.inconclusive("balanced_accuracy", all, bacc, n, bw) : Measurement.of("balanced_accuracy", all, bacc, n));
    if (sum.scores() != null) {
      double auc = sum.auc();
      double bound = sum.aucBound();
      String approx = bound > 0 ? "more than " + PerformanceSummary.EXACT_SCORES + " distinct scores: the AUC of the compressed score sample is within +-"
          + MetricCondition.fmt(bound) + " of the exact AUC, which cannot be judged as exact" : null;
      ms.add(bw != null || Double.isNaN(auc) || approx != null
          ? Measurement.inconclusive("auc", all, auc, n, bw != null ? bw : Double.isNaN(auc) ? "one class is absent" : approx)
          : Measurement.of("auc", all, auc, n));
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
    String summary = "Accuracy " + MetricCondition.fmt(acc) + " on " + n + " evaluation rows ("
        + Interval.of(ci[0], ci[1], confidence, Interval.Method.WILSON).levelText() + " Wilson interval "
        + MetricCondition.fmt(ci[0]) + " to " + MetricCondition.fmt(ci[1]) + ")" + (why == null ? "." : "; " + why + ".");
    return new CheckValue(ms, List.of(table), summary);
  }

  private static int firstPresent(long[][] confusion) {
    for (int c = 0; c < confusion.length; c++) {
      if (Arrays.stream(confusion[c]).sum() > 0) {
        return c;
      }
    }
    return 0;
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

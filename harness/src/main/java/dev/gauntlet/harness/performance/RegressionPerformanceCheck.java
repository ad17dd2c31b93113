package dev.gauntlet.harness.performance;

import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.ParamDecl;
import dev.gauntlet.harness.metric.ParamException;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.model.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Predictive performance of a regression model on the evaluation data: mean absolute error, RMSE,
 * R-squared, the median and a chosen quantile of the absolute error, and the mean error (bias),
 * each with a seeded Poisson-bootstrap percentile interval. The {@code performance} check type in a
 * suite whose label is numeric. Computed from a {@link RegressionSummary} merged by the context's
 * engine (exact sums, canonical order), so every number is the same however the rows are split.
 *
 * @param minRows fewer evaluation rows make every metric INCONCLUSIVE
 * @param confidence the level of the intervals
 * @param quantile the quantile of the absolute error reported as {@code quantile_absolute_error}
 * @param resamples bootstrap replicates for the intervals
 */
public record RegressionPerformanceCheck(int minRows, double confidence, double quantile, int resamples) implements Check<CheckValue> {

  /** The metrics of the {@code performance} type in a regression suite. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("mae", Direction.LOWER_IS_BETTER, "regression: mean absolute error |prediction - label|, with a bootstrap interval").withInterval(),
      MetricDecl.of("rmse", Direction.LOWER_IS_BETTER, "regression: root mean squared error, with a bootstrap interval").withInterval(),
      MetricDecl.of("r2", Direction.HIGHER_IS_BETTER, "regression: R-squared, 1 - SSE / total sum of squares of the label; needs labels that vary").withInterval(),
      MetricDecl.of("median_absolute_error", Direction.LOWER_IS_BETTER, "regression: median of |prediction - label|, with a bootstrap interval").withInterval(),
      MetricDecl.of("quantile_absolute_error", Direction.LOWER_IS_BETTER,
          "regression: the params.quantile quantile (default 0.9) of |prediction - label|, with a bootstrap interval").withInterval(),
      MetricDecl.of("mean_error", Direction.TARGET,
          "regression: mean of prediction - label (the bias; positive when the model predicts too high); judge with between").withInterval());

  /** The parameters only a regression suite takes (besides minRows and confidence). */
  public static final List<ParamDecl> PARAMS = List.of(
      ParamDecl.of("quantile", "number in [0.5, 0.999]", "0.9", "regression: the quantile of the absolute error measured as quantile_absolute_error"),
      ParamDecl.of("resamples", "integer in [100, 100000]", "1000", "regression: bootstrap replicates of the intervals (seeded by the suite seed)"));

  /** Validates the parameters; the one validator for Java and YAML. */
  public RegressionPerformanceCheck {
    ParamException.inRange("minRows", minRows, 1, 1_000_000);
    ParamException.inRange("confidence", confidence, 0.5, 0.999);
    ParamException.inRange("quantile", quantile, 0.5, 0.999);
    ParamException.inRange("resamples", resamples, 100, 100_000);
  }

  /** The defaults: at least 30 rows, 95% intervals, the 0.9 quantile, 1,000 replicates. */
  public RegressionPerformanceCheck() {
    this(30, 0.95, 0.9, 1000);
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
  }

  @Override
  public Set<Task> tasks() {
    return Set.of(Task.REGRESSION);
  }

  @Override
  public String title() {
    return "Holdout error";
  }

  @Override
  public Trial trial() {
    return Trial.PERFORMANCE;
  }

  @Override
  public String description() {
    return "How far the model's predictions are from the true values on the evaluation data, which the model did not see in training.";
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  static final String[] NAMES = {"mae", "rmse", "r2", "mean_error", "median_absolute_error", "quantile_absolute_error"};

  @Override
  public CheckValue run(CheckContext ctx) {
    String label = ctx.label().name();
    Predictions p = ctx.predictions(ctx.data());
    RegressionSummary sum = ctx.engine().summarize(ctx.data(), p, RegressionSummary.summarizer(label));
    RegressionErrors.Estimate est = RegressionErrors.estimate(sum, quantile, resamples, confidence, ctx.seed());
    long n = est.n();
    String tooFew = n < minRows ? "only " + n + " evaluation rows, below the minimum of " + minRows + " (params.minRows)" : null;
    List<Measurement> ms = new ArrayList<>();
    Subject all = Subject.all();
    List<List<String>> rows = new ArrayList<>();
    for (int m = 0; m < NAMES.length; m++) {
      double v = est.value(m);
      String why = tooFew != null ? tooFew
          : m == RegressionErrors.R2 && Double.isNaN(v) ? "the labels are all equal, so R-squared is undefined" : null;
      if (why != null) {
        ms.add(Measurement.inconclusive(NAMES[m], all, v, n, why));
      } else {
        ms.add(est.measurement(NAMES[m], all, m));
      }
      rows.add(List.of(NAMES[m], MetricCondition.fmt(v), MetricCondition.fmt(est.lower()[m]) + " to " + MetricCondition.fmt(est.upper()[m])));
    }
    String level = Interval.of(0, 0, confidence, Interval.Method.BOOTSTRAP).levelText();
    Evidence.Table table = new Evidence.Table("Errors of the predictions (" + n + " rows; error = prediction - label; " + level
        + " bootstrap intervals, " + resamples + " replicates; quantile_absolute_error at " + MetricCondition.fmt(quantile) + ")",
        List.of("metric", "value", level + " interval"), rows);
    double bias = est.value(RegressionErrors.MEAN_ERROR);
    String summary = "Mean absolute error " + MetricCondition.fmt(est.value(RegressionErrors.MAE)) + " (" + level + " bootstrap interval "
        + MetricCondition.fmt(est.lower()[RegressionErrors.MAE]) + " to " + MetricCondition.fmt(est.upper()[RegressionErrors.MAE]) + "), RMSE "
        + MetricCondition.fmt(est.value(RegressionErrors.RMSE)) + " and R-squared " + MetricCondition.fmt(est.value(RegressionErrors.R2))
        + " on " + n + " evaluation rows; the predictions are on average " + MetricCondition.fmt(Math.abs(bias))
        + (bias >= 0 ? " above" : " below") + " the true values" + (tooFew == null ? "." : "; " + tooFew + ".");
    return new CheckValue(ms, List.of(table), summary);
  }
}

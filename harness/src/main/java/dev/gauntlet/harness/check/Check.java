package dev.gauntlet.harness.check;

import dev.gauntlet.harness.model.Capability;
import java.util.Set;

/**
 * Computes a value about a model on data; never a verdict. {@link Condition}s judge the value.
 *
 * <p>A check declares the model capabilities it needs; the runner does not call {@link #run} on a
 * model that lacks them and records an ERROR instead. An exception from {@link #run} is an ERROR
 * too: a {@link dev.gauntlet.harness.UsageException} keeps its message, anything else is reported
 * as an internal error of the check.
 *
 * @param <V> the value type
 */
public interface Check<V extends Measured> {

  /** A short title, e.g. "Holdout accuracy". */
  String title();

  /** The trial the check belongs to. */
  Trial trial();

  /** What is tested, in plain words for a reviewer. */
  String description();

  /**
   * The metrics this check measures, as published with its type: conditions are validated
   * against them when a suite loads or is built, and a measurement of an undeclared metric is an
   * ERROR of the check.
   */
  dev.gauntlet.harness.metric.MetricSet metrics();

  /**
   * Checks the parameters against the evaluation data once it is loaded (e.g. a minimum slice size
   * above the row count), before anything runs. Throws {@link
   * dev.gauntlet.harness.metric.ParamException} naming the parameter: the YAML loader reports it at
   * the parameter's node (exit 2), the Java builder as an {@link IllegalArgumentException}. The
   * default accepts any data.
   */
  default void validateData(dev.gauntlet.harness.data.Table data) {}

  /**
   * Conditions a suite applies to this check unless it turns them off (YAML: the check's
   * {@code defaultConditions: false}; Java: {@link dev.gauntlet.harness.run.CheckSpec#withoutDefaultConditions}),
   * e.g. the robustness check's gradient-masking warning. A suite condition on the same metric
   * replaces the default one. The default is none.
   */
  default java.util.List<DefaultCondition> defaultConditions() {
    return java.util.List.of();
  }

  /**
   * Whether {@link #run} reads the evaluation rows only through {@link
   * CheckContext#summarizeData} (mergeable summaries), so that it can run over data streamed in
   * chunks, with memory flat in the row count. A check that returns false and runs on data with
   * more rows than the suite's sample size sees the sample (see {@code data.sample} in the README).
   * The default is false.
   */
  default boolean streams() {
    return false;
  }

  /**
   * The suite tasks this check applies to (see {@link dev.gauntlet.harness.model.Task#of}): a
   * suite whose label makes another task refuses the check when it loads or is built (exit 2). The
   * default is classification only; a check that also audits regression models overrides it.
   */
  default Set<dev.gauntlet.harness.model.Task> tasks() {
    return Set.of(dev.gauntlet.harness.model.Task.CLASSIFICATION);
  }

  /** The capabilities the model must have. */
  Set<Capability> requires();

  /** Computes the value. Called once for the candidate and once for the baseline, if any. */
  V run(CheckContext ctx) throws Exception;
}

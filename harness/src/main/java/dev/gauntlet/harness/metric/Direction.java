package dev.gauntlet.harness.metric;

/** Which way a metric is better, for reports and for judging changes against a baseline. */
public enum Direction {
  /** More is better (accuracy, robust accuracy). */
  HIGHER_IS_BETTER,
  /** Less is better (error rates, drift statistics, disparities as differences). */
  LOWER_IS_BETTER,
  /** Closer to a target is better (ratios whose ideal is 1); judge with {@code between}. */
  TARGET,
  /** A count or descriptive figure with no better side (sizes, p-values). */
  NEUTRAL
}

package dev.gauntlet.harness.data;

/** The direction in which a feature may move the positive score, when the domain says so. */
public enum Monotone {
  NONE,
  /** More of this feature must not lower the positive score (e.g. income). */
  INCREASING,
  /** More of this feature must not raise the positive score (e.g. debt ratio). */
  DECREASING
}

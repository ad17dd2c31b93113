package dev.gauntlet.fairness.discover;

import java.util.Locale;

/**
 * What makes a row bad for slice discovery, and on which rows the rate is defined. In every case a
 * higher rate is worse, so a slice is reported when its rate is above the whole's.
 */
public enum Target {
  /** Decisions that differ from the label, among all rows. */
  ERROR("error_rate", "error rate", "decisions that differ from the label"),
  /** Positive decisions among negative labels. */
  FPR("fpr", "FPR", "false positive rate: positive decisions among negative labels"),
  /** Negative decisions among positive labels. */
  FNR("fnr", "FNR", "false negative rate: negative decisions among positive labels"),
  /** Negative decisions among all rows (an applicant denied). */
  DENIAL("denial_rate", "denial rate", "share of rows with a negative decision (1 - selection rate)"),
  /** Positive decisions among all rows (a defendant flagged). */
  SELECTION("selection_rate", "selection rate", "share of rows with a positive decision");

  private final String metric;
  private final String label;
  private final String description;

  Target(String metric, String label, String description) {
    this.metric = metric;
    this.label = label;
    this.description = description;
  }

  /** The metric name it is measured as. */
  public String metric() {
    return metric;
  }

  public String label() {
    return label;
  }

  public String description() {
    return description;
  }

  /** Its YAML spelling. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the row counts in the rate's denominator. */
  boolean eligible(boolean positiveLabel) {
    return switch (this) {
      case FPR -> !positiveLabel;
      case FNR -> positiveLabel;
      default -> true;
    };
  }

  /** Whether an eligible row is bad. */
  boolean bad(int label, int decision, int positive) {
    return switch (this) {
      case ERROR -> label != decision;
      case FPR, SELECTION -> decision == positive;
      case FNR, DENIAL -> decision != positive;
    };
  }

  /** From YAML ({@code error}, {@code fpr}, ...), or null. */
  public static Target of(String yaml) {
    for (Target t : values()) {
      if (t.yamlName().equals(yaml) || t.metric.equals(yaml)) {
        return t;
      }
    }
    return null;
  }
}

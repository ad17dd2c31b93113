package dev.gauntlet.fairness;

import java.util.List;

/**
 * The group-fairness criteria a {@link SliceCheck} compares between slices. Each names the rates it
 * compares; the measurement names derive from {@link #key()}: {@code <key>_diff} (slice minus
 * reference), {@code <key>_ratio} (slice over reference) and {@code <key>_maxmin} (largest minus
 * smallest across the slices of one attribute). The metric declarations of {@link SliceCheck#METRICS}
 * are generated from this enum, so names and declarations cannot drift apart.
 */
public enum Disparity {
  /** Equal selection rates; its ratio is the disparate impact (four-fifths rule). */
  DEMOGRAPHIC_PARITY("demographic_parity", List.of(Rate.SELECTION_RATE)),
  /** Equal true positive rates. */
  EQUAL_OPPORTUNITY("equal_opportunity", List.of(Rate.TPR)),
  /** Equal true and false positive rates: the larger of the two gaps. */
  EQUALIZED_ODDS("equalized_odds", List.of(Rate.TPR, Rate.FPR)),
  /** Equal false positive rates: one half of equalized odds, measured on its own as {@code fpr_diff}. */
  FPR("fpr", List.of(Rate.FPR)),
  /** Equal false negative rates (1 - TPR): the other half, measured as {@code fnr_diff}. */
  FNR("fnr", List.of(Rate.FNR)),
  /** Equal precision (positive predictive value). */
  PREDICTIVE_PARITY("predictive_parity", List.of(Rate.PPV)),
  /** Equal accuracy. */
  ACCURACY("accuracy", List.of(Rate.ACCURACY));

  private final String key;
  private final List<Rate> rates;

  Disparity(String key, List<Rate> rates) {
    this.key = key;
    this.rates = rates;
  }

  /** The stem of the measurement names, e.g. {@code demographic_parity}. */
  public String key() {
    return key;
  }

  /** The rates compared (two for equalized odds). */
  public List<Rate> rates() {
    return rates;
  }

  /** What the difference compares, for the metric declarations. */
  public String what() {
    return switch (this) {
      case DEMOGRAPHIC_PARITY -> "selection rate";
      case EQUAL_OPPORTUNITY -> "true positive rate";
      case EQUALIZED_ODDS -> "larger of the TPR and FPR gaps";
      case FPR -> "false positive rate";
      case FNR -> "false negative rate";
      case PREDICTIVE_PARITY -> "precision";
      case ACCURACY -> "accuracy";
    };
  }

  /** The YAML name, e.g. {@code demographic-parity}. */
  public String yamlName() {
    return key.replace('_', '-');
  }
}

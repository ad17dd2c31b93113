package dev.gauntlet.fairness;

import dev.gauntlet.harness.metric.Direction;

/**
 * A per-slice rate, each a proportion of confusion-matrix cells: {@code numerator / denominator}
 * where both are sums of cells. Cells are indexed {@code 2 * label + decision} with 1 the positive
 * class: 0 = true negative, 1 = false positive, 2 = false negative, 3 = true positive.
 */
public enum Rate {
  BASE_RATE("base_rate", "base rate", Bits.FN | Bits.TP, Bits.ALL, Direction.NEUTRAL, "share of rows whose label is positive"),
  SELECTION_RATE("selection_rate", "selection rate", Bits.FP | Bits.TP, Bits.ALL, Direction.NEUTRAL, "share of rows with a positive decision"),
  ACCURACY("accuracy", "accuracy", Bits.TN | Bits.TP, Bits.ALL, Direction.HIGHER_IS_BETTER, "share of rows whose decision matches the label"),
  TPR("tpr", "TPR", Bits.TP, Bits.FN | Bits.TP, Direction.HIGHER_IS_BETTER, "true positive rate: positive decisions among positive labels"),
  FPR("fpr", "FPR", Bits.FP, Bits.TN | Bits.FP, Direction.LOWER_IS_BETTER, "false positive rate: positive decisions among negative labels"),
  FNR("fnr", "FNR", Bits.FN, Bits.FN | Bits.TP, Direction.LOWER_IS_BETTER, "false negative rate: negative decisions among positive labels"),
  TNR("tnr", "TNR", Bits.TN, Bits.TN | Bits.FP, Direction.HIGHER_IS_BETTER, "true negative rate: negative decisions among negative labels"),
  PPV("ppv", "PPV", Bits.TP, Bits.FP | Bits.TP, Direction.HIGHER_IS_BETTER, "precision: positive labels among positive decisions"),
  NPV("npv", "NPV", Bits.TN, Bits.TN | Bits.FN, Direction.HIGHER_IS_BETTER, "negative predictive value: negative labels among negative decisions"),
  FDR("fdr", "FDR", Bits.FP, Bits.FP | Bits.TP, Direction.LOWER_IS_BETTER, "false discovery rate: negative labels among positive decisions"),
  FOR("for", "FOR", Bits.FN, Bits.TN | Bits.FN, Direction.LOWER_IS_BETTER, "false omission rate: positive labels among negative decisions");

  /** One bit per cell, for the masks above. */
  private static final class Bits {
    static final int TN = 1;
    static final int FP = 2;
    static final int FN = 4;
    static final int TP = 8;
    static final int ALL = 15;
  }

  /** Cell indexes. */
  static final int TN = 0;
  static final int FP = 1;
  static final int FN = 2;
  static final int TP = 3;

  private final String metric;
  private final String label;
  private final int numerator;
  private final int denominator;
  private final Direction direction;
  private final String description;

  Rate(String metric, String label, int numerator, int denominator, Direction direction, String description) {
    this.direction = direction;
    this.description = description;
    this.metric = metric;
    this.label = label;
    this.numerator = numerator;
    this.denominator = denominator;
  }

  /** The measurement name, e.g. {@code tpr}. */
  public String metric() {
    return metric;
  }

  /** Which way is better, for the metric declaration. */
  public Direction direction() {
    return direction;
  }

  /** What the rate is, for the metric declaration. */
  public String description() {
    return description;
  }

  /**
   * Whether the rate can only be judged when the labels hold both classes: every rate but the base
   * rate and the selection rate, which describe the labels and the decisions alone (a constant
   * model is perfectly accurate, and has a TPR of 1 or an FPR of 0, on single-class labels).
   */
  public boolean needsBothClasses() {
    return this != BASE_RATE && this != SELECTION_RATE;
  }

  /** A short column header. */
  public String label() {
    return label;
  }

  /** The numerator from four cell counts {@code [tn, fp, fn, tp]} starting at {@code off}. */
  public long numerator(long[] cells, int off) {
    return sum(cells, off, numerator);
  }

  /** The denominator from four cell counts starting at {@code off}. */
  public long denominator(long[] cells, int off) {
    return sum(cells, off, denominator);
  }

  /** The rate, or NaN when the denominator is 0. */
  public double of(long[] cells, int off) {
    long d = denominator(cells, off);
    return d == 0 ? Double.NaN : (double) numerator(cells, off) / d;
  }

  /** What the denominator counts, for messages ("positive labels"). */
  public String denominatorName() {
    return switch (denominator) {
      case 15 -> "rows";
      case 12 -> "positive labels";
      case 3 -> "negative labels";
      case 10 -> "positive decisions";
      case 5 -> "negative decisions";
      default -> throw new IllegalStateException();
    };
  }

  private static long sum(long[] cells, int off, int m) {
    long s = 0;
    for (int c = 0; c < 4; c++) {
      if ((m & (1 << c)) != 0) {
        s += cells[off + c];
      }
    }
    return s;
  }
}

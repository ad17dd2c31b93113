package dev.gauntlet.drift.stats;

/**
 * The drift test chosen per column the way Evidently chooses its default: by the size of the
 * reference and the kind of column. With at most 1,000 reference rows a p-value test (KS for a
 * numeric column with more than 5 distinct values, chi-square for more than 2 categories, the
 * two-proportion z-test for 2); with more, a distance whose value is the effect size
 * (Wasserstein distance normed by the reference's standard deviation for numeric columns,
 * Jensen-Shannon distance otherwise), because on large samples every p-value is tiny.
 */
public enum DefaultTest {
  KS("KS p-value", true, 0.05),
  CHI_SQUARE("chi-square p-value", true, 0.05),
  Z("z-test p-value", true, 0.05),
  WASSERSTEIN_NORM("Wasserstein (normed)", false, 0.1),
  JENSEN_SHANNON("Jensen-Shannon distance", false, 0.1);

  /** Reference sizes above this use distances rather than p-values. */
  public static final int LARGE_REFERENCE = 1000;

  private final String label;
  private final boolean pValue;
  private final double threshold;

  DefaultTest(String label, boolean pValue, double threshold) {
    this.label = label;
    this.pValue = pValue;
    this.threshold = threshold;
  }

  public String label() {
    return label;
  }

  /** Whether the score is a p-value (drift when below the threshold) or a distance (drift at or above). */
  public boolean isPValue() {
    return pValue;
  }

  /** Evidently's default threshold: 0.05 for p-values, 0.1 for distances. */
  public double defaultThreshold() {
    return threshold;
  }

  /**
   * The default test for a column.
   *
   * @param referenceSize rows in the reference
   * @param numeric whether the column is numeric
   * @param distinct distinct values in reference and window together
   */
  public static DefaultTest choose(int referenceSize, boolean numeric, int distinct) {
    boolean continuous = numeric && distinct > 5;
    if (referenceSize <= LARGE_REFERENCE) {
      if (continuous) {
        return KS;
      }
      return distinct > 2 ? CHI_SQUARE : Z;
    }
    return continuous ? WASSERSTEIN_NORM : JENSEN_SHANNON;
  }
}

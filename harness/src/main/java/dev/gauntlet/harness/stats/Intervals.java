package dev.gauntlet.harness.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/** Confidence intervals for proportions, shared by every trial. */
public final class Intervals {
  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

  private Intervals() {}

  /** The two-sided normal quantile for a confidence level, e.g. 1.95996 for 0.95. */
  public static double z(double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
    return NORMAL.inverseCumulativeProbability(1 - (1 - confidence) / 2);
  }

  /**
   * The Wilson score interval for {@code successes} out of {@code n} (Wilson 1927), which keeps
   * its coverage near the nominal level for small {@code n} and proportions near 0 or 1, where the
   * normal (Wald) interval does not.
   *
   * @return {@code {lower, upper}}; {@code {0, 1}} when {@code n == 0}
   */
  public static double[] wilson(long successes, long n, double confidence) {
    if (successes < 0 || successes > n) {
      throw new IllegalArgumentException("successes " + successes + " must be in [0, " + n + "]");
    }
    if (n == 0) {
      return new double[] {0, 1};
    }
    double z = z(confidence);
    double p = (double) successes / n;
    double z2 = z * z;
    double denom = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denom;
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
    // At 0 or n successes the bound is exactly 0 or 1; the subtraction would leave rounding residue (1e-19).
    return new double[] {successes == 0 ? 0 : Math.max(0, centre - half), successes == n ? 1 : Math.min(1, centre + half)};
  }
}

package dev.gauntlet.fairness;

import org.apache.commons.math3.distribution.HypergeometricDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Tests of a difference between two proportions and the Benjamini-Hochberg adjustment. Public so
 * that other trials can reuse them; every method is a pure function.
 */
public final class Significance {
  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

  private Significance() {}

  /** The smallest expected cell count at which the normal approximation is used instead of Fisher's exact test. */
  public static final double MIN_EXPECTED = 5;

  /**
   * The two-sided p-value that {@code x1/n1} and {@code x2/n2} come from the same proportion:
   * the pooled two-proportion z test when every expected cell of the 2x2 table is at least
   * {@link #MIN_EXPECTED}, otherwise Fisher's exact test.
   *
   * @throws IllegalArgumentException when a count is outside {@code [0, n]} or {@code n} is 0
   */
  public static double twoProportions(long x1, long n1, long x2, long n2) {
    check(x1, n1);
    check(x2, n2);
    double total = n1 + n2;
    double successes = x1 + x2;
    double minRow = Math.min(n1, n2);
    double minCol = Math.min(successes, total - successes);
    if (minRow * minCol / total < MIN_EXPECTED) {
      return fisherExact(x1, n1 - x1, x2, n2 - x2);
    }
    return zTest(x1, n1, x2, n2);
  }

  /** The pooled two-proportion z test, two-sided; 1 when both proportions are 0 or both 1. */
  public static double zTest(long x1, long n1, long x2, long n2) {
    check(x1, n1);
    check(x2, n2);
    double p1 = (double) x1 / n1;
    double p2 = (double) x2 / n2;
    double p = (double) (x1 + x2) / (n1 + n2);
    double se = Math.sqrt(p * (1 - p) * (1.0 / n1 + 1.0 / n2));
    if (se == 0) {
      return 1;
    }
    double z = Math.abs(p1 - p2) / se;
    return Math.min(1, 2 * NORMAL.cumulativeProbability(-z));
  }

  /**
   * Fisher's exact test of the table {@code [[a, b], [c, d]]}, two-sided: the probability, with the
   * margins fixed, of a table no more likely than the observed one (the same definition as R's
   * {@code fisher.test} and SciPy's {@code fisher_exact}).
   */
  public static double fisherExact(long a, long b, long c, long d) {
    if (a < 0 || b < 0 || c < 0 || d < 0) {
      throw new IllegalArgumentException("cell counts must be non-negative, got " + a + ", " + b + ", " + c + ", " + d);
    }
    long n = a + b + c + d;
    if (n == 0) {
      return 1;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Fisher's exact test takes at most " + Integer.MAX_VALUE + " rows, got " + n);
    }
    int row1 = (int) (a + b);
    int col1 = (int) (a + c);
    HypergeometricDistribution h = new HypergeometricDistribution(null, (int) n, col1, row1);
    double observed = h.logProbability((int) a);
    int lo = Math.max(0, row1 + col1 - (int) n);
    int hi = Math.min(row1, col1);
    double p = 0;
    double tolerance = 1e-7;
    for (int x = lo; x <= hi; x++) {
      double lp = h.logProbability(x);
      if (lp <= observed + tolerance) {
        p += Math.exp(lp);
      }
    }
    return Math.min(1, p);
  }

  /**
   * Benjamini-Hochberg adjusted p-values (q-values): {@code q_(i) = min over j >= i of m p_(j) / j},
   * capped at 1, in the input order. Rejecting every hypothesis with {@code q <= alpha} controls the
   * false discovery rate at {@code alpha} for independent or positively dependent tests.
   */
  public static double[] benjaminiHochberg(double[] p) {
    int m = p.length;
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      if (!(p[i] >= 0 && p[i] <= 1)) {
        throw new IllegalArgumentException("p-value " + i + " is " + p[i] + ", not in [0, 1]");
      }
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(p[x], p[y]));
    double[] q = new double[m];
    double running = 1;
    for (int rank = m; rank >= 1; rank--) {
      int i = order[rank - 1];
      running = Math.min(running, p[i] * m / rank);
      q[i] = running;
    }
    return q;
  }

  private static void check(long x, long n) {
    if (n <= 0 || x < 0 || x > n) {
      throw new IllegalArgumentException("a proportion needs 0 <= successes <= n and n > 0, got " + x + " of " + n);
    }
  }
}

package dev.gauntlet.drift.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Two-sample drift statistics, reference against a window. Definitions:
 *
 * <ul>
 *   <li><b>KS</b>: {@code D = sup |F_ref(x) - F_cur(x)|} over the empirical CDFs. Its two-sided
 *       p-value is SciPy's {@code ks_2samp(method='auto')}: exact when {@code max(n, m) <= 10,000},
 *       else {@code kstwo.sf(D, round(n m / (n + m)))} (see {@link KsPValue}). {@code D} is its own
 *       effect size.
 *   <li><b>Wasserstein-1</b>: {@code integral |F_ref - F_cur| dx}, in the column's units; the
 *       normed form divides by the reference's population standard deviation (Evidently's
 *       {@code wasserstein_distance_norm}).
 *   <li><b>Chi-square</b>: the test of homogeneity of the 2 x k table (reference and window
 *       counts per category), no continuity correction, over categories seen in either sample;
 *       effect size Cramer's V {@code = sqrt(chi2 / N)} (2 rows). With 2 categories it is the
 *       squared two-proportion z-test.
 *   <li><b>Jensen-Shannon distance</b>: {@code sqrt((KL(P||M) + KL(Q||M)) / 2)}, {@code M = (P+Q)/2},
 *       natural logarithm (SciPy's {@code jensenshannon} default), in {@code [0, sqrt(ln 2)]}.
 *   <li><b>PSI</b>: {@code sum (q_i - p_i) ln(q_i / p_i)} over bins ({@link PsiBins} for numeric
 *       columns, one bin per category otherwise), where {@code p_i, q_i} are the reference and
 *       window proportions with every proportion below {@link #PSI_EPSILON} raised to it (so an
 *       empty bin gives a large but finite PSI, as Evidently does).
 * </ul>
 */
public final class DriftStats {
  /** The floor applied to bin proportions in PSI. */
  public static final double PSI_EPSILON = 1e-4;

  private DriftStats() {}

  /**
   * KS statistic and Wasserstein-1 distance of two sorted samples, in one merge pass over their
   * entries (rows, or distinct values with counts: the same steps either way).
   */
  public static double[] ksAndWasserstein(SortedSample reference, SortedSample current) {
    int ea = reference.entries();
    int eb = current.entries();
    int n = reference.size();
    int m = current.size();
    int i = 0;
    int j = 0;
    double d = 0;
    double w = 0;
    double prev = Math.min(reference.entry(0), current.entry(0));
    // fi and fj (the rows at or below x over n and m) are recomputed only when i or j moves, and the
    // gap between the CDFs is carried from the end of one step to the start of the next (it is the
    // same value), so each step costs one or two divisions with results identical to computing
    // them afresh.
    double fi = 0;
    double fj = 0;
    double gap = 0;
    while (i < ea || j < eb) {
      double x = i < ea && (j >= eb || reference.entry(i) <= current.entry(j)) ? reference.entry(i) : current.entry(j);
      w += gap * (x - prev);
      int i0 = i;
      int j0 = j;
      while (i < ea && reference.entry(i) == x) {
        i++;
      }
      while (j < eb && current.entry(j) == x) {
        j++;
      }
      if (i != i0) {
        fi = (double) reference.rowsBefore(i) / n;
      }
      if (j != j0) {
        fj = (double) current.rowsBefore(j) / m;
      }
      gap = Math.abs(fi - fj);
      if (gap > d) {
        d = gap;
      }
      prev = x;
    }
    return new double[] {d, w};
  }

  /** The two-sided KS p-value for statistic {@code d} on samples of sizes {@code n} and {@code m}. */
  public static double ksPValue(double d, int n, int m) {
    if (d <= 0) {
      return 1.0;
    }
    return KsPValue.twoSided(Math.min(d, 1.0), n, m);
  }

  /** Every numeric statistic of a window against a reference. */
  public static NumericDrift numeric(SortedSample reference, SortedSample current, PsiBins bins) {
    double[] dw = ksAndWasserstein(reference, current);
    double p = ksPValue(dw[0], reference.size(), current.size());
    double sd = reference.std();
    double norm = sd > 0 ? dw[1] / sd : (dw[1] == 0 ? 0 : Double.POSITIVE_INFINITY);
    double psi = psi(bins.counts(reference), bins.counts(current));
    return new NumericDrift(dw[0], p, dw[1], norm, psi, reference.size(), current.size());
  }

  /** Every categorical statistic of a window's category counts against the reference's. */
  public static CategoricalDrift categorical(long[] reference, long[] current) {
    if (reference.length != current.length) {
      throw new IllegalArgumentException("count vectors differ in length: " + reference.length + " vs " + current.length);
    }
    long n = sum(reference);
    long m = sum(current);
    if (n == 0 || m == 0) {
      throw new IllegalArgumentException("a sample is empty (reference " + n + ", window " + m + " rows)");
    }
    double[] chi = chiSquare(reference, current);
    double v = Math.sqrt(chi[0] / (n + m));
    return new CategoricalDrift(chi[0], (int) chi[1], chi[2], v, jensenShannon(reference, current), psi(reference, current), n, m);
  }

  /**
   * The chi-square test of homogeneity of two count vectors.
   *
   * @return {@code {statistic, degrees of freedom, p-value}}; {@code {0, 0, 1}} when fewer than two
   *     categories occur at all
   */
  public static double[] chiSquare(long[] a, long[] b) {
    long n = sum(a);
    long m = sum(b);
    double total = n + m;
    double stat = 0;
    int k = 0;
    for (int i = 0; i < a.length; i++) {
      long col = a[i] + b[i];
      if (col == 0) {
        continue;
      }
      k++;
      double ea = n * (col / total);
      double eb = m * (col / total);
      stat += (a[i] - ea) * (a[i] - ea) / ea + (b[i] - eb) * (b[i] - eb) / eb;
    }
    if (k < 2) {
      return new double[] {0, 0, 1};
    }
    double p = 1 - new ChiSquaredDistribution(null, k - 1).cumulativeProbability(stat);
    return new double[] {stat, k - 1, Math.max(0, p)};
  }

  /** The Jensen-Shannon distance (natural log) between the proportions of two count vectors. */
  public static double jensenShannon(long[] a, long[] b) {
    double n = sum(a);
    double m = sum(b);
    double js = 0;
    for (int i = 0; i < a.length; i++) {
      double p = a[i] / n;
      double q = b[i] / m;
      double mid = (p + q) / 2;
      if (p > 0) {
        js += 0.5 * p * Math.log(p / mid);
      }
      if (q > 0) {
        js += 0.5 * q * Math.log(q / mid);
      }
    }
    return Math.sqrt(Math.max(0, js));
  }

  /** The population stability index of two count vectors over the same bins. */
  public static double psi(long[] reference, long[] current) {
    double n = sum(reference);
    double m = sum(current);
    double psi = 0;
    for (int i = 0; i < reference.length; i++) {
      double p = Math.max(reference[i] / n, PSI_EPSILON);
      double q = Math.max(current[i] / m, PSI_EPSILON);
      psi += (q - p) * Math.log(q / p);
    }
    return psi;
  }

  static long sum(long[] c) {
    long s = 0;
    for (long x : c) {
      if (x < 0) {
        throw new IllegalArgumentException("negative count " + x);
      }
      s += x;
    }
    return s;
  }
}

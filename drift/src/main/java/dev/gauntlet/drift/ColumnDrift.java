package dev.gauntlet.drift;

import dev.gauntlet.drift.stats.CategoricalDrift;
import dev.gauntlet.drift.stats.DefaultTest;
import dev.gauntlet.drift.stats.DriftStats;
import dev.gauntlet.drift.stats.NumericDrift;
import dev.gauntlet.drift.stats.PsiBins;
import dev.gauntlet.drift.stats.SortedSample;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The drift of one column in one window against its baseline, with every statistic that applies
 * and the default test's verdict inputs. Public so that other checks (the production monitor's
 * drift per window) compute exactly the statistics of {@code drift.features}.
 *
 * @param pValue the p-value of the column's test (KS for continuous columns, chi-square otherwise)
 * @param effect the effect size beside that p-value (KS D, or Cramer's V)
 * @param score the default test's score (a p-value or a distance)
 * @param chi2Df the chi-square test's degrees of freedom (categorical columns), else NaN
 * @param binLabels the PSI bins (or categories) and the proportions behind them, for evidence
 * @param ksBound 0 when both samples are exact; else the bound on |D - D_exact| from the compressed
 *     samples' rank errors, {@code E_ref / n_ref + E_cur / n_cur} (see {@code SortedCounts#compress})
 * @param wassersteinBound 0 when both samples are exact; else the bound on |W1 - W1_exact| in the
 *     column's units, {@code E_ref / n_ref (max_ref - min_ref) + E_cur / n_cur (max_cur - min_cur)}
 *     (infinite when the rank errors per side are not known)
 * @param sdBound the bound on |sd_ref - exact sd_ref| of the reference's standard deviation (the
 *     normed Wasserstein's divisor), {@code (max_ref - min_ref) sqrt(E_ref / n_ref)}
 */
public record ColumnDrift(String column, boolean numeric, DefaultTest test, double score, double pValue, String effectName, double effect,
    double psi, double ks, double wasserstein, double wassersteinNorm, double chi2, double chi2Df, double jensenShannon,
    List<String> binLabels, long[] refBins, long[] curBins, double ksBound, double wassersteinBound, double sdBound) {

  /** Whether a statistic comes from a compressed sample (then only KS is bounded). */
  boolean approximate() {
    return ksBound > 0;
  }

  /** The KS p-values at the ends of the bound, {@code [p(D + b), p(D - b)]}: the exact p-value lies between them. */
  double[] ksPRange(int nRef, int nCur) {
    if (!approximate()) {
      return new double[] {pValue, pValue};
    }
    return new double[] {DriftStats.ksPValue(Math.min(1, ks + ksBound), nRef, nCur), DriftStats.ksPValue(Math.max(0, ks - ksBound), nRef, nCur)};
  }

  /** A numeric column: continuous statistics when either sample has more than 5 distinct values. */
  public static ColumnDrift numeric(String column, SortedSample ref, SortedSample cur, int bins) {
    return numeric(column, ref, cur, bins, 0);
  }

  /**
   * The range of the normed Wasserstein distance (the default distance of a large numeric column)
   * that the compressed samples allow: {@code [(W - w) / (sd + s), (W + w) / (sd - s)]} with the
   * bounds w on W1 and s on the reference's SD (the upper end infinite when {@code s >= sd}); the
   * point itself when the samples are exact.
   *
   * <p>Why: values only move down within [min, max], so the compressed distribution function F' lies
   * in [F, F + E / n] there and equals F outside; W1(F', F) = integral |F' - F| <= (E / n)(max - min),
   * and |W1(F', G') - W1(F, G)| <= W1(F', F) + W1(G', G) (triangle inequality). The SD is 1-Lipschitz in
   * the root mean square of the paired moves, and under the sorted pairing mean (x - x')^2 <= (max -
   * min) mean |x - x'| = (max - min) W1(F', F) <= (max - min)^2 E / n.
   */
  double[] normedWassersteinRange() {
    if (!approximate()) {
      return new double[] {wassersteinNorm, wassersteinNorm};
    }
    double sd = wassersteinNorm > 0 && Double.isFinite(wassersteinNorm) ? wasserstein / wassersteinNorm : Double.NaN;
    if (!(sd > 0) || !Double.isFinite(wassersteinBound)) {
      return new double[] {0, Double.POSITIVE_INFINITY};
    }
    double lo = Math.max(0, wasserstein - wassersteinBound) / (sd + sdBound);
    double hi = sd - sdBound > 0 ? (wasserstein + wassersteinBound) / (sd - sdBound) : Double.POSITIVE_INFINITY;
    return new double[] {lo, hi};
  }

  /** A numeric column whose samples are exact ({@code ksBound} 0) or compressed with unknown rank errors per side (then W1 is not bounded). */
  public static ColumnDrift numeric(String column, SortedSample ref, SortedSample cur, int bins, double ksBound) {
    return numeric(column, ref, cur, bins, ksBound, ksBound > 0 ? Double.POSITIVE_INFINITY : 0, ksBound > 0 ? Double.POSITIVE_INFINITY : 0);
  }

  /**
   * A numeric column whose samples may be compressed, with each sample's rank error (0 when exact,
   * see {@code SortedCounts#rankError}): KS, W1 and the reference SD get their bounds.
   */
  public static ColumnDrift numeric(String column, SortedSample ref, SortedSample cur, int bins, long refRankError, long curRankError) {
    double eRef = (double) refRankError / ref.size();
    double eCur = (double) curRankError / cur.size();
    double ks = eRef + eCur;
    ks = ks == 0 ? 0 : ks * (1 + 1e-9); // D is computed in doubles: widen the bound past their rounding
    double w = eRef * (ref.max() - ref.min()) + eCur * (cur.max() - cur.min());
    double sd = (ref.max() - ref.min()) * Math.sqrt(eRef);
    return numeric(column, ref, cur, bins, ks, w == 0 ? 0 : w * (1 + 1e-9), sd == 0 ? 0 : sd * (1 + 1e-9));
  }

  private static ColumnDrift numeric(String column, SortedSample ref, SortedSample cur, int bins, double ksBound, double wBound, double sdBound) {
    int distinctRef = ref.distinct(5);
    int distinctCur = cur.distinct(5);
    if (distinctRef <= 5 && distinctCur <= 5) {
      TreeSet<Double> values = new TreeSet<>();
      ref.forEachEntry(values::add);
      cur.forEachEntry(values::add);
      if (values.size() <= 5) {
        List<String> labels = new ArrayList<>();
        long[] rc = new long[values.size()];
        long[] cc = new long[values.size()];
        int k = 0;
        for (double v : values) {
          labels.add(dev.gauntlet.harness.check.MetricCondition.fmt(v));
          rc[k] = ref.countAtOrBelow(v) - ref.countAtOrBelow(Math.nextDown(v));
          cc[k] = cur.countAtOrBelow(v) - cur.countAtOrBelow(Math.nextDown(v));
          k++;
        }
        return categorical(column, true, labels, rc, cc, ref.size());
      }
    }
    PsiBins b = PsiBins.quantiles(ref, bins);
    NumericDrift d = DriftStats.numeric(ref, cur, b);
    DefaultTest test = DefaultTest.choose(ref.size(), true, 6);
    double score = test == DefaultTest.KS ? d.ksP() : d.wassersteinNorm();
    return new ColumnDrift(column, true, test, score, d.ksP(), "KS D", d.ks(), d.psi(), d.ks(), d.wasserstein(), d.wassersteinNorm(),
        Double.NaN, Double.NaN, Double.NaN, b.labels(), b.counts(ref), b.counts(cur), ksBound, wBound, sdBound);
  }

  /** A categorical column (or a numeric one with at most 5 values), from counts per category. */
  public static ColumnDrift categorical(String column, boolean numeric, List<String> labels, long[] ref, long[] cur, long refSize) {
    CategoricalDrift d = DriftStats.categorical(ref, cur);
    int seen = 0;
    for (int i = 0; i < ref.length; i++) {
      if (ref[i] + cur[i] > 0) {
        seen++;
      }
    }
    DefaultTest test = DefaultTest.choose((int) Math.min(Integer.MAX_VALUE, refSize), false, seen);
    double score = test.isPValue() ? d.chi2P() : d.jensenShannon();
    return new ColumnDrift(column, numeric, test, score, d.chi2P(), "Cramer's V", d.cramersV(), d.psi(), Double.NaN, Double.NaN, Double.NaN,
        d.chi2(), d.df(), d.jensenShannon(), labels, ref, cur, 0, 0, 0);
  }
}

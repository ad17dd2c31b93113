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
 */
public record ColumnDrift(String column, boolean numeric, DefaultTest test, double score, double pValue, String effectName, double effect,
    double psi, double ks, double wasserstein, double wassersteinNorm, double chi2, double chi2Df, double jensenShannon,
    List<String> binLabels, long[] refBins, long[] curBins, double ksBound) {

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

  /** A numeric column whose samples are exact ({@code ksBound} 0) or compressed. */
  public static ColumnDrift numeric(String column, SortedSample ref, SortedSample cur, int bins, double ksBound) {
    int distinctRef = ref.distinct(5);
    int distinctCur = cur.distinct(5);
    if (distinctRef <= 5 && distinctCur <= 5) {
      TreeSet<Double> values = new TreeSet<>();
      for (int i = 0; i < ref.size(); i++) {
        values.add(ref.get(i));
      }
      for (int i = 0; i < cur.size(); i++) {
        values.add(cur.get(i));
      }
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
        Double.NaN, Double.NaN, Double.NaN, b.labels(), b.counts(ref), b.counts(cur), ksBound);
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
        d.chi2(), d.df(), d.jensenShannon(), labels, ref, cur, 0);
  }
}

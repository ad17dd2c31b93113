package dev.gauntlet.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.PrecomputedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/** The bootstrap intervals: coverage at the nominal rate, agreement with a closed form, determinism. */
class BootstrapTest {
  // The true model: F selected with probability 0.3, M with 0.5; labels positive with probability 0.5
  // and, given a positive label, F selected with probability 0.45 and M with 0.7 (so TPRs are known).
  private static final double P_POS = 0.5;
  private static final double TPR_F = 0.45;
  private static final double TPR_M = 0.7;
  private static final double FPR_F = 2 * 0.3 - TPR_F;
  private static final double FPR_M = 2 * 0.5 - TPR_M;

  private static Table synthetic(long seed, int nf, int nm) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < nf + nm; i++) {
      boolean f = i < nf;
      boolean y = rnd.nextDouble() < P_POS;
      double p = y ? (f ? TPR_F : TPR_M) : (f ? FPR_F : FPR_M);
      boolean d = rnd.nextDouble() < p;
      rows.add(new String[] {f ? "F" : "M", "north", d ? "yes" : "no", y ? "yes" : "no"});
    }
    return Fixtures.table(rows);
  }

  private static SliceCheck check(int resamples) {
    return (SliceCheck) new FairnessChecks().types().get(0).create(ConfigNode.parse("suite.yaml",
        "attributes: [sex]\nreference: {sex: M}\nmetrics: [demographic-parity, equal-opportunity]\nbootstrap: " + resamples), Fixtures.schema());
  }

  @Test
  void intervalsCoverTheTrueDisparityAtAboutTheNominalRate() {
    SliceCheck check = check(1000);
    int runs = 300;
    int dp = 0;
    int di = 0;
    int eo = 0;
    for (int seed = 1; seed <= runs; seed++) {
      CheckValue v = Fixtures.run(check, synthetic(seed, 300, 500), PrecomputedModel.ofDecisions("pred", "pred"), 1000 + seed);
      dp += covers(Fixtures.find(v, "demographic_parity_diff", Fixtures.slice("sex", "F")), 0.3 - 0.5);
      di += covers(Fixtures.find(v, "disparate_impact", Fixtures.slice("sex", "F")), 0.3 / 0.5);
      eo += covers(Fixtures.find(v, "equal_opportunity_diff", Fixtures.slice("sex", "F")), TPR_F - TPR_M);
    }
    // Nominal 95%; with 300 runs the binomial standard error is 1.3 points, so [0.91, 0.985] is about +-3 SE.
    for (int[] c : new int[][] {{dp}, {di}, {eo}}) {
      double rate = (double) c[0] / runs;
      assertTrue(rate >= 0.91 && rate <= 0.985, "coverage " + rate + " (dp " + dp + ", di " + di + ", eo " + eo + " of " + runs + ")");
    }
  }

  private static int covers(Measurement m, double truth) {
    assertTrue(m.hasInterval(), m.toString());
    return m.lower() <= truth && truth <= m.upper() ? 1 : 0;
  }

  @Test
  void intervalWidthMatchesTheClosedFormStandardError() {
    // For a difference of two independent proportions the standard error is sqrt(p1 q1 / n1 + p2 q2 / n2);
    // a 95% percentile interval should be about 2 * 1.96 of it wide.
    CheckValue v = Fixtures.run(check(20000), synthetic(5, 2000, 3000), PrecomputedModel.ofDecisions("pred", "pred"), 9);
    double pf = Fixtures.find(v, "selection_rate", Fixtures.slice("sex", "F")).value();
    double pm = Fixtures.find(v, "selection_rate", Fixtures.slice("sex", "M")).value();
    double se = Math.sqrt(pf * (1 - pf) / 2000 + pm * (1 - pm) / 3000);
    Measurement m = Fixtures.find(v, "demographic_parity_diff", Fixtures.slice("sex", "F"));
    assertEquals(2 * 1.959964 * se, m.upper() - m.lower(), 0.05 * 2 * 1.959964 * se);
  }

  @Test
  void poissonCellDrawsMatchRowLevelPoissonWeights() {
    // The shortcut of one Poisson(count) draw per cell against the definition: a Poisson(1) weight per row.
    long[] cells = {40, 10, 5, 45, 30, 30, 20, 20}; // two slices of 100 rows
    int b = 4000;
    double[] fast = new double[b];
    double[] slow = new double[b];
    PoissonBootstrap boot = new PoissonBootstrap(cells, new SplittableRandom(1));
    long[] out = new long[cells.length];
    PoissonDistribution one = new PoissonDistribution(
        new Well19937c(2), 1, 1e-12, 10_000_000);
    for (int r = 0; r < b; r++) {
      boot.resample(out);
      fast[r] = Disparities.of(Disparity.DEMOGRAPHIC_PARITY, out, 0, 1)[0];
      long[] w = new long[cells.length];
      for (int c = 0; c < cells.length; c++) {
        for (long i = 0; i < cells[c]; i++) {
          w[c] += one.sample();
        }
      }
      slow[r] = Disparities.of(Disparity.DEMOGRAPHIC_PARITY, w, 0, 1)[0];
    }
    double sdFast = sd(fast);
    double sdSlow = sd(slow);
    assertEquals(sdSlow, sdFast, 0.06 * sdSlow, "bootstrap SD: per-cell " + sdFast + " vs per-row " + sdSlow);
    assertEquals(mean(slow), mean(fast), 0.1 * sdSlow);
  }

  @Test
  void poissonDrawsHaveTheRightMeanAndVariance() {
    SplittableRandom rng = new SplittableRandom(4);
    for (double mean : new double[] {0.5, 3, 9.5, 10, 50, 5e6}) {
      int n = 200_000;
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = PoissonBootstrap.poisson(rng, mean);
      }
      // Mean and variance of Poisson(mean) are both mean; 6 standard errors of each estimate.
      assertEquals(mean, mean(x), 6 * Math.sqrt(mean / n), "mean of Poisson(" + mean + ")");
      double sd = sd(x);
      assertEquals(mean, sd * sd, 6 * mean * Math.sqrt(2.0 / n) + 6 * mean / Math.sqrt(n) * 0.1, "variance of Poisson(" + mean + ")");
    }
  }

  @Test
  void theSameSeedGivesTheSameIntervalsAndAnotherSeedOthers() {
    Table t = synthetic(3, 300, 500);
    SliceCheck check = check(500);
    PrecomputedModel model = PrecomputedModel.ofDecisions("pred", "pred");
    Measurement a = Fixtures.find(Fixtures.run(check, t, model, 77), "disparate_impact", Fixtures.slice("sex", "F"));
    Measurement b = Fixtures.find(Fixtures.run(check, t, model, 77), "disparate_impact", Fixtures.slice("sex", "F"));
    Measurement c = Fixtures.find(Fixtures.run(check, t, model, 78), "disparate_impact", Fixtures.slice("sex", "F"));
    assertEquals(a, b);
    assertEquals(a.value(), c.value());
    assertNotEquals(a.lower(), c.lower());
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double sd(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return Math.sqrt(s / (x.length - 1));
  }
}

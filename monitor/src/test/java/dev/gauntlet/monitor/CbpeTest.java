package dev.gauntlet.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.stats.Intervals;
import dev.gauntlet.harness.summary.InProcessEngine;
import dev.gauntlet.harness.summary.RandomSplitEngine;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

/**
 * CBPE against data drawn from a calibrated model: labels ~ Bernoulli(score). The realized accuracy
 * of a window (every row labelled) must fall inside the estimate's interval at the stated coverage,
 * over 200 seeds, within a binomial tolerance; under concept shift (labels ~ Bernoulli(score^3)) it
 * must not.
 */
class CbpeTest {
  static final int SEEDS = 200;
  static final double CONFIDENCE = 0.95;

  /** One seed: whether the window's realized accuracy lies in the estimate's interval. */
  static boolean covered(long seed, boolean isotonic, boolean conceptShift, double confidence) {
    SplittableRandom r = new SplittableRandom(seed);
    int nr = 2000;
    double[] rs = new double[nr];
    boolean[] ry = new boolean[nr];
    for (int i = 0; i < nr; i++) {
      rs[i] = Math.round(r.nextDouble() * 1000) / 1000.0;
      ry[i] = r.nextDouble() < rs[i];
    }
    Calibrator cal = isotonic ? Calibrator.isotonic(rs, ry) : Calibrator.identity();
    Calibrator[] refits = isotonic ? MonitorCheck.refits(rs, ry, MonitorCheck.CALIBRATION_REFITS, seed) : new Calibrator[0];
    double[][] refitP = new double[refits.length][WindowSummary.BINS];
    for (int b = 0; b < refits.length; b++) {
      for (int k = 0; k < WindowSummary.BINS; k++) {
        refitP[b][k] = refits[b].apply((k + 0.5) / WindowSummary.BINS);
      }
    }
    double[] raw = new double[1000];
    // production: another score distribution (covariate shift moves the scores up), same score-to-outcome relation
    int n = 1000;
    double[] w = new double[n];
    double[] t = new double[n];
    double[] p = new double[n];
    double[] d = new double[n];
    double[] y = new double[n];
    long correct = 0;
    for (int i = 0; i < n; i++) {
      double s = Math.round(Math.sqrt(r.nextDouble()) * 1000) / 1000.0;
      double truthP = conceptShift ? s * s * s : s;
      boolean truth = r.nextDouble() < truthP;
      boolean decided = s >= 0.5;
      correct += truth == decided ? 1 : 0;
      p[i] = cal.apply(s);
      raw[i] = s;
      d[i] = decided ? 1 : 0;
      y[i] = Double.NaN; // no label yet: the estimate sees scores only
      t[i] = i;
    }
    WindowSummary.Layout layout = new WindowSummary.Layout(List.of(), List.of());
    WindowSummary sum = InProcessEngine.defaults().summarize(WindowSummary.table(w, t, raw, p, d, y, List.of()), null, WindowSummary.summarizer(layout));
    Figures.Cell cell = Figures.Cell.of(null, null, sum.windows().get(0)[0], Intervals.z(confidence), confidence, refitP);
    double realized = (double) correct / n;
    return realized >= cell.estimatedCi()[0] && realized <= cell.estimatedCi()[1];
  }

  static int hits(boolean isotonic, boolean shift, double confidence) {
    int k = 0;
    for (long s = 0; s < SEEDS; s++) {
      k += covered(1000 + s, isotonic, shift, confidence) ? 1 : 0;
    }
    return k;
  }

  /** The central range holding 99.8% of Binomial(SEEDS, level): a correct estimator falls outside it 1 time in 500. */
  static int[] tolerance(double level) {
    BinomialDistribution b = new BinomialDistribution(null, SEEDS, level);
    return new int[] {b.inverseCumulativeProbability(0.001), b.inverseCumulativeProbability(0.999)};
  }

  @Test
  void coverageOfTheIntervalIsTheStatedLevelWithCalibratedScores() {
    int[] tol = tolerance(CONFIDENCE);
    int k = hits(false, false, CONFIDENCE);
    assertTrue(k >= tol[0] && k <= tol[1], k + " of " + SEEDS + " covered, expected in " + tol[0] + ".." + tol[1]);
  }

  @Test
  void coverageHoldsWithIsotonicCalibrationOnTheReference() {
    int[] tol = tolerance(CONFIDENCE);
    int k = hits(true, false, CONFIDENCE);
    assertTrue(k >= tol[0] && k <= tol[1], k + " of " + SEEDS + " covered, expected in " + tol[0] + ".." + tol[1]);
  }

  @Test
  void coverageFollowsTheConfiguredLevel() {
    int[] tol = tolerance(0.8);
    int k = hits(false, false, 0.8);
    assertTrue(k >= tol[0] && k <= tol[1], k + " of " + SEEDS + " covered at 80%, expected in " + tol[0] + ".." + tol[1]);
  }

  @Test
  void underConceptShiftTheEstimateMissesSoHealthCanCatchIt() {
    int k = hits(false, true, CONFIDENCE);
    assertTrue(k < SEEDS / 4, k + " of " + SEEDS + " covered under concept shift; the estimate should be biased");
  }

  @Test
  void theSummaryIsTheSameHoweverTheRowsAreSplit() {
    SplittableRandom r = new SplittableRandom(5);
    int n = 5000;
    double[] w = new double[n];
    double[] t = new double[n];
    double[] p = new double[n];
    double[] d = new double[n];
    double[] y = new double[n];
    int[] g = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = r.nextInt(4);
      t[i] = 1_700_000_000 + r.nextInt(10_000_000);
      p[i] = r.nextDouble();
      d[i] = r.nextDouble() < 0.5 ? 1 : 0;
      y[i] = r.nextDouble() < 0.3 ? Double.NaN : r.nextInt(2);
      g[i] = r.nextInt(3);
    }
    List<Column.Categorical> slices = List.of(new Column.Categorical("g", g, List.of("x", "y", "z")));
    Table tb = WindowSummary.table(w, t, p, p, d, y, slices);
    WindowSummary.Layout layout = new WindowSummary.Layout(List.of("g"), List.of(List.of("x", "y", "z")));
    byte[] one = InProcessEngine.partitions(1).summarize(tb, null, WindowSummary.summarizer(layout)).bytes();
    byte[] seven = InProcessEngine.partitions(7).summarize(tb, null, WindowSummary.summarizer(layout)).bytes();
    byte[] random = new RandomSplitEngine(5, 11).summarize(tb, null, WindowSummary.summarizer(layout)).bytes();
    assertArrayEquals(one, seven);
    assertArrayEquals(one, random);
    WindowSummary back;
    try {
      back = WindowSummary.decode(new java.io.DataInputStream(new java.io.ByteArrayInputStream(one)));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertArrayEquals(one, back.bytes());
    // a hand count of one cell: window 2, group y
    long cnt = 0;
    long lab = 0;
    for (int i = 0; i < n; i++) {
      if (w[i] == 2 && g[i] == 1) {
        cnt++;
        lab += Double.isNaN(y[i]) ? 0 : 1;
      }
    }
    WindowSummary.Acc a = back.windows().get(2)[layout.offset(0) + 1];
    assertEquals(cnt, a.n);
    assertEquals(lab, a.labelled);
  }

  @Test
  void isotonicMatchesScipy() {
    // literals from isotonic_literals.py (scipy.optimize.isotonic_regression, numpy.interp)
    double[] x = {0.05, 0.12, 0.2, 0.31, 0.33, 0.4, 0.47, 0.55, 0.61, 0.7, 0.78, 0.86, 0.9, 0.97};
    int[] y = {0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1};
    double third = 1.0 / 3;
    double twoThirds = 2.0 / 3;
    double[] fitted = {0.0, third, third, third, 0.5, 0.5, twoThirds, twoThirds, twoThirds, twoThirds, twoThirds, twoThirds, 1.0, 1.0};
    boolean[] pos = new boolean[y.length];
    for (int i = 0; i < y.length; i++) {
      pos[i] = y[i] == 1;
    }
    // shuffled input order must not matter
    int[] perm = {7, 2, 13, 0, 5, 11, 3, 9, 1, 12, 6, 10, 4, 8};
    double[] xs = new double[x.length];
    boolean[] ps = new boolean[x.length];
    for (int i = 0; i < perm.length; i++) {
      xs[i] = x[perm[i]];
      ps[i] = pos[perm[i]];
    }
    Calibrator c = Calibrator.isotonic(xs, ps);
    for (int i = 0; i < x.length; i++) {
      assertEquals(fitted[i], c.apply(x[i]), 1e-12, "at " + x[i]);
    }
    double[] q = {0.0, 0.1, 0.25, 0.5, 0.65, 0.88, 1.0};
    double[] atQ = {0.0, 0.2380952380952381, 0.3333333333333333, 0.6666666666666666, 0.6666666666666666, 0.8333333333333333, 1.0};
    for (int i = 0; i < q.length; i++) {
      assertEquals(atQ[i], c.apply(q[i]), 1e-12, "at " + q[i]);
    }
  }
}

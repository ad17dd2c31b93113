package dev.gauntlet.monitor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A monotone map from a served score to the probability that the positive class is the truth,
 * fitted on the reference data: isotonic regression by pool-adjacent-violators, evaluated by
 * linear interpolation between the fitted points and clipped at the ends (what scikit-learn's
 * {@code IsotonicRegression(out_of_bounds="clip")} predicts), or the identity.
 */
final class Calibrator {
  private final double[] x;
  private final double[] y;

  private Calibrator(double[] x, double[] y) {
    this.x = x;
    this.y = y;
  }

  /** The identity: scores are probabilities already. */
  static Calibrator identity() {
    return new Calibrator(null, null);
  }

  /**
   * Isotonic fit of {@code positive} (0/1) on {@code score}: for equal scores the mean label, then
   * pool-adjacent-violators with the row counts as weights.
   */
  static Calibrator isotonic(double[] score, boolean[] positive) {
    int n = score.length;
    if (n == 0) {
      throw new IllegalArgumentException("no reference rows to calibrate on");
    }
    // the positives' and the negatives' scores, each sorted, merged into distinct scores with their counts
    int np = 0;
    for (boolean b : positive) {
      np += b ? 1 : 0;
    }
    double[] ps = new double[np];
    double[] ns = new double[n - np];
    int ip = 0;
    int in = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(score[i])) {
        throw new IllegalArgumentException("a NaN score among the reference scores");
      }
      if (positive[i]) {
        ps[ip++] = score[i];
      } else {
        ns[in++] = score[i];
      }
    }
    java.util.Arrays.sort(ps);
    java.util.Arrays.sort(ns);
    double[] ux = new double[n];
    double[] sum = new double[n];
    double[] w = new double[n];
    int m = 0;
    ip = 0;
    in = 0;
    while (ip < ps.length || in < ns.length) {
      boolean takePos = in >= ns.length || (ip < ps.length && ps[ip] <= ns[in]);
      double v = takePos ? ps[ip++] : ns[in++];
      if (m > 0 && ux[m - 1] == v) {
        sum[m - 1] += takePos ? 1 : 0;
        w[m - 1]++;
      } else {
        ux[m] = v;
        sum[m] = takePos ? 1 : 0;
        w[m] = 1;
        m++;
      }
    }
    // pool adjacent violators over the distinct scores: blocks of [start, end) with pooled mean
    int[] start = new int[m];
    double[] bs = new double[m];
    double[] bw = new double[m];
    int blocks = 0;
    for (int j = 0; j < m; j++) {
      start[blocks] = j;
      bs[blocks] = sum[j];
      bw[blocks] = w[j];
      blocks++;
      while (blocks > 1 && bs[blocks - 2] / bw[blocks - 2] >= bs[blocks - 1] / bw[blocks - 1]) {
        bs[blocks - 2] += bs[blocks - 1];
        bw[blocks - 2] += bw[blocks - 1];
        blocks--;
      }
    }
    double[] fx = Arrays.copyOf(ux, m);
    double[] fy = new double[m];
    for (int b = 0; b < blocks; b++) {
      int end = b + 1 < blocks ? start[b + 1] : m;
      double v = bs[b] / bw[b];
      for (int j = start[b]; j < end; j++) {
        fy[j] = v;
      }
    }
    return new Calibrator(fx, fy);
  }

  /** The calibrated probability of the positive class. */
  double apply(double s) {
    if (x == null) {
      return s;
    }
    if (s <= x[0]) {
      return y[0];
    }
    int last = x.length - 1;
    if (s >= x[last]) {
      return y[last];
    }
    int k = Arrays.binarySearch(x, s);
    if (k >= 0) {
      return y[k];
    }
    int hi = -k - 1;
    int lo = hi - 1;
    double t = (s - x[lo]) / (x[hi] - x[lo]);
    return y[lo] + t * (y[hi] - y[lo]);
  }

  /**
   * The expected calibration error of the calibrated scores out of fold: the rows dealt into
   * {@code folds} folds from {@code seed}, each fold's scores calibrated by a fit on the others,
   * then {@code bins} equal-width bins of the calibrated probability, {@code sum_b (n_b / n) |mean
   * label_b - mean p_b|}. With {@code isotonic} false the scores are scored as they are.
   */
  static double outOfFoldEce(double[] score, boolean[] positive, boolean isotonic, int folds, int bins, long seed) {
    int n = score.length;
    double[] p = new double[n];
    if (!isotonic) {
      System.arraycopy(score, 0, p, 0, n);
    } else {
      int[] fold = new int[n];
      SplittableRandom r = new SplittableRandom(seed);
      int[] perm = new int[n];
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      for (int k = 0; k < n; k++) {
        fold[perm[k]] = k % folds;
      }
      for (int f = 0; f < folds; f++) {
        int in = 0;
        for (int i = 0; i < n; i++) {
          if (fold[i] != f) {
            in++;
          }
        }
        if (in == 0 || in == n) {
          continue;
        }
        double[] s = new double[in];
        boolean[] y = new boolean[in];
        int k = 0;
        for (int i = 0; i < n; i++) {
          if (fold[i] != f) {
            s[k] = score[i];
            y[k++] = positive[i];
          }
        }
        Calibrator c = isotonic(s, y);
        for (int i = 0; i < n; i++) {
          if (fold[i] == f) {
            p[i] = c.apply(score[i]);
          }
        }
      }
    }
    double[] sp = new double[bins];
    double[] sy = new double[bins];
    long[] cnt = new long[bins];
    for (int i = 0; i < n; i++) {
      int b = Math.min(bins - 1, (int) Math.floor(p[i] * bins));
      sp[b] += p[i];
      sy[b] += positive[i] ? 1 : 0;
      cnt[b]++;
    }
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      if (cnt[b] > 0) {
        ece += (double) cnt[b] / n * Math.abs(sy[b] / cnt[b] - sp[b] / cnt[b]);
      }
    }
    return ece;
  }
}

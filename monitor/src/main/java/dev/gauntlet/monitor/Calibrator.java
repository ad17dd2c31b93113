package dev.gauntlet.monitor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A monotone map from a served score to the probability that the positive class is the truth,
 * fitted on the reference data: isotonic regression by pool-adjacent-violators, evaluated by
 * linear interpolation between the fitted points and clipped at the ends (what scikit-learn's
 * {@code IsotonicRegression(out_of_bounds="clip")} predicts), Platt's sigmoid {@code 1 / (1 +
 * exp(A s + B))} (scikit-learn's {@code CalibratedClassifierCV(method="sigmoid")} on the score), or
 * the identity.
 */
final class Calibrator {
  private final double[] x;
  private final double[] y;
  private final double a;
  private final double b;

  private Calibrator(double[] x, double[] y) {
    this(x, y, Double.NaN, Double.NaN);
  }

  private Calibrator(double[] x, double[] y, double a, double b) {
    this.x = x;
    this.y = y;
    this.a = a;
    this.b = b;
  }

  /** The identity: scores are probabilities already. */
  static Calibrator identity() {
    return new Calibrator(null, null);
  }

  /** The fit of a kind ({@code NONE}: the identity). */
  static Calibrator fit(MonitorConfig.Calibration kind, double[] score, boolean[] positive) {
    return switch (kind) {
      case ISOTONIC -> isotonic(score, positive);
      case PLATT -> platt(score, positive);
      case NONE -> identity();
    };
  }

  /**
   * Platt scaling (Platt 1999, as scikit-learn's {@code _sigmoid_calibration}): {@code A, B}
   * minimise the cross-entropy of {@code 1 / (1 + exp(A s + B))} against the smoothed targets
   * {@code (N+ + 1) / (N+ + 2)} for positives and {@code 1 / (N- + 2)} for negatives, here by
   * Newton's method with step halving (the loss is convex, so the minimum is the same).
   */
  static Calibrator platt(double[] score, boolean[] positive) {
    int n = score.length;
    if (n == 0) {
      throw new IllegalArgumentException("no reference rows to calibrate on");
    }
    int np = 0;
    for (boolean v : positive) {
      np += v ? 1 : 0;
    }
    double hi = (np + 1.0) / (np + 2.0);
    double lo = 1.0 / (n - np + 2.0);
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = positive[i] ? hi : lo;
    }
    double aa = 0;
    double bb = Math.log((n - np + 1.0) / (np + 1.0));
    double loss = plattLoss(score, t, aa, bb);
    for (int it = 0; it < 200; it++) {
      // gradient and Hessian of sum -t log p - (1 - t) log(1 - p), p = 1 / (1 + exp(a s + b)): d/dz = t - p with z = a s + b
      double ga = 0;
      double gb = 0;
      double haa = 0;
      double hab = 0;
      double hbb = 0;
      for (int i = 0; i < n; i++) {
        double p = sigmoid(aa * score[i] + bb);
        double d = t[i] - p;
        double w = p * (1 - p);
        ga += d * score[i];
        gb += d;
        haa += w * score[i] * score[i];
        hab += w * score[i];
        hbb += w;
      }
      haa += 1e-12;
      hbb += 1e-12;
      double det = haa * hbb - hab * hab;
      if (!(Math.abs(det) > 0)) {
        break;
      }
      double da = -(hbb * ga - hab * gb) / det;
      double db = -(haa * gb - hab * ga) / det;
      double step = 1;
      double next = plattLoss(score, t, aa + da, bb + db);
      while (next > loss && step > 1e-10) {
        step /= 2;
        next = plattLoss(score, t, aa + step * da, bb + step * db);
      }
      if (next > loss) {
        break;
      }
      aa += step * da;
      bb += step * db;
      boolean done = loss - next < 1e-14 * Math.max(1, Math.abs(loss)) && Math.abs(step * da) + Math.abs(step * db) < 1e-12;
      loss = next;
      if (done) {
        break;
      }
    }
    return new Calibrator(null, null, aa, bb);
  }

  /** {@code 1 / (1 + exp(z))}, without overflow. */
  private static double sigmoid(double z) {
    return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
  }

  private static double plattLoss(double[] s, double[] t, double a, double b) {
    double l = 0;
    for (int i = 0; i < s.length; i++) {
      double z = a * s[i] + b;
      // -t log p - (1 - t) log(1 - p) with log p = -log(1 + e^z), log(1 - p) = z - log(1 + e^z)
      double softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      l += t[i] * softplus + (1 - t[i]) * (softplus - z);
    }
    return l;
  }

  /** Platt's {@code A} and {@code B}, NaN for other calibrations. */
  double[] plattParameters() {
    return new double[] {a, b};
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
    if (!Double.isNaN(a)) {
      return sigmoid(a * s + b);
    }
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
   * label_b - mean p_b|}. With {@code NONE} the scores are scored as they are.
   */
  static double outOfFoldEce(double[] score, boolean[] positive, MonitorConfig.Calibration kind, int folds, int bins, long seed) {
    int n = score.length;
    double[] p = new double[n];
    if (kind == MonitorConfig.Calibration.NONE) {
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
        Calibrator c = fit(kind, s, y);
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

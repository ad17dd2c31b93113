package dev.gauntlet.drift;

import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.stats.Intervals;

/**
 * Confusion counts of decisions against labels on some rows, and the rates the fairness trial
 * reports: accuracy, selection rate, TPR, FPR, FNR, precision (the last five for binary labels).
 */
record Rates(long n, long correct, long tp, long fp, long tn, long fn) {

  static Rates of(int[] rows, int[] decisions, int[] labels, int positive) {
    long correct = 0;
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    for (int r : rows) {
      int d = decisions[r];
      int y = labels[r];
      if (d == y) {
        correct++;
      }
      boolean pd = d == positive;
      boolean py = y == positive;
      if (pd && py) {
        tp++;
      } else if (pd) {
        fp++;
      } else if (py) {
        fn++;
      } else {
        tn++;
      }
    }
    return new Rates(rows.length, correct, tp, fp, tn, fn);
  }

  double accuracy() {
    return n == 0 ? Double.NaN : (double) correct / n;
  }

  /** The level of every accuracy interval of the temporal trial. */
  static final double LEVEL = 0.95;

  double[] accuracyInterval() {
    return Intervals.wilson(correct, n, LEVEL);
  }

  /** The accuracy's Wilson interval at {@link #LEVEL}, as a value. */
  Interval accuracyCi() {
    double[] ci = accuracyInterval();
    return Interval.of(ci[0], ci[1], LEVEL, Interval.Method.WILSON);
  }

  /** {@link #newcombe} as a value at {@link #LEVEL}. */
  static Interval newcombeCi(Rates first, Rates second) {
    double[] d = newcombe(first, second);
    return Interval.of(d[0], d[1], LEVEL, Interval.Method.NEWCOMBE);
  }

  double selectionRate() {
    return n == 0 ? Double.NaN : (double) (tp + fp) / n;
  }

  double tpr() {
    return ratio(tp, tp + fn);
  }

  double fpr() {
    return ratio(fp, fp + tn);
  }

  double fnr() {
    return ratio(fn, tp + fn);
  }

  double precision() {
    return ratio(tp, tp + fp);
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  /**
   * Newcombe's hybrid score interval (method 10, 1998) for the difference of two independent
   * proportions {@code p1 - p2}, from their Wilson intervals.
   */
  static double[] newcombe(Rates first, Rates second) {
    double p1 = first.accuracy();
    double p2 = second.accuracy();
    double[] a = first.accuracyInterval();
    double[] b = second.accuracyInterval();
    double d = p1 - p2;
    double lower = d - Math.sqrt((p1 - a[0]) * (p1 - a[0]) + (b[1] - p2) * (b[1] - p2));
    double upper = d + Math.sqrt((a[1] - p1) * (a[1] - p1) + (p2 - b[0]) * (p2 - b[0]));
    return new double[] {lower, upper};
  }
}

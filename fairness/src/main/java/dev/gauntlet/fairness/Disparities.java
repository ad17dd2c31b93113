package dev.gauntlet.fairness;

import dev.gauntlet.harness.metric.Subject;
import java.util.List;

/** Disparity arithmetic on confusion cells ({@code [tn, fp, fn, tp]} per slice). */
final class Disparities {
  private Disparities() {}

  /**
   * The difference (slice minus reference) and ratio (slice over reference) of a disparity; NaN
   * where a rate or the ratio is undefined. For equalized odds the difference is the larger of the
   * absolute TPR and FPR gaps and the ratio is the one of the two ratios farther from 1.
   */
  static double[] of(Disparity d, long[] cells, int g, int ref) {
    List<Rate> rates = d.rates();
    if (rates.size() == 1) {
      Rate r = rates.get(0);
      double a = r.of(cells, 4 * g);
      double b = r.of(cells, 4 * ref);
      return new double[] {a - b, a / b};
    }
    double diff = Double.NEGATIVE_INFINITY;
    double ratio = 1;
    for (Rate r : rates) {
      double a = r.of(cells, 4 * g);
      double b = r.of(cells, 4 * ref);
      if (Double.isNaN(a) || Double.isNaN(b)) {
        return new double[] {Double.NaN, Double.NaN};
      }
      diff = Math.max(diff, Math.abs(a - b));
      double q = a / b;
      if (Double.isNaN(ratio) || !(Math.abs(Math.log(q)) <= Math.abs(Math.log(ratio)))) {
        ratio = q;
      }
    }
    return new double[] {diff, ratio};
  }

  /** Why a disparity of slice {@code g} against {@code ref} cannot be judged, or null when it can. */
  static String undefined(Disparity d, long[] cells, int g, int ref, int minSize, List<Subject> subjects) {
    for (int h : new int[] {g, ref}) {
      long size = SliceCounts.size(cells, h);
      String role = h == ref ? "reference slice " : "slice ";
      if (size < minSize) {
        return role + subjects.get(h) + " has " + size + " rows, below the minimum of " + minSize;
      }
      for (Rate r : d.rates()) {
        if (r.denominator(cells, 4 * h) == 0) {
          return role + subjects.get(h) + " has no " + r.denominatorName();
        }
      }
    }
    return null;
  }
}

package dev.gauntlet.drift.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Adjusts a family of p-values (one per column) for multiple testing. */
public enum MultipleTesting {
  /** No adjustment. */
  NONE,
  /** Benjamini-Hochberg (1995) step-up: controls the false discovery rate; gives q-values. */
  BH,
  /** Holm (1979) step-down: controls the family-wise error rate. */
  HOLM;

  /** The adjusted p-values, in the order given; each in [0, 1] and at least its raw p-value. */
  public double[] adjust(double[] p) {
    int k = p.length;
    for (double x : p) {
      if (!(x >= 0 && x <= 1)) {
        throw new IllegalArgumentException("p-value " + x + " is outside [0, 1]");
      }
    }
    if (this == NONE || k == 0) {
      return p.clone();
    }
    Integer[] order = IntStream.range(0, k).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    double[] out = new double[k];
    if (this == BH) {
      double running = 1;
      for (int r = k - 1; r >= 0; r--) {
        int i = order[r];
        running = Math.min(running, p[i] * k / (r + 1));
        out[i] = running;
      }
    } else {
      double running = 0;
      for (int r = 0; r < k; r++) {
        int i = order[r];
        running = Math.max(running, Math.min(1, p[i] * (k - r)));
        out[i] = running;
      }
    }
    return out;
  }
}

package dev.gauntlet.fairness;

import dev.gauntlet.harness.summary.Summary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The mergeable first pass over the scores that {@link ScoreBins} needs: the smallest and largest
 * score and the distinct scores while there are at most {@value ScoreBins#MAX_DISTINCT_THRESHOLDS}
 * (kept sorted, at most one more than that to tell "more"). Distinct means different by
 * {@code ==}, so of {@code -0.0} and {@code 0.0} only {@code -0.0} is kept.
 *
 * <p>Memory: at most 51 doubles, whatever the row count.
 */
record ScoreRange(double min, double max, double[] distinct) implements Summary<ScoreRange> {
  static final int CAP = ScoreBins.MAX_DISTINCT_THRESHOLDS + 1;

  static ScoreRange of(double[] scores, int from, int to) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double[] d = new double[0];
    double[] buf = new double[Math.min(CAP * 4, Math.max(0, to - from))];
    int k = 0;
    for (int i = from; i < to; i++) {
      double s = scores[i];
      min = Math.min(min, s);
      max = Math.max(max, s);
      if (d.length < CAP) {
        buf[k++] = s;
        if (k == buf.length) {
          d = union(d, buf, k);
          k = 0;
        }
      }
    }
    if (d.length < CAP && k > 0) {
      d = union(d, buf, k);
    }
    return new ScoreRange(min, max, d);
  }

  /** The sorted, ==-distinct union of {@code a} (sorted, distinct) and the first {@code k} of {@code b}, at most {@link #CAP} long. */
  private static double[] union(double[] a, double[] b, int k) {
    double[] all = Arrays.copyOf(a, a.length + k);
    System.arraycopy(b, 0, all, a.length, k);
    Arrays.sort(all);
    int m = 0;
    for (int i = 0; i < all.length && m < CAP; i++) {
      if (m == 0 || all[i] != all[m - 1]) {
        all[m++] = all[i];
      }
    }
    return Arrays.copyOf(all, m);
  }

  @Override
  public ScoreRange merge(ScoreRange o) {
    return new ScoreRange(Math.min(min, o.min), Math.max(max, o.max), union(distinct, o.distinct, o.distinct.length));
  }

  /** The sorted distinct scores, or null when there are more than {@value ScoreBins#MAX_DISTINCT_THRESHOLDS}. */
  double[] values() {
    return distinct.length < CAP ? distinct.clone() : null;
  }

  @Override
  public void encode(DataOutput out) throws IOException {
    out.writeLong(Double.doubleToLongBits(min));
    out.writeLong(Double.doubleToLongBits(max));
    out.writeInt(distinct.length);
    for (double v : distinct) {
      out.writeLong(Double.doubleToLongBits(v));
    }
  }

  static ScoreRange decode(DataInput in) throws IOException {
    double min = Double.longBitsToDouble(in.readLong());
    double max = Double.longBitsToDouble(in.readLong());
    int n = in.readInt();
    if (n < 0 || n > CAP) {
      throw new IOException("score range: " + n + " distinct values, at most " + CAP);
    }
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = Double.longBitsToDouble(in.readLong());
    }
    return new ScoreRange(min, max, d);
  }
}

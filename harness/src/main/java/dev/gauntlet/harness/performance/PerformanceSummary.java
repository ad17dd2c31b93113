package dev.gauntlet.harness.performance;

import dev.gauntlet.harness.summary.Partition;
import dev.gauntlet.harness.summary.SortedCounts;
import dev.gauntlet.harness.summary.ShippableSummarizer;
import dev.gauntlet.harness.summary.Summary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The mergeable state of {@link PerformanceCheck}: the confusion counts ({@code k x k}, true class
 * by decided class) and, for binary models with scores, the distinct scores with their counts of
 * negative and positive labels (column 1 is the positive class), from which the AUC is exact.
 *
 * <p>Memory: {@code 8 k^2} bytes plus 24 bytes per distinct score, at most {@link #EXACT_SCORES}
 * of them: past that budget the scores are a compressed sample ({@link SortedCounts#compress}) and
 * the AUC is known to within {@link #aucBound()}.
 *
 * @param scores null when the model gives no scores or the label is not binary
 * @since 0.3
 */
public record PerformanceSummary(int classes, long[] confusion, SortedCounts scores) implements Summary<PerformanceSummary> {
  /** The memory budget of the scores: distinct scores kept exact (24 MiB). */
  public static final int EXACT_SCORES = 1 << 20;

  /**
   * 0 when the scores are exact; else a bound on |auc() - exact AUC|: with every rank of either
   * class off by at most E rows (the sample's rank error), AUC = integral of F_neg dF_pos moves by
   * at most E / negatives + E / positives.
   */
  public double aucBound() {
    if (scores == null || scores.rankError() == 0) {
      return 0;
    }
    long pos = scores.total(1);
    long neg = scores.total(0);
    return pos == 0 || neg == 0 ? Double.NaN : (double) scores.rankError() / neg + (double) scores.rankError() / pos;
  }

  /** False once the score sample is compressed (the AUC then carries {@link #aucBound()}). */
  @Override
  public boolean exact() {
    return scores == null || scores.rankError() == 0;
  }

  /** The summariser for a label of {@code classes} classes whose positive class is {@code positive}. */
  public static ShippableSummarizer<PerformanceSummary> summarizer(int classes, int positive) {
    return part -> of(part, classes, positive);
  }

  static PerformanceSummary of(Partition part, int classes, int positive) {
    int[] y = part.data().labels();
    int[] d = part.predictions().decisions();
    double[] s = part.predictions().scores();
    long[] confusion = new long[classes * classes];
    for (int i = part.from(); i < part.to(); i++) {
      confusion[y[i] * classes + d[i]]++;
    }
    SortedCounts sc = null;
    if (classes == 2 && s != null) {
      int m = part.size();
      int[] col = new int[m];
      double[] v = new double[m];
      for (int i = 0; i < m; i++) {
        col[i] = y[part.from() + i] == positive ? 1 : 0;
        v[i] = s[part.from() + i];
      }
      sc = SortedCounts.of(v, col, 2, 0, m).compress(EXACT_SCORES);
    }
    return new PerformanceSummary(classes, confusion, sc);
  }

  @Override
  public PerformanceSummary merge(PerformanceSummary o) {
    if (o.classes != classes || (o.scores == null) != (scores == null)) {
      throw new IllegalArgumentException("performance summaries of different label or score shapes do not merge");
    }
    long[] c = confusion.clone();
    for (int i = 0; i < c.length; i++) {
      c[i] += o.confusion[i];
    }
    return new PerformanceSummary(classes, c, scores == null ? null : scores.merge(o.scores).bounded(EXACT_SCORES));
  }

  /** The count of rows of true class {@code y} decided as {@code d}. */
  public long count(int y, int d) {
    return confusion[y * classes + d];
  }

  /**
   * ROC AUC by the Mann-Whitney rank statistic with mid-ranks for ties, exactly as
   * {@link PerformanceCheck#auc} computes it on the rows (the same additions in the same order).
   * NaN when one class is absent or there are no scores.
   */
  public double auc() {
    if (scores == null) {
      return Double.NaN;
    }
    double rankSumPos = 0;
    long pos = 0;
    long n = 0;
    int d = scores.distinct();
    int v = 0;
    while (v < d) {
      // A tie group: adjacent distinct values that compare equal with == (-0.0 and 0.0).
      int w = v;
      long size = scores.count(v);
      long positives = scores.count(v, 1);
      while (w + 1 < d && scores.value(w + 1) == scores.value(v)) {
        w++;
        size += scores.count(w);
        positives += scores.count(w, 1);
      }
      long i = n;
      long j = n + size - 1;
      double midRank = (i + j) / 2.0 + 1;
      for (long t = 0; t < positives; t++) {
        rankSumPos += midRank;
      }
      pos += positives;
      n += size;
      v = w + 1;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }

  @Override
  public void encode(DataOutput out) throws IOException {
    out.writeInt(classes);
    for (long c : confusion) {
      out.writeLong(c);
    }
    out.writeBoolean(scores != null);
    if (scores != null) {
      scores.encode(out);
    }
  }

  /** Reads what {@link #encode} wrote. */
  public static PerformanceSummary decode(DataInput in) throws IOException {
    int k = in.readInt();
    if (k < 1 || k > 46_000) {
      throw new IOException("performance summary: " + k + " classes");
    }
    long[] c = new long[k * k];
    for (int i = 0; i < c.length; i++) {
      c[i] = in.readLong();
    }
    return new PerformanceSummary(k, c, in.readBoolean() ? SortedCounts.decode(in) : null);
  }
}

package dev.gauntlet.fairness;

import dev.gauntlet.harness.summary.ExactSum;
import dev.gauntlet.harness.summary.Summary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * The sufficient statistics of every slicing, gathered in one pass over the rows: the confusion
 * cells per slice ({@code [tn, fp, fn, tp]} at {@code 4 * slice}), and when scores exist the
 * squared-error sums for the Brier score, a reliability histogram per score bin and a histogram of
 * scores per label over the threshold sweep (single attributes only). A mergeable summary: each
 * partition of the rows is counted apart ({@link SliceSummarizer}) and the partitions merge exactly
 * (counts are longs, sums of scores and squared errors are {@link ExactSum}s), so every number is
 * the same however the rows were split, on any engine.
 *
 * <p>Memory, constant in the row count: per slicing and slice 4 counts and 2 exact sums; per single
 * attribute's slice and reliability bin a count, an exact sum and a positive count; per slice and
 * sweep threshold 2 counts.
 */
final class SliceCounts implements Summary<SliceCounts> {

  /** Confusion cells per slicing. */
  final long[][] cells;
  /** Sum of (score - label)^2 per slicing and slice, or null without probability scores. */
  final ExactSum[][] sse;
  /** Sum of (score - label)^4 per slicing and slice, for the Brier score's standard error. */
  final ExactSum[][] sse2;
  /** Reliability per single slicing: [slice][bin] count, sum of scores, positives, or null. */
  final long[][][] binCount;
  final ExactSum[][][] binScore;
  final long[][][] binPositive;
  /** Threshold sweep per single slicing: [slice][label][k] rows with k thresholds at or below the score. */
  final long[][][][] sweep;

  private SliceCounts(long[][] cells, ExactSum[][] sse, ExactSum[][] sse2, long[][][] binCount, ExactSum[][][] binScore,
      long[][][] binPositive, long[][][][] sweep) {
    this.cells = cells;
    this.sse = sse;
    this.sse2 = sse2;
    this.binCount = binCount;
    this.binScore = binScore;
    this.binPositive = binPositive;
    this.sweep = sweep;
  }

  /**
   * The counts of rows {@code [from, to)}.
   *
   * @param positive per row, whether the label is the positive class
   * @param decided per row, whether the decision is positive
   * @param scores the positive-class scores, or null
   * @param probabilities whether the scores are probabilities (Brier score applies)
   * @param binEdges the lower edges of the reliability bins after the first (ascending), or null
   * @param thresholds the sweep thresholds (ascending), or null
   */
  static SliceCounts countRange(Slices slices, boolean[] positive, boolean[] decided, double[] scores, boolean probabilities,
      double[] binEdges, double[] thresholds, int from, int to) {
    List<Slices.Slicing> ss = slices.slicings;
    int m = ss.size();
    long[][] cells = new long[m][];
    ExactSum[][] sse = probabilities && scores != null ? new ExactSum[m][] : null;
    ExactSum[][] sse2 = sse == null ? null : new ExactSum[m][];
    long[][][] binCount = binEdges == null ? null : new long[m][][];
    ExactSum[][][] binScore = binEdges == null ? null : new ExactSum[m][][];
    long[][][] binPositive = binEdges == null ? null : new long[m][][];
    long[][][][] sweep = thresholds == null ? null : new long[m][][][];
    int bins = binEdges == null ? 0 : binEdges.length + 1;
    for (int s = 0; s < m; s++) {
      int g = ss.get(s).groups();
      cells[s] = new long[4 * g];
      if (sse != null) {
        sse[s] = sums(g);
        sse2[s] = sums(g);
      }
      if (ss.get(s).single()) {
        if (binCount != null) {
          binCount[s] = new long[g][bins];
          binScore[s] = new ExactSum[g][];
          for (int h = 0; h < g; h++) {
            binScore[s][h] = sums(bins);
          }
          binPositive[s] = new long[g][bins];
        }
        if (sweep != null) {
          sweep[s] = new long[g][2][thresholds.length + 1];
        }
      }
    }
    int[][] codes = slices.codes;
    for (int i = from; i < to; i++) {
      int y = positive[i] ? 1 : 0;
      int cell = 2 * y + (decided[i] ? 1 : 0);
      double sc = scores == null ? 0 : scores[i];
      double e = sse == null ? 0 : (sc - y) * (sc - y);
      int bin = binEdges == null ? 0 : upperIndex(binEdges, sc);
      int k = thresholds == null ? 0 : upperIndex(thresholds, sc);
      for (int s = 0; s < m; s++) {
        Slices.Slicing sl = ss.get(s);
        int[] attrs = sl.attrs();
        int[] strides = sl.strides();
        int g = 0;
        for (int j = 0; j < attrs.length; j++) {
          g += codes[attrs[j]][i] * strides[j];
        }
        cells[s][4 * g + cell]++;
        if (sse != null) {
          sse[s][g].add(e);
          sse2[s][g].add(e * e);
        }
        if (attrs.length == 1) {
          if (binCount != null) {
            binCount[s][g][bin]++;
            binScore[s][g][bin].add(sc);
            binPositive[s][g][bin] += y;
          }
          if (sweep != null) {
            sweep[s][g][y][k]++;
          }
        }
      }
    }
    return new SliceCounts(cells, sse, sse2, binCount, binScore, binPositive, sweep);
  }

  /** How many of the ascending {@code edges} are at or below {@code v}. */
  static int upperIndex(double[] edges, double v) {
    int lo = 0;
    int hi = edges.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (edges[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static ExactSum[] sums(int n) {
    ExactSum[] out = new ExactSum[n];
    for (int i = 0; i < n; i++) {
      out[i] = new ExactSum();
    }
    return out;
  }

  /** A new summary of the rows of both (built for the same slicings, bins and thresholds). */
  @Override
  public SliceCounts merge(SliceCounts o) {
    if (o.cells.length != cells.length || (o.sse == null) != (sse == null) || (o.binCount == null) != (binCount == null)
        || (o.sweep == null) != (sweep == null)) {
      throw new IllegalArgumentException("slice counts of different slicings, scores or bins do not merge");
    }
    int m = cells.length;
    long[][] c = new long[m][];
    ExactSum[][] e = sse == null ? null : new ExactSum[m][];
    ExactSum[][] e2 = sse == null ? null : new ExactSum[m][];
    long[][][] bc = binCount == null ? null : new long[m][][];
    ExactSum[][][] bs = binCount == null ? null : new ExactSum[m][][];
    long[][][] bp = binCount == null ? null : new long[m][][];
    long[][][][] sw = sweep == null ? null : new long[m][][][];
    for (int s = 0; s < m; s++) {
      if (o.cells[s].length != cells[s].length) {
        throw new IllegalArgumentException("slice counts of different slicings do not merge");
      }
      c[s] = add(cells[s], o.cells[s]);
      if (e != null) {
        e[s] = add(sse[s], o.sse[s]);
        e2[s] = add(sse2[s], o.sse2[s]);
      }
      if (bc != null && binCount[s] != null) {
        int g = binCount[s].length;
        bc[s] = new long[g][];
        bs[s] = new ExactSum[g][];
        bp[s] = new long[g][];
        for (int h = 0; h < g; h++) {
          bc[s][h] = add(binCount[s][h], o.binCount[s][h]);
          bs[s][h] = add(binScore[s][h], o.binScore[s][h]);
          bp[s][h] = add(binPositive[s][h], o.binPositive[s][h]);
        }
      }
      if (sw != null && sweep[s] != null) {
        int g = sweep[s].length;
        sw[s] = new long[g][2][];
        for (int h = 0; h < g; h++) {
          sw[s][h][0] = add(sweep[s][h][0], o.sweep[s][h][0]);
          sw[s][h][1] = add(sweep[s][h][1], o.sweep[s][h][1]);
        }
      }
    }
    return new SliceCounts(c, e, e2, bc, bs, bp, sw);
  }

  private static long[] add(long[] a, long[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("slice counts of different shapes do not merge");
    }
    long[] out = a.clone();
    for (int i = 0; i < a.length; i++) {
      out[i] += b[i];
    }
    return out;
  }

  private static ExactSum[] add(ExactSum[] a, ExactSum[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("slice counts of different shapes do not merge");
    }
    ExactSum[] out = new ExactSum[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].plus(b[i]);
    }
    return out;
  }

  @Override
  public void encode(DataOutput out) throws IOException {
    out.writeInt(cells.length);
    out.writeBoolean(sse != null);
    out.writeBoolean(binCount != null);
    out.writeBoolean(sweep != null);
    for (int s = 0; s < cells.length; s++) {
      writeLongs(out, cells[s]);
      if (sse != null) {
        writeSums(out, sse[s]);
        writeSums(out, sse2[s]);
      }
      boolean bins = binCount != null && binCount[s] != null;
      out.writeBoolean(bins);
      if (bins) {
        out.writeInt(binCount[s].length);
        for (int h = 0; h < binCount[s].length; h++) {
          writeLongs(out, binCount[s][h]);
          writeSums(out, binScore[s][h]);
          writeLongs(out, binPositive[s][h]);
        }
      }
      boolean sw = sweep != null && sweep[s] != null;
      out.writeBoolean(sw);
      if (sw) {
        out.writeInt(sweep[s].length);
        for (int h = 0; h < sweep[s].length; h++) {
          writeLongs(out, sweep[s][h][0]);
          writeLongs(out, sweep[s][h][1]);
        }
      }
    }
  }

  /** Reads what {@link #encode} wrote. */
  static SliceCounts decode(DataInput in) throws IOException {
    int m = bounded(in.readInt());
    boolean hasSse = in.readBoolean();
    boolean hasBins = in.readBoolean();
    boolean hasSweep = in.readBoolean();
    long[][] cells = new long[m][];
    ExactSum[][] sse = hasSse ? new ExactSum[m][] : null;
    ExactSum[][] sse2 = hasSse ? new ExactSum[m][] : null;
    long[][][] binCount = hasBins ? new long[m][][] : null;
    ExactSum[][][] binScore = hasBins ? new ExactSum[m][][] : null;
    long[][][] binPositive = hasBins ? new long[m][][] : null;
    long[][][][] sweep = hasSweep ? new long[m][][][] : null;
    for (int s = 0; s < m; s++) {
      cells[s] = readLongs(in);
      if (hasSse) {
        sse[s] = readSums(in);
        sse2[s] = readSums(in);
      }
      if (in.readBoolean()) {
        int g = bounded(in.readInt());
        binCount[s] = new long[g][];
        binScore[s] = new ExactSum[g][];
        binPositive[s] = new long[g][];
        for (int h = 0; h < g; h++) {
          binCount[s][h] = readLongs(in);
          binScore[s][h] = readSums(in);
          binPositive[s][h] = readLongs(in);
        }
      }
      if (in.readBoolean()) {
        int g = bounded(in.readInt());
        sweep[s] = new long[g][2][];
        for (int h = 0; h < g; h++) {
          sweep[s][h][0] = readLongs(in);
          sweep[s][h][1] = readLongs(in);
        }
      }
    }
    return new SliceCounts(cells, sse, sse2, binCount, binScore, binPositive, sweep);
  }

  private static int bounded(int n) throws IOException {
    if (n < 0 || n > 4_000_000) {
      throw new IOException("slice counts: a length of " + n);
    }
    return n;
  }

  private static void writeLongs(DataOutput out, long[] a) throws IOException {
    out.writeInt(a.length);
    for (long v : a) {
      out.writeLong(v);
    }
  }

  private static long[] readLongs(DataInput in) throws IOException {
    long[] a = new long[bounded(in.readInt())];
    for (int i = 0; i < a.length; i++) {
      a[i] = in.readLong();
    }
    return a;
  }

  private static void writeSums(DataOutput out, ExactSum[] a) throws IOException {
    out.writeInt(a.length);
    for (ExactSum v : a) {
      v.encode(out);
    }
  }

  private static ExactSum[] readSums(DataInput in) throws IOException {
    ExactSum[] a = new ExactSum[bounded(in.readInt())];
    for (int i = 0; i < a.length; i++) {
      a[i] = ExactSum.decode(in);
    }
    return a;
  }

  /** Rows in slice {@code g} of one slicing's cells. */
  static long size(long[] cells, int g) {
    return cells[4 * g] + cells[4 * g + 1] + cells[4 * g + 2] + cells[4 * g + 3];
  }
}

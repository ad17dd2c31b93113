package dev.gauntlet.fairness;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The sufficient statistics of every slicing, gathered in one pass over the rows: the confusion
 * cells per slice ({@code [tn, fp, fn, tp]} at {@code 4 * slice}), and when scores exist the
 * squared-error sums for the Brier score, a reliability histogram per score bin and a histogram of
 * scores per label over the threshold sweep (single attributes only). Rows are counted in fixed
 * chunks in parallel and merged in chunk order, so the sums are the same on any machine.
 */
final class SliceCounts {
  static final int CHUNK = 1 << 20;

  /** Confusion cells per slicing. */
  final long[][] cells;
  /** Sum of (score - label)^2 per slicing and slice, or null without probability scores. */
  final double[][] sse;
  /** Sum of (score - label)^4 per slicing and slice, for the Brier score's standard error. */
  final double[][] sse2;
  /** Reliability per single slicing: [slice][bin] count, sum of scores, positives, or null. */
  final long[][][] binCount;
  final double[][][] binScore;
  final long[][][] binPositive;
  /** Threshold sweep per single slicing: [slice][label][k] rows with k thresholds at or below the score. */
  final long[][][][] sweep;

  private SliceCounts(long[][] cells, double[][] sse, double[][] sse2, long[][][] binCount, double[][][] binScore,
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
   * @param positive per row, whether the label is the positive class
   * @param decided per row, whether the decision is positive
   * @param scores the positive-class scores, or null
   * @param probabilities whether the scores are probabilities (Brier score applies)
   * @param binEdges the lower edges of the reliability bins after the first (ascending), or null
   * @param thresholds the sweep thresholds (ascending), or null
   */
  static SliceCounts count(Slices slices, boolean[] positive, boolean[] decided, double[] scores, boolean probabilities,
      double[] binEdges, double[] thresholds) {
    int n = positive.length;
    int chunks = (n + CHUNK - 1) / CHUNK;
    SliceCounts[] parts = IntStream.range(0, Math.max(chunks, 1)).parallel()
        .mapToObj(c -> countRange(slices, positive, decided, scores, probabilities, binEdges, thresholds,
            c * CHUNK, (int) Math.min(n, (long) (c + 1) * CHUNK)))
        .toArray(SliceCounts[]::new);
    SliceCounts total = parts[0];
    for (int c = 1; c < parts.length; c++) {
      total.add(parts[c]);
    }
    return total;
  }

  private static SliceCounts countRange(Slices slices, boolean[] positive, boolean[] decided, double[] scores, boolean probabilities,
      double[] binEdges, double[] thresholds, int from, int to) {
    List<Slices.Slicing> ss = slices.slicings;
    int m = ss.size();
    long[][] cells = new long[m][];
    double[][] sse = probabilities && scores != null ? new double[m][] : null;
    double[][] sse2 = sse == null ? null : new double[m][];
    long[][][] binCount = binEdges == null ? null : new long[m][][];
    double[][][] binScore = binEdges == null ? null : new double[m][][];
    long[][][] binPositive = binEdges == null ? null : new long[m][][];
    long[][][][] sweep = thresholds == null ? null : new long[m][][][];
    int bins = binEdges == null ? 0 : binEdges.length + 1;
    for (int s = 0; s < m; s++) {
      int g = ss.get(s).groups();
      cells[s] = new long[4 * g];
      if (sse != null) {
        sse[s] = new double[g];
        sse2[s] = new double[g];
      }
      if (ss.get(s).single()) {
        if (binCount != null) {
          binCount[s] = new long[g][bins];
          binScore[s] = new double[g][bins];
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
          sse[s][g] += e;
          sse2[s][g] += e * e;
        }
        if (attrs.length == 1) {
          if (binCount != null) {
            binCount[s][g][bin]++;
            binScore[s][g][bin] += sc;
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

  private void add(SliceCounts o) {
    for (int s = 0; s < cells.length; s++) {
      add(cells[s], o.cells[s]);
      if (sse != null) {
        add(sse[s], o.sse[s]);
        add(sse2[s], o.sse2[s]);
      }
      if (binCount != null && binCount[s] != null) {
        for (int g = 0; g < binCount[s].length; g++) {
          add(binCount[s][g], o.binCount[s][g]);
          add(binScore[s][g], o.binScore[s][g]);
          add(binPositive[s][g], o.binPositive[s][g]);
        }
      }
      if (sweep != null && sweep[s] != null) {
        for (int g = 0; g < sweep[s].length; g++) {
          add(sweep[s][g][0], o.sweep[s][g][0]);
          add(sweep[s][g][1], o.sweep[s][g][1]);
        }
      }
    }
  }

  private static void add(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
  }

  private static void add(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
  }

  /** Rows in slice {@code g} of one slicing's cells. */
  static long size(long[] cells, int g) {
    return cells[4 * g] + cells[4 * g + 1] + cells[4 * g + 2] + cells[4 * g + 3];
  }
}

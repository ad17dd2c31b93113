package dev.gauntlet.harness.summary;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The distinct values of some rows in ascending order ({@link Double#compare} order: {@code -0.0}
 * before {@code 0.0}, NaN last), each with its count in each of {@code columns} count columns (e.g.
 * per label class). Exact: ranks, empirical distributions and quantiles computed from it equal
 * those of the sorted rows. Merging is a merge of two sorted runs.
 *
 * <p>Memory: {@code 8 * (1 + columns)} bytes per distinct value, independent of the row count.
 *
 * <p>Past a memory budget, {@link #compress} turns it into a compressed sample: runs of adjacent
 * distinct values are moved onto the run's smallest value, so it no longer grows with the distinct
 * values, and {@link #rankError()} bounds, exactly, how far any rank computed from it can be from
 * the rank in the rows it summarises: for every {@code x}, the count of values {@code <= x} (in any
 * column) is off by at most {@code rankError()}. A compressed summary is deterministic for a given
 * sequence of merges and compressions, but no longer split-independent; exact ones (rankError 0)
 * are.
 *
 * @since 0.3
 */
public final class SortedCounts implements Summary<SortedCounts> {
  private final int columns;
  private final double[] values;
  private final long[] counts;
  private final long rankError;

  private SortedCounts(int columns, double[] values, long[] counts) {
    this(columns, values, counts, 0);
  }

  private SortedCounts(int columns, double[] values, long[] counts, long rankError) {
    this.columns = columns;
    this.values = values;
    this.counts = counts;
    this.rankError = rankError;
  }

  /**
   * The bound on the error of any rank computed from this summary: 0 when exact, else the sum of
   * the rows moved past any one point by each compression (see {@link #compress}) of it and of the
   * summaries merged into it.
   */
  public long rankError() {
    return rankError;
  }

  /**
   * This summary if it holds at most {@code budget} distinct values, else a compressed one of at
   * most {@code budget + 2} entries: consecutive distinct values are grouped, in order, into runs of
   * at most {@code ceil(2 total / budget)} rows (a heavier single value stays alone, and so does the
   * largest value), and each run's rows are counted at its smallest value. A rank at {@code x}
   * inside a run then counts the run's rows above {@code x} too, so the error added is the largest
   * run's weight minus that of its first value; {@link #rankError()} adds it up. Values only move
   * down, and the smallest and the largest value stay exact (through merges too), so the compressed
   * distribution function lies in {@code [F, F + rankError / n]} on {@code [min, max]} and equals F
   * outside it. Deterministic.
   *
   * @param budget at least 2
   */
  public SortedCounts compress(int budget) {
    if (budget < 2) {
      throw new IllegalArgumentException("budget must be at least 2, not " + budget);
    }
    if (values.length <= budget) {
      return this;
    }
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    long limit = Math.max(1, (2 * total + budget - 1) / budget);
    double[] v = new double[budget + 2];
    long[] n = new long[(budget + 2) * columns];
    long added = 0;
    int k = -1;
    long runWeight = 0;
    long firstWeight = 0;
    for (int i = 0; i < values.length; i++) {
      long w = count(i);
      if (k < 0 || runWeight + w > limit || i == values.length - 1) { // the largest value stays alone: the maximum stays exact
        added = Math.max(added, runWeight - firstWeight);
        k++;
        if (k == v.length) { // cannot happen: runs of > limit/2 rows on average fit in budget entries
          throw new IllegalStateException("compression overflowed its " + budget + " entries");
        }
        v[k] = values[i];
        runWeight = 0;
        firstWeight = w;
      }
      runWeight += w;
      for (int c = 0; c < columns; c++) {
        n[k * columns + c] += counts[i * columns + c];
      }
    }
    added = Math.max(added, runWeight - firstWeight);
    return new SortedCounts(columns, Arrays.copyOf(v, k + 1), Arrays.copyOf(n, (k + 1) * columns), rankError + added);
  }

  /**
   * This summary kept within a budget as merges add to it: an exact one as {@link #compress}
   * (exact up to {@code budget} distinct values, compressed past them); a compressed one
   * ({@link #rankError()} above 0) is compressed again only once it holds more than
   * {@code 2 budget} entries. A running merge into one compressed summary then recompresses once
   * per {@code budget} new distinct values, not at every merge, so its rank error grows with the
   * number of compressions (each adds at most {@code 2 rows / budget}), and it holds at most
   * {@code 2 budget + 2} entries plus what one merge adds.
   *
   * @param budget at least 2
   */
  public SortedCounts bounded(int budget) {
    if (rankError > 0 && values.length <= 2L * budget) {
      return this;
    }
    return compress(budget);
  }

  /** No values, with {@code columns >= 1} count columns. */
  public static SortedCounts empty(int columns) {
    if (columns < 1) {
      throw new IllegalArgumentException("columns must be at least 1, not " + columns);
    }
    return new SortedCounts(columns, new double[0], new long[0]);
  }

  /** The values in {@code [from, to)} of {@code values}, each counted once in its column {@code column[i]} (in [0, columns)). */
  public static SortedCounts of(double[] values, int[] column, int columns, int from, int to) {
    SortedCounts out = empty(columns);
    for (int c = 0; c < columns; c++) {
      int m = 0;
      for (int i = from; i < to; i++) {
        m += column[i] == c ? 1 : 0;
      }
      double[] vs = new double[m];
      m = 0;
      for (int i = from; i < to; i++) {
        if (column[i] == c) {
          vs[m++] = values[i];
        }
      }
      out = out.merge(ofSorted(columns, c, vs));
    }
    return out;
  }

  /** The values in {@code [from, to)} of {@code values}, in one count column. */
  public static SortedCounts of(double[] values, int from, int to) {
    return ofSorted(1, 0, Arrays.copyOfRange(values, from, to));
  }

  private static SortedCounts ofSorted(int columns, int c, double[] vs) {
    Arrays.sort(vs);
    int d = 0;
    for (int i = 0; i < vs.length; i++) {
      d += i == 0 || Double.compare(vs[i], vs[i - 1]) != 0 ? 1 : 0;
    }
    double[] values = new double[d];
    long[] counts = new long[d * columns];
    int j = -1;
    for (int i = 0; i < vs.length; i++) {
      if (i == 0 || Double.compare(vs[i], vs[i - 1]) != 0) {
        values[++j] = vs[i];
      }
      counts[j * columns + c]++;
    }
    return new SortedCounts(columns, values, counts);
  }

  @Override
  public SortedCounts merge(SortedCounts o) {
    if (o.columns != columns) {
      throw new IllegalArgumentException("sorted counts of " + columns + " and " + o.columns + " columns do not merge");
    }
    double[] v = new double[values.length + o.values.length];
    long[] n = new long[v.length * columns];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < values.length || j < o.values.length) {
      int cmp = i == values.length ? 1 : j == o.values.length ? -1 : Double.compare(values[i], o.values[j]);
      if (cmp <= 0) {
        v[k] = values[i];
        System.arraycopy(counts, i * columns, n, k * columns, columns);
        i++;
      }
      if (cmp >= 0) {
        v[k] = o.values[j];
        for (int c = 0; c < columns; c++) {
          n[k * columns + c] += o.counts[j * columns + c];
        }
        j++;
      }
      k++;
    }
    return new SortedCounts(columns, Arrays.copyOf(v, k), Arrays.copyOf(n, k * columns), rankError + o.rankError);
  }

  public int columns() {
    return columns;
  }

  /** The number of distinct values. */
  public int distinct() {
    return values.length;
  }

  /** The {@code i}-th smallest distinct value. */
  public double value(int i) {
    return values[i];
  }

  /** How many rows of column {@code c} have the {@code i}-th distinct value. */
  public long count(int i, int c) {
    return counts[i * columns + c];
  }

  /** How many rows have the {@code i}-th distinct value, over all columns. */
  public long count(int i) {
    long s = 0;
    for (int c = 0; c < columns; c++) {
      s += counts[i * columns + c];
    }
    return s;
  }

  /** The number of rows counted in column {@code c}. */
  public long total(int c) {
    long s = 0;
    for (int i = 0; i < values.length; i++) {
      s += counts[i * columns + c];
    }
    return s;
  }

  /** The sorted values of column {@code c}, each repeated by its count (for statistics that need the sample itself). */
  public double[] expand(int c) {
    long t = total(c);
    if (t > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("column " + c + " holds " + t + " rows, too many to expand into an array");
    }
    double[] out = new double[(int) t];
    int k = 0;
    for (int i = 0; i < values.length; i++) {
      long n = counts[i * columns + c];
      for (long r = 0; r < n; r++) {
        out[k++] = values[i];
      }
    }
    return out;
  }

  @Override
  public void encode(DataOutput out) throws IOException {
    out.writeLong(rankError);
    out.writeInt(columns);
    out.writeInt(values.length);
    for (int i = 0; i < values.length; i++) {
      out.writeLong(Double.doubleToLongBits(values[i]));
      for (int c = 0; c < columns; c++) {
        out.writeLong(counts[i * columns + c]);
      }
    }
  }

  /** Reads what {@link #encode} wrote. */
  public static SortedCounts decode(DataInput in) throws IOException {
    long rankError = in.readLong();
    if (rankError < 0) {
      throw new IOException("sorted counts: a negative rank error " + rankError);
    }
    int columns = in.readInt();
    int d = in.readInt();
    if (columns < 1 || d < 0 || (long) d * (columns + 1) > Integer.MAX_VALUE / 8) {
      throw new IOException("sorted counts: " + d + " values of " + columns + " columns");
    }
    double[] values = new double[d];
    long[] counts = new long[d * columns];
    for (int i = 0; i < d; i++) {
      values[i] = Double.longBitsToDouble(in.readLong());
      if (i > 0 && Double.compare(values[i - 1], values[i]) >= 0) {
        throw new IOException("sorted counts: values not strictly ascending at " + i);
      }
      for (int c = 0; c < columns; c++) {
        counts[i * columns + c] = in.readLong();
      }
    }
    return new SortedCounts(columns, values, counts, rankError);
  }
}

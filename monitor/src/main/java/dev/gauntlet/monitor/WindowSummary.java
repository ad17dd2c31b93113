package dev.gauntlet.monitor;

import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.summary.ExactSum;
import dev.gauntlet.harness.summary.Partition;
import dev.gauntlet.harness.summary.Summarizer;
import dev.gauntlet.harness.summary.Summary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The monitor's mergeable state: per window and per cell (cell 0 is every row, then one cell per
 * group of each slice column, in the order of {@link Layout}), the counts and exact sums that the
 * realized and estimated figures are computed from. Memory: per window present, {@code 1 + sum of
 * groups} cells of 9 longs and 6 {@link ExactSum}s: constant in the row count.
 *
 * <p>Besides, per cell, counts of the rows by raw score bin ({@value #BINS} equal bins of [0, 1]), by
 * decision and by whether labelled: what the spread of the estimate over refits of the calibration
 * (a bootstrap of the reference) is computed from, without the rows (another 8 KB per cell).
 *
 * <p>Built from the monitor's working table (see {@link #table}): columns {@code window} (index),
 * {@code s} (the served score),
 * {@code t} (epoch seconds), {@code p} (calibrated probability of the positive class), {@code d}
 * (1 when decided positive), {@code y} (1 positive, 0 negative, NaN not labelled yet) and the slice
 * columns as categories.
 */
final class WindowSummary implements Summary<WindowSummary> {
  /** Score bins of the calibration-spread histograms. */
  static final int BINS = 256;

  /** The cells: the slice columns and their groups. */
  record Layout(List<String> columns, List<List<String>> groups) {
    Layout {
      columns = List.copyOf(columns);
      groups = groups.stream().map(List::copyOf).toList();
    }

    int cells() {
      int k = 1;
      for (List<String> g : groups) {
        k += g.size();
      }
      return k;
    }

    /** The first cell of slice column {@code a}. */
    int offset(int a) {
      int k = 1;
      for (int i = 0; i < a; i++) {
        k += groups.get(i).size();
      }
      return k;
    }
  }

  /** One cell's accumulators. */
  static final class Acc {
    long n;
    long labelled;
    long tp;
    long fp;
    long tn;
    long fn;
    long decidedPositive;
    double minT = Double.POSITIVE_INFINITY;
    double maxT = Double.NEGATIVE_INFINITY;
    /** Sum over rows of P(correct) = p if decided positive else 1 - p, and of its Bernoulli variance. */
    ExactSum correct = new ExactSum();
    ExactSum variance = new ExactSum();
    /** The same over the labelled rows only. */
    ExactSum correctLabelled = new ExactSum();
    ExactSum varianceLabelled = new ExactSum();
    /** Expected true positives (sum of p over decided positive rows) and false negatives (over decided negative rows). */
    ExactSum expectedTp = new ExactSum();
    ExactSum expectedFn = new ExactSum();
    /** Rows by score bin: [(labelled ? 2 : 0) + (positive ? 1 : 0)] * BINS + bin. */
    long[] bins = new long[4 * BINS];

    static int bin(double score) {
      return Math.max(0, Math.min(BINS - 1, (int) Math.floor(score * BINS)));
    }

    void add(double t, double score, double p, boolean positive, double y) {
      n++;
      bins[((Double.isNaN(y) ? 0 : 2) + (positive ? 1 : 0)) * BINS + bin(score)]++;
      minT = Math.min(minT, t);
      maxT = Math.max(maxT, t);
      double c = positive ? p : 1 - p;
      double v = c * (1 - c);
      correct.add(c);
      variance.add(v);
      if (positive) {
        decidedPositive++;
        expectedTp.add(p);
      } else {
        expectedFn.add(p);
      }
      if (!Double.isNaN(y)) {
        labelled++;
        correctLabelled.add(c);
        varianceLabelled.add(v);
        boolean truth = y > 0.5;
        if (positive && truth) {
          tp++;
        } else if (positive) {
          fp++;
        } else if (truth) {
          fn++;
        } else {
          tn++;
        }
      }
    }

    Acc plus(Acc o) {
      Acc a = new Acc();
      a.n = n + o.n;
      a.labelled = labelled + o.labelled;
      a.tp = tp + o.tp;
      a.fp = fp + o.fp;
      a.tn = tn + o.tn;
      a.fn = fn + o.fn;
      a.decidedPositive = decidedPositive + o.decidedPositive;
      a.minT = Math.min(minT, o.minT);
      a.maxT = Math.max(maxT, o.maxT);
      a.correct = correct.plus(o.correct);
      a.variance = variance.plus(o.variance);
      a.correctLabelled = correctLabelled.plus(o.correctLabelled);
      a.varianceLabelled = varianceLabelled.plus(o.varianceLabelled);
      a.expectedTp = expectedTp.plus(o.expectedTp);
      a.expectedFn = expectedFn.plus(o.expectedFn);
      for (int i = 0; i < bins.length; i++) {
        a.bins[i] = bins[i] + o.bins[i];
      }
      return a;
    }

    long correctCount() {
      return tp + tn;
    }

    void encode(DataOutput out) throws IOException {
      for (long v : new long[] {n, labelled, tp, fp, tn, fn, decidedPositive}) {
        out.writeLong(v);
      }
      out.writeDouble(minT);
      out.writeDouble(maxT);
      for (ExactSum s : new ExactSum[] {correct, variance, correctLabelled, varianceLabelled, expectedTp, expectedFn}) {
        s.encode(out);
      }
      for (long b : bins) {
        out.writeLong(b);
      }
    }
  }

  private final Layout layout;
  private final TreeMap<Integer, Acc[]> windows;

  private WindowSummary(Layout layout, TreeMap<Integer, Acc[]> windows) {
    this.layout = layout;
    this.windows = windows;
  }

  Layout layout() {
    return layout;
  }

  /** The windows present, by index, with their cells. */
  Map<Integer, Acc[]> windows() {
    return java.util.Collections.unmodifiableMap(windows);
  }

  /** The working table the summariser reads (see the class comment). */
  static Table table(double[] window, double[] t, double[] score, double[] p, double[] d, double[] y, List<Column.Categorical> slices) {
    List<Column> cols = new java.util.ArrayList<>();
    cols.add(new Column.Numeric("window", window));
    cols.add(new Column.Numeric("t", t));
    cols.add(new Column.Numeric("s", score));
    cols.add(new Column.Numeric("p", p));
    cols.add(new Column.Numeric("d", d));
    cols.add(new Column.Numeric("y", y));
    List<dev.gauntlet.harness.data.ColumnSpec> specs = new java.util.ArrayList<>();
    for (String n : List.of("window", "t", "s", "p", "d", "y")) {
      specs.add(new dev.gauntlet.harness.data.ColumnSpec(n, dev.gauntlet.harness.data.ColumnType.NUMERIC, java.util.Set.of(dev.gauntlet.harness.data.Role.FEATURE),
          Double.NaN, Double.NaN, false, null, false, null, null, null, null));
    }
    for (Column.Categorical c : slices) {
      cols.add(c);
      specs.add(new dev.gauntlet.harness.data.ColumnSpec(c.name(), dev.gauntlet.harness.data.ColumnType.CATEGORICAL,
          java.util.Set.of(dev.gauntlet.harness.data.Role.PROTECTED), Double.NaN, Double.NaN, false, c.levels(), false, null, null, null, null));
    }
    return new Table(new dev.gauntlet.harness.data.Schema("monitor windows", ',', java.util.Set.of(), specs, null), cols, null);
  }

  /** The summariser for a layout. */
  static Summarizer<WindowSummary> summarizer(Layout layout) {
    return part -> summarize(layout, part);
  }

  static WindowSummary summarize(Layout layout, Partition part) {
    Table tb = part.data();
    double[] w = tb.numeric("window");
    double[] t = tb.numeric("t");
    double[] sc = tb.numeric("s");
    double[] p = tb.numeric("p");
    double[] d = tb.numeric("d");
    double[] y = tb.numeric("y");
    int[][] codes = new int[layout.columns().size()][];
    int[] offsets = new int[codes.length];
    for (int a = 0; a < codes.length; a++) {
      codes[a] = tb.categorical(layout.columns().get(a)).codes();
      offsets[a] = layout.offset(a);
    }
    int cells = layout.cells();
    TreeMap<Integer, Acc[]> out = new TreeMap<>();
    Acc[] cur = null;
    int curW = Integer.MIN_VALUE;
    for (int i = part.from(); i < part.to(); i++) {
      int wi = (int) w[i];
      if (wi != curW || cur == null) {
        curW = wi;
        cur = out.computeIfAbsent(wi, k -> newCells(cells));
      }
      boolean pos = d[i] > 0.5;
      cur[0].add(t[i], sc[i], p[i], pos, y[i]);
      for (int a = 0; a < codes.length; a++) {
        cur[offsets[a] + codes[a][i]].add(t[i], sc[i], p[i], pos, y[i]);
      }
    }
    return new WindowSummary(layout, out);
  }

  private static Acc[] newCells(int k) {
    Acc[] a = new Acc[k];
    for (int i = 0; i < k; i++) {
      a[i] = new Acc();
    }
    return a;
  }

  @Override
  public WindowSummary merge(WindowSummary other) {
    if (!layout.equals(other.layout)) {
      throw new IllegalArgumentException("monitor summaries of different slice layouts do not merge: " + layout + " and " + other.layout);
    }
    TreeMap<Integer, Acc[]> out = new TreeMap<>();
    for (Map.Entry<Integer, Acc[]> e : windows.entrySet()) {
      out.put(e.getKey(), copy(e.getValue()));
    }
    for (Map.Entry<Integer, Acc[]> e : other.windows.entrySet()) {
      Acc[] mine = out.get(e.getKey());
      Acc[] theirs = e.getValue();
      Acc[] sum = new Acc[theirs.length];
      for (int c = 0; c < theirs.length; c++) {
        sum[c] = mine == null ? new Acc().plus(theirs[c]) : mine[c].plus(theirs[c]);
      }
      out.put(e.getKey(), sum);
    }
    return new WindowSummary(layout, out);
  }

  private static Acc[] copy(Acc[] a) {
    Acc[] out = new Acc[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = new Acc().plus(a[i]);
    }
    return out;
  }

  @Override
  public void encode(DataOutput out) throws IOException {
    out.writeInt(layout.columns().size());
    for (int a = 0; a < layout.columns().size(); a++) {
      out.writeUTF(layout.columns().get(a));
      out.writeInt(layout.groups().get(a).size());
      for (String g : layout.groups().get(a)) {
        out.writeUTF(g);
      }
    }
    out.writeInt(windows.size());
    for (Map.Entry<Integer, Acc[]> e : windows.entrySet()) {
      out.writeInt(e.getKey());
      for (Acc a : e.getValue()) {
        a.encode(out);
      }
    }
  }

  /** Reads what {@link #encode} wrote. */
  static WindowSummary decode(DataInput in) throws IOException {
    int cols = in.readInt();
    List<String> names = new java.util.ArrayList<>();
    List<List<String>> groups = new java.util.ArrayList<>();
    for (int a = 0; a < cols; a++) {
      names.add(in.readUTF());
      int k = in.readInt();
      List<String> g = new java.util.ArrayList<>();
      for (int i = 0; i < k; i++) {
        g.add(in.readUTF());
      }
      groups.add(g);
    }
    Layout layout = new Layout(names, groups);
    int n = in.readInt();
    TreeMap<Integer, Acc[]> ws = new TreeMap<>();
    for (int w = 0; w < n; w++) {
      int key = in.readInt();
      Acc[] cells = new Acc[layout.cells()];
      for (int c = 0; c < cells.length; c++) {
        Acc a = new Acc();
        a.n = in.readLong();
        a.labelled = in.readLong();
        a.tp = in.readLong();
        a.fp = in.readLong();
        a.tn = in.readLong();
        a.fn = in.readLong();
        a.decidedPositive = in.readLong();
        a.minT = in.readDouble();
        a.maxT = in.readDouble();
        a.correct = ExactSum.decode(in);
        a.variance = ExactSum.decode(in);
        a.correctLabelled = ExactSum.decode(in);
        a.varianceLabelled = ExactSum.decode(in);
        a.expectedTp = ExactSum.decode(in);
        a.expectedFn = ExactSum.decode(in);
        for (int b = 0; b < a.bins.length; b++) {
          a.bins[b] = in.readLong();
        }
        cells[c] = a;
      }
      ws.put(key, cells);
    }
    return new WindowSummary(layout, ws);
  }
}

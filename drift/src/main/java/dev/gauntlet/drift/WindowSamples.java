package dev.gauntlet.drift;

import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.summary.Partition;
import dev.gauntlet.harness.summary.SortedCounts;
import dev.gauntlet.harness.summary.ShippableSummarizer;
import dev.gauntlet.harness.summary.Summary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The mergeable state of {@code drift.features} on calendar windows: per window key (ascending)
 * and watched column, the exact sorted sample of a numeric column (distinct values with counts, a
 * {@link SortedCounts}) or the counts per category of a categorical one. Exact: the drift
 * statistics computed from the merged state equal those of the rows, whatever the split.
 *
 * <p>Memory: per window, 16 bytes per distinct value of each numeric column and 8 bytes per
 * category of each categorical column: it grows with the distinct values, not with the rows (a
 * continuous feature has up to one distinct value per row).
 *
 * <p>Past {@code budget} distinct values of one numeric column in one window, its sample is
 * compressed ({@link SortedCounts#bounded}): memory stays at most about {@code 16 (2 budget + 2)} bytes
 * per column and window, and {@link #rankError} bounds the error of every rank (so of every empirical
 * distribution function) computed from it. Exact below the budget.
 *
 * @param numeric per window and column, the sample (null for a categorical column)
 * @param categories per window and column, the counts per level (null for a numeric column)
 * @param budget the most distinct values kept exact per numeric column and window
 */
record WindowSamples(long[] keys, SortedCounts[][] numeric, long[][][] categories, int budget) implements Summary<WindowSamples> {
  /** No budget: every sample exact. */
  static final int EXACT = Integer.MAX_VALUE;

  WindowSamples(long[] keys, SortedCounts[][] numeric, long[][][] categories) {
    this(keys, numeric, categories, EXACT);
  }

  static ShippableSummarizer<WindowSamples> summarizer(WindowSpec spec, List<FeatureDriftCheck.Watched> cols, boolean byWindow, int budget) {
    return part -> of(part, spec, cols, byWindow).compressed(budget);
  }

  /** This state with every numeric sample above {@code budget} distinct values compressed. */
  WindowSamples compressed(int budget) {
    SortedCounts[][] num = new SortedCounts[numeric.length][];
    for (int w = 0; w < numeric.length; w++) {
      num[w] = numeric[w].clone();
      for (int c = 0; c < num[w].length; c++) {
        if (num[w][c] != null && budget != EXACT) {
          num[w][c] = num[w][c].bounded(budget);
        }
      }
    }
    return new WindowSamples(keys, num, categories, budget);
  }

  /** False once a numeric sample is compressed (its statistics then carry their bounds). */
  @Override
  public boolean exact() {
    for (SortedCounts[] w : numeric) {
      for (SortedCounts s : w) {
        if (s != null && s.rankError() > 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** The bound on the error of any count of values at or below a point in {@link #values}{@code (c, from, to)}. */
  long rankError(int c, long from, long to) {
    long e = 0;
    for (int w = 0; w < keys.length; w++) {
      if (keys[w] >= from && keys[w] <= to) {
        e += numeric[w][c].rankError();
      }
    }
    return e;
  }

  /**
   * The summariser of the watched columns; with {@code byWindow} false every row is in one window
   * (key 0), for a reference table whose times do not matter.
   */
  static ShippableSummarizer<WindowSamples> summarizer(WindowSpec spec, List<FeatureDriftCheck.Watched> cols, boolean byWindow) {
    return part -> of(part, spec, cols, byWindow);
  }

  private static WindowSamples of(Partition part, WindowSpec spec, List<FeatureDriftCheck.Watched> cols, boolean byWindow) {
    Table t = part.data();
    int m = part.size();
    long[] rowKey = new long[m];
    if (byWindow) {
      long[] ts = t.timestamps(spec.time());
      for (int i = 0; i < m; i++) {
        rowKey[i] = spec.unit().key(ts[part.from() + i]);
      }
    }
    long[] keys = Arrays.stream(rowKey).distinct().sorted().toArray();
    int[] window = new int[m];
    for (int i = 0; i < m; i++) {
      window[i] = Arrays.binarySearch(keys, rowKey[i]);
    }
    Predictions p = part.predictions();
    SortedCounts[][] num = new SortedCounts[keys.length][cols.size()];
    long[][][] cat = new long[keys.length][cols.size()][];
    for (int c = 0; c < cols.size(); c++) {
      FeatureDriftCheck.Watched col = cols.get(c);
      if (col.numeric()) {
        double[] all = col.feature() ? t.numeric(col.name()) : FeatureDriftCheck.outputs(p, col);
        int[] sizes = new int[keys.length];
        for (int i = 0; i < m; i++) {
          sizes[window[i]]++;
        }
        double[][] per = new double[keys.length][];
        for (int k = 0; k < keys.length; k++) {
          per[k] = new double[sizes[k]];
        }
        int[] fill = new int[keys.length];
        for (int i = 0; i < m; i++) {
          per[window[i]][fill[window[i]]++] = all[part.from() + i];
        }
        for (int k = 0; k < keys.length; k++) {
          num[k][c] = SortedCounts.of(per[k], 0, per[k].length);
        }
      } else {
        int[] codes = col.feature() ? t.categorical(col.name()).codes() : p.decisions();
        for (int k = 0; k < keys.length; k++) {
          cat[k][c] = new long[col.levels().size()];
        }
        for (int i = 0; i < m; i++) {
          cat[window[i]][c][codes[part.from() + i]]++;
        }
      }
    }
    return new WindowSamples(keys, num, cat);
  }

  @Override
  public WindowSamples merge(WindowSamples o) {
    int cols = width();
    if (keys.length > 0 && o.keys.length > 0 && o.width() != cols) {
      throw new IllegalArgumentException("window samples of " + cols + " and " + o.width() + " columns do not merge");
    }
    long[] k = new long[keys.length + o.keys.length];
    SortedCounts[][] num = new SortedCounts[k.length][];
    long[][][] cat = new long[k.length][][];
    int i = 0;
    int j = 0;
    int m = 0;
    while (i < keys.length || j < o.keys.length) {
      int cmp = i == keys.length ? 1 : j == o.keys.length ? -1 : Long.compare(keys[i], o.keys[j]);
      if (cmp == 0) {
        k[m] = keys[i];
        num[m] = new SortedCounts[cols];
        cat[m] = new long[cols][];
        for (int c = 0; c < cols; c++) {
          num[m][c] = numeric[i][c] == null ? null : numeric[i][c].merge(o.numeric[j][c]);
          if (categories[i][c] != null) {
            cat[m][c] = categories[i][c].clone();
            for (int x = 0; x < cat[m][c].length; x++) {
              cat[m][c][x] += o.categories[j][c][x];
            }
          }
        }
        i++;
        j++;
      } else if (cmp < 0) {
        k[m] = keys[i];
        num[m] = numeric[i];
        cat[m] = categories[i];
        i++;
      } else {
        k[m] = o.keys[j];
        num[m] = o.numeric[j];
        cat[m] = o.categories[j];
        j++;
      }
      m++;
    }
    if (o.budget != budget && keys.length > 0 && o.keys.length > 0) {
      throw new IllegalArgumentException("window samples of budgets " + budget + " and " + o.budget + " do not merge");
    }
    int b = keys.length > 0 ? budget : o.budget;
    WindowSamples out = new WindowSamples(Arrays.copyOf(k, m), Arrays.copyOf(num, m), Arrays.copyOf(cat, m), b);
    return b == EXACT ? out : out.compressed(b);
  }

  private int width() {
    return numeric.length == 0 ? 0 : numeric[0].length;
  }

  /** The distinct values of numeric column {@code c}, with their counts, in the windows with keys in {@code [from, to]}. */
  SortedCounts sample(int c, long from, long to) {
    SortedCounts s = SortedCounts.empty(1);
    for (int w = 0; w < keys.length; w++) {
      if (keys[w] >= from && keys[w] <= to) {
        s = s.merge(numeric[w][c]);
      }
    }
    return s;
  }

  /** The counts per level of categorical column {@code c} in the windows with keys in {@code [from, to]}. */
  long[] counts(int c, int levels, long from, long to) {
    long[] out = new long[levels];
    for (int w = 0; w < keys.length; w++) {
      if (keys[w] >= from && keys[w] <= to) {
        for (int x = 0; x < levels; x++) {
          out[x] += categories[w][c][x];
        }
      }
    }
    return out;
  }

  @Override
  public void encode(DataOutput out) throws IOException {
    int cols = width();
    out.writeInt(budget);
    out.writeInt(keys.length);
    out.writeInt(cols);
    for (int w = 0; w < keys.length; w++) {
      out.writeLong(keys[w]);
      for (int c = 0; c < cols; c++) {
        out.writeBoolean(numeric[w][c] != null);
        if (numeric[w][c] != null) {
          numeric[w][c].encode(out);
        } else {
          out.writeInt(categories[w][c].length);
          for (long x : categories[w][c]) {
            out.writeLong(x);
          }
        }
      }
    }
  }

  static WindowSamples decode(DataInput in) throws IOException {
    int budget = in.readInt();
    if (budget < 2) {
      throw new IOException("window samples: budget " + budget);
    }
    int n = in.readInt();
    int cols = in.readInt();
    if (n < 0 || cols < 0 || (long) n * cols > 10_000_000) {
      throw new IOException("window samples: " + n + " windows of " + cols + " columns");
    }
    long[] keys = new long[n];
    SortedCounts[][] num = new SortedCounts[n][cols];
    long[][][] cat = new long[n][cols][];
    for (int w = 0; w < n; w++) {
      keys[w] = in.readLong();
      for (int c = 0; c < cols; c++) {
        if (in.readBoolean()) {
          num[w][c] = SortedCounts.decode(in);
        } else {
          int len = in.readInt();
          if (len < 0 || len > 1_000_000) {
            throw new IOException("window samples: " + len + " categories");
          }
          cat[w][c] = new long[len];
          for (int x = 0; x < len; x++) {
            cat[w][c][x] = in.readLong();
          }
        }
      }
    }
    return new WindowSamples(keys, num, cat, budget);
  }
}

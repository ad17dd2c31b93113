package dev.gauntlet.drift;

import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.summary.Partition;
import dev.gauntlet.harness.summary.ShippableSummarizer;
import dev.gauntlet.harness.summary.Summary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The mergeable state of {@code drift.temporal} on calendar windows: per window key (ascending)
 * and per slot (slot 0 all rows, then each level of each group column in order) the confusion
 * counts {@code n, correct, tp, fp, tn, fn} of {@link Rates}. A row's window is a function of its
 * own timestamp, so the counts of any split merge exactly.
 *
 * <p>Memory: {@code 8 + 48 * slots} bytes per window present, independent of the row count.
 */
record WindowCounts(int slots, long[] keys, long[] counts) implements Summary<WindowCounts> {
  static final int CELLS = 6;

  /**
   * The summariser: windows of {@code spec} (a calendar unit), slots for {@code groups} with
   * {@code levels} each; with {@code byWindow} false every row is counted in one window (key 0), for
   * a reference table whose times do not matter.
   */
  static ShippableSummarizer<WindowCounts> summarizer(WindowSpec spec, List<String> groups, int[] levels, int positive, boolean byWindow) {
    int slots = 1 + Arrays.stream(levels).sum();
    return part -> of(part, spec, groups, slots, positive, byWindow);
  }

  private static WindowCounts of(Partition part, WindowSpec spec, List<String> groups, int slots, int positive, boolean byWindow) {
    Table t = part.data();
    long[] ts = byWindow ? t.timestamps(spec.time()) : null;
    int[] d = part.predictions().decisions();
    int[] y = t.labels();
    int[][] codes = new int[groups.size()][];
    for (int g = 0; g < codes.length; g++) {
      codes[g] = t.categorical(groups.get(g)).codes();
    }
    int[] offset = new int[groups.size()];
    int[] sizes = new int[groups.size()];
    int o = 1;
    for (int g = 0; g < codes.length; g++) {
      offset[g] = o;
      sizes[g] = t.schema().column(groups.get(g)).categories().size();
      o += sizes[g];
    }
    long[] rowKey = new long[part.size()];
    for (int i = part.from(); i < part.to(); i++) {
      rowKey[i - part.from()] = byWindow ? spec.unit().key(ts[i]) : 0;
    }
    long[] keys = Arrays.stream(rowKey).distinct().sorted().toArray();
    long[] counts = new long[keys.length * slots * CELLS];
    for (int i = part.from(); i < part.to(); i++) {
      int w = Arrays.binarySearch(keys, rowKey[i - part.from()]);
      int cell = cell(d[i], y[i], positive);
      boolean ok = d[i] == y[i];
      add(counts, (w * slots) * CELLS, cell, ok);
      for (int g = 0; g < codes.length; g++) {
        int lv = codes[g][i];
        if (lv >= 0 && lv < sizes[g]) {
          add(counts, (w * slots + offset[g] + lv) * CELLS, cell, ok);
        }
      }
    }
    return new WindowCounts(slots, keys, counts);
  }

  /** 2 tp, 3 fp, 4 tn, 5 fn, as {@link Rates#of} decides them. */
  private static int cell(int d, int y, int positive) {
    boolean pd = d == positive;
    boolean py = y == positive;
    return pd && py ? 2 : pd ? 3 : py ? 5 : 4;
  }

  private static void add(long[] counts, int at, int cell, boolean ok) {
    counts[at]++;
    counts[at + 1] += ok ? 1 : 0;
    counts[at + cell]++;
  }

  @Override
  public WindowCounts merge(WindowCounts o) {
    if (o.slots != slots) {
      throw new IllegalArgumentException("window counts of " + slots + " and " + o.slots + " slots do not merge");
    }
    long[] k = new long[keys.length + o.keys.length];
    int width = slots * CELLS;
    long[] c = new long[k.length * width];
    int i = 0;
    int j = 0;
    int m = 0;
    while (i < keys.length || j < o.keys.length) {
      int cmp = i == keys.length ? 1 : j == o.keys.length ? -1 : Long.compare(keys[i], o.keys[j]);
      if (cmp <= 0) {
        k[m] = keys[i];
        System.arraycopy(counts, i * width, c, m * width, width);
        i++;
      }
      if (cmp >= 0) {
        k[m] = o.keys[j];
        for (int x = 0; x < width; x++) {
          c[m * width + x] += o.counts[j * width + x];
        }
        j++;
      }
      m++;
    }
    return new WindowCounts(slots, Arrays.copyOf(k, m), Arrays.copyOf(c, m * width));
  }

  /** The rates of {@code slot} in the windows whose keys are in {@code [fromKey, toKey]}. */
  Rates rates(long fromKey, long toKey, int slot) {
    long[] r = new long[CELLS];
    for (int w = 0; w < keys.length; w++) {
      if (keys[w] >= fromKey && keys[w] <= toKey) {
        for (int x = 0; x < CELLS; x++) {
          r[x] += counts[(w * slots + slot) * CELLS + x];
        }
      }
    }
    return new Rates(r[0], r[1], r[2], r[3], r[4], r[5]);
  }

  /** The rates of {@code slot} in every window. */
  Rates total(int slot) {
    return rates(Long.MIN_VALUE, Long.MAX_VALUE, slot);
  }

  @Override
  public void encode(DataOutput out) throws IOException {
    out.writeInt(slots);
    out.writeInt(keys.length);
    for (long k : keys) {
      out.writeLong(k);
    }
    for (long c : counts) {
      out.writeLong(c);
    }
  }

  static WindowCounts decode(DataInput in) throws IOException {
    int slots = in.readInt();
    int n = in.readInt();
    if (slots < 1 || n < 0 || (long) n * slots * CELLS > Integer.MAX_VALUE / 8) {
      throw new IOException("window counts: " + n + " windows of " + slots + " slots");
    }
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = in.readLong();
    }
    long[] counts = new long[n * slots * CELLS];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = in.readLong();
    }
    return new WindowCounts(slots, keys, counts);
  }
}

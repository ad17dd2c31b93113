package dev.gauntlet.harness.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A seeded stratified sample of the kept rows of a {@link RowChunks}, drawn in three scans without
 * holding the data: the strata are the combinations of the label's class and the categorical
 * protected attributes' levels; every row gets a pseudo-random priority from the seed and its
 * position (SplitMix64), and each stratum keeps its rows of smallest priority (a bottom-k sample,
 * uniform within the stratum). The sample size is allocated to the strata in proportion to their
 * rows (largest remainders, ties to the earlier stratum), so a stratum's share of the sample is its
 * share of the data to within one row. The first scan counts the strata, the second keeps each
 * stratum's share of smallest priorities, the third collects the chosen rows in source order.
 *
 * <p>Memory: {@code size} (priority, position) pairs in all, 16 bytes each, plus the sample itself;
 * neither grows with the rows. (Two scans, with a bottom-{@code size} heap per stratum, held up to
 * {@code size} pairs per stratum: 51 MB for 16 strata and 200,000 rows, the growth with the row
 * count a heap histogram showed at 1M and 3M rows.)
 *
 * @since 0.3
 */
public final class StratifiedSample {
  private StratifiedSample() {}

  /** The columns that define the strata: a categorical or binary label, then the categorical or binary protected attributes. */
  public static List<ColumnSpec> strata(Schema schema) {
    List<ColumnSpec> out = new ArrayList<>();
    schema.label().filter(l -> l.type() == ColumnType.CATEGORICAL || l.type() == ColumnType.BINARY).ifPresent(out::add); // not a numeric (regression) label
    for (ColumnSpec c : schema.protectedAttributes()) {
      if (!out.contains(c) && !c.has(Role.IGNORE) && (c.type() == ColumnType.CATEGORICAL || c.type() == ColumnType.BINARY)) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Draws {@code size} rows, or returns null when the source keeps at most {@code size} rows (then
   * every row is the sample, and the caller reads the table whole as before).
   *
   * @return the sample as a table in source order, its source recording the {@link DataSource.Sample}
   */
  public static Table draw(RowChunks rows, int size, long seed) {
    if (size < 1) {
      throw new IllegalArgumentException("sample size must be at least 1, not " + size);
    }
    Schema schema = rows.schema();
    List<ColumnSpec> strata = strata(schema);
    // Scan 1: the rows per stratum (a few counters), then each stratum's share of the sample.
    Map<Integer, long[]> counts = new HashMap<>();
    long[] seen = {0};
    rows.scan(t -> {
      int[][] codes = codes(strata, t);
      for (int i = 0; i < t.rowCount(); i++) {
        counts.computeIfAbsent(stratum(strata, codes, i), k -> new long[1])[0]++;
      }
      seen[0] += t.rowCount();
    });
    long n = seen[0];
    if (n <= size) {
      return null;
    }
    Integer[] keys = counts.keySet().stream().sorted().toArray(Integer[]::new);
    long[] totals = new long[keys.length];
    for (int s = 0; s < keys.length; s++) {
      totals[s] = counts.get(keys[s])[0];
    }
    long[] take = allocate(totals, size);
    // Scan 2: each stratum keeps its take rows of smallest priority (a bottom-k heap of exactly its
    // share, so the heaps hold size pairs in all, whatever the row count).
    Map<Integer, Heap> heaps = new HashMap<>();
    for (int s = 0; s < keys.length; s++) {
      if (take[s] > 0) {
        heaps.put(keys[s], new Heap((int) take[s]));
      }
    }
    long[] at2 = {0};
    rows.scan(t -> {
      int[][] codes = codes(strata, t);
      for (int i = 0; i < t.rowCount(); i++) {
        Heap h = heaps.get(stratum(strata, codes, i));
        if (h != null) {
          long ord = at2[0] + i;
          h.offer(priority(seed, ord), ord);
        }
      }
      at2[0] += t.rowCount();
    });
    if (at2[0] != n) {
      throw new IllegalStateException("the source gave " + at2[0] + " rows on the second scan and " + n + " on the first");
    }
    long[] chosen = new long[size];
    int c = 0;
    for (int s = 0; s < keys.length; s++) {
      Heap h = heaps.get(keys[s]);
      if (h == null) {
        continue;
      }
      long[] ords = h.positions(); // its take[s] smallest; their order does not matter, they are sorted below
      System.arraycopy(ords, 0, chosen, c, ords.length);
      c += ords.length;
    }
    long[] sorted = Arrays.copyOf(chosen, c);
    Arrays.sort(sorted);
    List<Table> parts = new ArrayList<>();
    long[] at = {0};
    int[] next = {0};
    DataSource src = rows.scan(t -> {
      int m = 0;
      int[] idx = new int[t.rowCount()];
      while (next[0] < sorted.length && sorted[next[0]] < at[0] + t.rowCount()) {
        idx[m++] = (int) (sorted[next[0]++] - at[0]);
      }
      at[0] += t.rowCount();
      if (m > 0) {
        parts.add(t.select(Arrays.copyOf(idx, m)));
      }
    });
    if (at[0] != n) {
      throw new IllegalStateException("the source gave " + at[0] + " rows on the third scan and " + n + " on the first");
    }
    DataSource.Sample info = describe(strata, keys.length, c, n, seed);
    return Table.concat(schema, parts, src == null ? null : src.withSample(info));
  }

  /** The category codes of the strata columns of {@code t}, one array per column (for {@link #stratum}). */
  public static int[][] codes(List<ColumnSpec> strata, Table t) {
    int[][] codes = new int[strata.size()][];
    for (int a = 0; a < codes.length; a++) {
      codes[a] = t.categorical(strata.get(a).name()).codes();
    }
    return codes;
  }

  /** The stratum of row {@code i}: its strata columns' codes as one mixed-radix number (strata are ordered by it). */
  public static int stratum(List<ColumnSpec> strata, int[][] codes, int i) {
    int h = 0;
    for (int a = 0; a < codes.length; a++) {
      h = h * strata.get(a).categories().size() + codes[a][i];
    }
    return h;
  }

  /**
   * How many rows each stratum gives: {@code size} allocated in proportion to {@code totals} (the
   * strata's kept rows, in stratum order) by largest remainder, ties to the earlier stratum.
   */
  public static long[] allocate(long[] totals, int size) {
    long n = 0;
    for (long t : totals) {
      n += t;
    }
    int k = totals.length;
    long[] take = new long[k];
    double[] rem = new double[k];
    long given = 0;
    for (int s = 0; s < k; s++) {
      double exact = (double) size * totals[s] / n;
      take[s] = (long) Math.floor(exact);
      rem[s] = exact - take[s];
      given += take[s];
    }
    Integer[] order = new Integer[k];
    for (int s = 0; s < k; s++) {
      order[s] = s;
    }
    Arrays.sort(order, (a, b) -> rem[a] != rem[b] ? Double.compare(rem[b], rem[a]) : Integer.compare(a, b));
    for (int r = 0; given < size; r++, given++) {
      take[order[r % k]]++;
    }
    return take;
  }

  /** The provenance of a sample of {@code rows} of {@code ofRows} kept rows over {@code strataCount} strata. */
  public static DataSource.Sample describe(List<ColumnSpec> strata, int strataCount, long rows, long ofRows, long seed) {
    String names = strata.isEmpty() ? "no label or categorical protected attribute, so one stratum"
        : "stratified by " + String.join(" x ", strata.stream().map(ColumnSpec::name).toList());
    return new DataSource.Sample("seeded stratified sample (" + names + ", " + strataCount
        + " strata, each allocated its share of the rows by largest remainder; within a stratum the rows of smallest"
        + " SplitMix64 priority from the seed), kept in source order", rows, ofRows, strata.stream().map(ColumnSpec::name).toList(), strataCount, seed);
  }

  /** The priority of the row at position {@code ord} (0-based among the kept rows, in source order): SplitMix64 of the seed and the position. */
  public static long priority(long seed, long ord) {
    long z = seed + (ord + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (z ^ (z >>> 31)) >>> 1;
  }

  /** The {@code cap} (priority, position) pairs of smallest priority offered, as a max-heap on (priority, position). */
  private static final class Heap {
    final int cap;
    long[] pri = new long[16];
    long[] ord = new long[16];
    int size;

    Heap(int cap) {
      this.cap = cap;
    }

    void offer(long p, long o) {
      if (size < cap) {
        if (size == pri.length) {
          pri = Arrays.copyOf(pri, Math.min(cap, size * 2));
          ord = Arrays.copyOf(ord, pri.length);
        }
        int i = size++;
        pri[i] = p;
        ord[i] = o;
        while (i > 0 && greater(i, (i - 1) / 2)) {
          swap(i, (i - 1) / 2);
          i = (i - 1) / 2;
        }
        return;
      }
      if (p > pri[0] || (p == pri[0] && o > ord[0])) {
        return;
      }
      pri[0] = p;
      ord[0] = o;
      int i = 0;
      while (true) {
        int l = 2 * i + 1;
        int r = l + 1;
        int m = i;
        if (l < size && greater(l, m)) {
          m = l;
        }
        if (r < size && greater(r, m)) {
          m = r;
        }
        if (m == i) {
          return;
        }
        swap(i, m);
        i = m;
      }
    }

    private boolean greater(int a, int b) {
      return pri[a] != pri[b] ? pri[a] > pri[b] : ord[a] > ord[b];
    }

    private void swap(int a, int b) {
      long t = pri[a];
      pri[a] = pri[b];
      pri[b] = t;
      t = ord[a];
      ord[a] = ord[b];
      ord[b] = t;
    }

    /** The positions held: those of the {@code cap} smallest priorities offered, in no particular order. */
    long[] positions() {
      return Arrays.copyOf(ord, size);
    }
  }
}

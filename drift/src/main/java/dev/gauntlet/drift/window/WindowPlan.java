package dev.gauntlet.drift.window;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A temporal holdout: the reference period, the successive later windows, and for each window the
 * segment it is compared with (the reference, or the previous window under a rolling origin).
 *
 * @param reference the reference period
 * @param windows the evaluated windows, in time order, none empty
 * @param baselines what each window is compared with, index for index
 * @param description one sentence on how the data was cut, for the report
 */
public record WindowPlan(Segment reference, List<Segment> windows, List<Segment> baselines, String description) {

  public WindowPlan {
    windows = List.copyOf(windows);
    baselines = List.copyOf(baselines);
    if (windows.size() != baselines.size()) {
      throw new IllegalArgumentException(windows.size() + " windows but " + baselines.size() + " baselines");
    }
  }

  /** The last window. */
  public Segment last() {
    return windows.get(windows.size() - 1);
  }

  /**
   * Cuts the evaluation data (and, when the spec says so, takes the reference table).
   *
   * @throws UsageException when no window is left to evaluate or the reference is empty
   */
  public static WindowPlan of(Table data, Optional<Table> referenceTable, WindowSpec spec) {
    return of(data, referenceTable, -1, spec);
  }

  /**
   * As {@link #of(Table, Optional, WindowSpec)}, with a streamed reference table: when
   * {@code streamedReferenceRows >= 0}, {@code referenceTable} is a sample of that many rows, seen
   * only through summaries, and the reference is a {@linkplain Segment#counted counted segment} of them.
   */
  public static WindowPlan of(Table data, Optional<Table> referenceTable, long streamedReferenceRows, WindowSpec spec) {
    return plan(split(data, spec), data, referenceTable, streamedReferenceRows, spec);
  }

  /**
   * Cuts streamed evaluation data, known by the calendar keys of its windows and their row counts
   * (ascending keys, as a mergeable summary gives them), the same way {@link #of} cuts a table:
   * the windows are {@linkplain Segment#counted counted segments} of {@code sample}.
   */
  public static WindowPlan ofKeys(long[] keys, long[] counts, Table sample, Optional<Table> referenceTable, WindowSpec spec) {
    return ofKeys(keys, counts, sample, referenceTable, -1, spec);
  }

  /** As {@link #ofKeys(long[], long[], Table, Optional, WindowSpec)}, with a streamed reference table as in {@link #of(Table, Optional, long, WindowSpec)}. */
  public static WindowPlan ofKeys(long[] keys, long[] counts, Table sample, Optional<Table> referenceTable, long streamedReferenceRows,
      WindowSpec spec) {
    if (spec.unit() == WindowUnit.ROWS) {
      throw new IllegalArgumentException("row-count windows depend on the order of all rows and cannot be cut from keys");
    }
    List<Segment> all = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      all.add(Segment.counted(spec.unit().label(keys[i]), keys[i] - keys[0], sample, Math.toIntExact(counts[i]), keys[i]));
    }
    return plan(all, sample, referenceTable, streamedReferenceRows, spec);
  }

  private static WindowPlan plan(List<Segment> all, Table data, Optional<Table> referenceTable, long streamedReferenceRows, WindowSpec spec) {
    if (all.isEmpty()) {
      throw new UsageException("the evaluation data has no rows to cut into windows");
    }
    int refCount = spec.referenceWindows();
    boolean useTable = refCount == 0 || (refCount == -1 && referenceTable.isPresent());
    Segment reference;
    List<Segment> windows;
    String how;
    if (useTable) {
      Table ref = referenceTable.orElseThrow(() -> new UsageException(
          "reference: table, but the suite gives no reference data; add 'reference:' to the suite or set reference to a number of leading windows"));
      if (ref.rowCount() == 0) {
        throw new UsageException("the suite's reference data has no rows");
      }
      long refRows = streamedReferenceRows >= 0 ? streamedReferenceRows : ref.rowCount();
      reference = streamedReferenceRows >= 0 ? Segment.counted("reference", -1, ref, Math.toIntExact(streamedReferenceRows), Segment.NO_KEY)
          : new Segment("reference", -1, ref, IntStream.range(0, ref.rowCount()).toArray());
      windows = all;
      how = "reference = the suite's reference data (" + refRows + " rows" + (streamedReferenceRows >= 0 ? ", streamed" : "") + "); " + all.size() + " " + unitWord(spec) + " windows of the evaluation data";
    } else {
      int k = refCount == -1 ? Math.max(1, all.size() / 2) : refCount;
      if (k >= all.size()) {
        throw new UsageException("the reference period takes " + k + " of the " + all.size() + " " + unitWord(spec)
            + " windows in the data (" + all.get(0).label() + " .. " + all.get(all.size() - 1).label()
            + "), leaving none to evaluate; use fewer reference windows or a shorter window");
      }
      int[] rows = all.subList(0, k).stream().flatMapToInt(s -> Arrays.stream(s.rows())).toArray();
      int count = all.subList(0, k).stream().mapToInt(Segment::size).sum();
      String refLabel = "reference " + all.get(0).label() + ".." + all.get(k - 1).label();
      reference = all.get(0).counted() ? Segment.counted(refLabel, -1, data, count, Segment.NO_KEY) : new Segment(refLabel, -1, data, rows);
      windows = all.subList(k, all.size());
      how = "reference = the first " + k + " " + unitWord(spec) + " windows (" + all.get(0).label() + " .. " + all.get(k - 1).label()
          + ", " + count + " rows)" + (refCount == -1 ? " (auto: the first half, as the suite gives no reference data)" : "")
          + "; " + windows.size() + " later windows";
    }
    List<Segment> baselines = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      baselines.add(spec.origin() == WindowSpec.Origin.ROLLING && i > 0 ? windows.get(i - 1) : reference);
    }
    if (spec.origin() == WindowSpec.Origin.ROLLING) {
      how += "; rolling origin: each window is compared with the one before it";
    }
    return new WindowPlan(reference, windows, baselines, how + ".");
  }

  private static String unitWord(WindowSpec spec) {
    return spec.unit() == WindowUnit.ROWS ? spec.rowsPerWindow() + "-row" : spec.unit().name().toLowerCase();
  }

  /** Cuts a table into non-empty windows in time order. */
  public static List<Segment> split(Table t, WindowSpec spec) {
    long[] ts = t.timestamps(spec.time());
    int n = ts.length;
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingLong(i -> ts[i]));
    List<Segment> out = new ArrayList<>();
    if (spec.unit() == WindowUnit.ROWS) {
      int w = spec.rowsPerWindow();
      for (int start = 0, idx = 0; start < n; start += w, idx++) {
        int end = Math.min(n, start + w);
        int[] rows = new int[end - start];
        for (int i = start; i < end; i++) {
          rows[i - start] = order[i];
        }
        String label = "rows " + (start + 1) + "-" + end + " (from " + t.column(spec.time()).format(rows[0]) + ")";
        out.add(new Segment(label, idx, t, rows));
      }
      return out;
    }
    long first = n == 0 ? 0 : spec.unit().key(ts[order[0]]);
    int i = 0;
    while (i < n) {
      long key = spec.unit().key(ts[order[i]]);
      int j = i;
      while (j < n && spec.unit().key(ts[order[j]]) == key) {
        j++;
      }
      int[] rows = new int[j - i];
      for (int r = i; r < j; r++) {
        rows[r - i] = order[r];
      }
      out.add(new Segment(spec.unit().label(key), key - first, t, rows));
      i = j;
    }
    return out;
  }
}

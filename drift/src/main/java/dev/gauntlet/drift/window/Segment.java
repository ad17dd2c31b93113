package dev.gauntlet.drift.window;

import dev.gauntlet.harness.data.Table;
import java.util.Objects;

/**
 * Some rows of a table: a time window or a reference period.
 *
 * @param label what a reviewer sees, e.g. {@code 2023-05} or {@code reference}
 * @param position the window's position on the time axis (calendar periods since the first
 *     window, or the window's ordinal for row-count windows); -1 for a reference table
 * @param table the table the rows index into
 * @param rows row indexes into {@code table}, in time order; empty for a counted segment of
 *     streamed data, whose rows are only seen through summaries
 * @param count the number of rows
 * @param key the calendar key of a counted window ({@link #NO_KEY} otherwise)
 */
public record Segment(String label, long position, Table table, int[] rows, int count, long key) {
  /** The key of a segment that is not one counted calendar window. */
  public static final long NO_KEY = Long.MIN_VALUE;

  public Segment {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(rows, "rows");
    if (rows.length > 0 && rows.length != count) {
      throw new IllegalArgumentException("segment of " + rows.length + " rows counted as " + count);
    }
  }

  /** A segment of the given rows. */
  public Segment(String label, long position, Table table, int[] rows) {
    this(label, position, table, rows, rows.length, NO_KEY);
  }

  /** A segment of streamed rows known by their count (and calendar key), not their indexes. */
  public static Segment counted(String label, long position, Table table, int count, long key) {
    return new Segment(label, position, table, new int[0], count, key);
  }

  /** Whether the rows are known only by their count (streamed data). */
  public boolean counted() {
    return rows.length == 0 && count > 0;
  }

  public int size() {
    return count;
  }
}

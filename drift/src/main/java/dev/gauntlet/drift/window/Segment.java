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
 * @param rows row indexes into {@code table}, in time order
 */
public record Segment(String label, long position, Table table, int[] rows) {
  public Segment {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(rows, "rows");
  }

  public int size() {
    return rows.length;
  }
}

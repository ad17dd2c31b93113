package dev.gauntlet.drift.window;

import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Schema;
import java.util.Optional;

/**
 * How to cut the data into a reference period and successive windows.
 *
 * @param time the timestamp column
 * @param unit the window length
 * @param rowsPerWindow rows per window when {@code unit} is {@link WindowUnit#ROWS}, else 0
 * @param referenceWindows how many leading windows of the evaluation data form the reference
 *     period; 0 means the suite's reference table, -1 (auto) the reference table when the suite has
 *     one, else the first half of the windows
 * @param origin whether every window is compared with the fixed reference period or with the
 *     window just before it (rolling origin)
 * @param minRows windows with fewer rows are reported inconclusive
 */
public record WindowSpec(String time, WindowUnit unit, int rowsPerWindow, int referenceWindows, Origin origin, int minRows) {

  /** What each window is compared with. */
  public enum Origin {
    /** The reference period, always. */
    FIXED,
    /** The window just before (the reference period for the first window). */
    ROLLING
  }

  public WindowSpec {
    if (time == null || time.isBlank()) {
      throw new IllegalArgumentException("time column must be named");
    }
    if (unit == WindowUnit.ROWS ? rowsPerWindow < 1 : rowsPerWindow != 0) {
      throw new IllegalArgumentException("rowsPerWindow must be >= 1 for row windows and 0 otherwise, got " + rowsPerWindow + " with " + unit);
    }
    if (referenceWindows < -1) {
      throw new IllegalArgumentException("referenceWindows must be -1 (auto), 0 (reference table) or a count, got " + referenceWindows);
    }
    if (minRows < 1) {
      throw new IllegalArgumentException("minRows must be at least 1, got " + minRows);
    }
  }

  /** The parameter names {@link #parse} reads. */
  public static final String[] KEYS = {"time", "window", "rows", "reference", "origin", "minRows"};

  /**
   * Reads {@code time}, {@code window} (day, week, month, quarter, rows), {@code rows},
   * {@code reference} (auto, table, or a number of leading windows), {@code origin} (fixed,
   * rolling) and {@code minRows}, validating them against the schema.
   */
  public static WindowSpec parse(ConfigNode params, Schema schema, int defaultMinRows) {
    String time;
    Optional<ConfigNode> t = params.opt("time");
    if (t.isPresent()) {
      time = t.get().asText();
      ColumnSpec c = schema.find(time).orElseThrow(() -> t.get().error("schema '" + schema.name() + "' has no column '" + time + "'"));
      if (c.type() != dev.gauntlet.harness.data.ColumnType.TIMESTAMP) {
        throw t.get().error("column '" + time + "' is " + c.type().name().toLowerCase() + "; the time column must have type timestamp");
      }
    } else {
      time = schema.time().map(ColumnSpec::name).orElseThrow(() -> params.error(
          "schema '" + schema.name() + "' has no column with role time; give one a role time or name it with 'time:'"));
    }
    WindowUnit unit = params.opt("window").map(n -> n.asEnum(WindowUnit.class)).orElse(WindowUnit.MONTH);
    int rows = 0;
    if (unit == WindowUnit.ROWS) {
      ConfigNode r = params.opt("rows").orElseThrow(() -> params.error("window: rows needs 'rows:' (rows per window)"));
      rows = r.asInt();
      if (rows < 1) {
        throw r.error("rows per window must be at least 1, got " + rows);
      }
    } else if (params.has("rows")) {
      throw params.get("rows").error("'rows' applies only to window: rows");
    }
    int ref = -1;
    Optional<ConfigNode> rn = params.opt("reference");
    if (rn.isPresent()) {
      String s = rn.get().asText().trim();
      if (s.equals("table")) {
        ref = 0;
      } else if (!s.equals("auto")) {
        ref = rn.get().asInt();
        if (ref < 1) {
          throw rn.get().error("reference must be auto, table, or a number of leading windows (at least 1), got " + ref);
        }
      }
    }
    Origin origin = params.opt("origin").map(n -> n.asEnum(Origin.class)).orElse(Origin.FIXED);
    int minRows = params.integer("minRows", defaultMinRows);
    if (minRows < 1) {
      throw params.get("minRows").error("minRows must be at least 1, got " + minRows);
    }
    return new WindowSpec(time, unit, rows, ref, origin, minRows);
  }
}

package dev.gauntlet.drift.window;

import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.metric.ParamDecl;
import dev.gauntlet.harness.metric.ParamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
public record WindowSpec(String time, WindowUnit unit, int rowsPerWindow, int referenceWindows, Origin origin, int minRows) implements java.io.Serializable {

  /** What each window is compared with. */
  public enum Origin {
    /** The reference period, always. */
    FIXED,
    /** The window just before (the reference period for the first window). */
    ROLLING
  }

  /** The one validator of the window parameters, for Java and YAML (a {@link ParamException} names the YAML key). */
  public WindowSpec {
    ParamException.require(time != null && !time.isBlank(), "time", "the time column must be named");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(origin, "origin");
    if (unit == WindowUnit.ROWS) {
      ParamException.require(rowsPerWindow >= 1, "rows", "rows per window must be at least 1, got " + rowsPerWindow);
    } else {
      ParamException.require(rowsPerWindow == 0, "rows", "'rows' applies only to window: rows");
    }
    ParamException.require(referenceWindows >= -1, "reference",
        "reference must be auto, table, or a number of leading windows (at least 1), got " + referenceWindows);
    ParamException.require(minRows >= 1, "minRows", "minRows must be at least 1, got " + minRows);
  }

  /** The window parameters as data, {@code origin} included when {@code withOrigin}. */
  public static List<ParamDecl> params(boolean withOrigin, int defaultMinRows) {
    List<ParamDecl> out = new ArrayList<>();
    out.add(ParamDecl.of("time", "timestamp column", "the schema's time column", "the column that orders rows in time"));
    out.add(ParamDecl.of("window", "day | week | month | quarter | rows", "month", "the window length"));
    out.add(ParamDecl.of("rows", "integer >= 1", "none (required with window: rows)", "rows per window when window is rows"));
    out.add(ParamDecl.of("reference", "auto | table | integer >= 1", "auto",
        "the reference period: the suite's reference table, or that many leading windows; auto = the table when there is one, else the first half"));
    if (withOrigin) {
      out.add(ParamDecl.of("origin", "fixed | rolling", "fixed", "compare each window with the reference period, or with the window before"));
    }
    out.add(ParamDecl.of("minRows", "integer >= 1", Integer.toString(defaultMinRows), "windows (and groups) with fewer rows are INCONCLUSIVE"));
    return List.copyOf(out);
  }

  /**
   * Reads {@code time}, {@code window} (day, week, month, quarter, rows), {@code rows},
   * {@code reference} (auto, table, or a number of leading windows), {@code origin} (fixed,
   * rolling) and {@code minRows}, checking the time column against the schema; the ranges are
   * the record's (a {@link ParamException} the YAML binding anchors at the key).
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
    } else if (params.has("rows")) {
      rows = Math.max(1, params.get("rows").asInt()); // any value is out of place: the record says so at the node
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
          // In YAML a count below 1 is out of range (0 and -1 are the record's codes for table and auto).
          throw new ParamException("reference", "reference must be auto, table, or a number of leading windows (at least 1), got " + ref);
        }
      }
    }
    Origin origin = params.opt("origin").map(n -> n.asEnum(Origin.class)).orElse(Origin.FIXED);
    int minRows = params.integer("minRows", defaultMinRows);
    return new WindowSpec(time, unit, rows, ref, origin, minRows);
  }
}

package dev.gauntlet.parquet;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Artifact;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.DataReader;
import dev.gauntlet.harness.data.DataSource;
import dev.gauntlet.harness.data.Role;
import dev.gauntlet.harness.data.RowFilter;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Selection;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableBuilder;
import dev.gauntlet.harness.data.TimeFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a Parquet file, or a folder of Parquet files with Hive-style partitions ({@code year=2024/month=3/})
 * whose keys become columns, with the embedded DuckDB engine (no Hadoop, no Spark). The file's types
 * are checked against the schema before any row is read; the selection is pushed into the scan
 * (so row groups and partitions it excludes are skipped) and evaluated again on the rows read, with
 * the same code as the CSV reader; every kept value passes the same validation as a CSV cell.
 *
 * <p>Type mapping (schema type: accepted Parquet types): numeric: INT8..INT64, unsigned, FLOAT,
 * DOUBLE, DECIMAL; categorical and binary: STRING, BOOLEAN (read as {@code true}/{@code false},
 * or {@code 0}/{@code 1} when those are the categories), integers (read as decimal text); text:
 * STRING; timestamp: DATE, TIMESTAMP (with or without time zone), integers when the schema's format
 * is {@code epoch-seconds}, {@code epoch-millis} or {@code yyyy}, STRING when it declares any format.
 * A column with role ignore accepts any type and is carried as text. Anything else is exit 2 naming
 * the column, the Parquet type and the schema's type.
 */
public final class ParquetReader implements DataReader {

  @Override
  public String format() {
    return "parquet";
  }

  @Override
  public Table read(Path path, Schema schema, Selection selection) {
    String name = path.toString();
    if (!Files.exists(path)) {
      throw new UsageException(name + ": data file not found; check the path in the suite (relative paths are resolved against the suite file)");
    }
    boolean folder = Files.isDirectory(path);
    List<Path> files = folder ? dataFiles(path) : List.of(path);
    if (files.isEmpty()) {
      throw new UsageException(name + ": the folder holds no .parquet files (looked in it and its partition subfolders)");
    }
    String digest = digest(path, files, folder);
    long bytes = 0;
    for (Path f : files) {
      try {
        bytes += Files.size(f);
      } catch (IOException e) {
        throw new UsageException(f + ": cannot read data file: " + e.getMessage(), e);
      }
    }
    try (Connection c = Duck.open(); Statement st = c.createStatement()) {
      String scan = Duck.scan(files, folder);
      Map<String, String> types = new LinkedHashMap<>();
      try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + scan)) {
        while (rs.next()) {
          types.put(rs.getString("column_name"), rs.getString("column_type"));
        }
      } catch (SQLException e) {
        throw Duck.usage(name + ": cannot read as Parquet (is it a complete Parquet file?)", e);
      }
      types.remove("filename");
      types.remove("file_row_number");
      Map<String, String> physical = physicalTypes(st, files.get(0));
      List<String> exprs = new ArrayList<>();
      Map<String, String> sqlValue = new LinkedHashMap<>(); // column -> SQL expression of the value the selection compares
      TableBuilder b = new TableBuilder(schema, name, selection, this::locate);
      for (ColumnSpec spec : schema.columns()) {
        String t = types.get(spec.name());
        if (t == null) {
          throw new UsageException(name + ": the schema names column '" + spec.name() + "' but the Parquet data lacks it; it has: "
              + String.join(", ", types.keySet()) + (folder ? " (partition keys of the folder count as columns)" : ""));
        }
        String what = describeType(spec.name(), t, physical);
        String col = Duck.ident(spec.name());
        String expr = expression(spec, t, col, name, what, schema, b);
        exprs.add(expr);
        sqlValue.put(spec.name(), pushValue(spec, t, col, schema));
      }
      String where = pushdown(selection, schema, sqlValue);
      long total;
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + scan)) {
        rs.next();
        total = rs.getLong(1);
      }
      if (total == 0) {
        throw new UsageException(name + ": the Parquet data has no rows");
      }
      // the file of each row only when there are several (a per-row string costs as much as a column)
      String sql = "SELECT " + String.join(", ", exprs) + ", " + (folder ? "filename" : "NULL") + ", file_row_number FROM " + scan
          + (where == null ? "" : " WHERE " + where) + (folder ? " ORDER BY filename, file_row_number" : "");
      currentFile = name;
      String[] header = schema.columns().stream().map(ColumnSpec::name).toArray(String[]::new);
      b.header(header);
      int n = header.length;
      // typed getters where the value is a number (about twice as fast as DuckDB's VARCHAR casts)
      int[] kind = new int[n];
      for (int i = 0; i < n; i++) {
        String e = exprs.get(i);
        kind[i] = e.endsWith(" AS DOUBLE)") ? 1 : e.endsWith(" AS BIGINT)") ? 2 : 0;
      }
      try (ResultSet rs = st.executeQuery(sql)) {
        String[] cells = new String[n];
        while (rs.next()) {
          for (int i = 0; i < n; i++) {
            switch (kind[i]) {
              case 1 -> {
                double d = rs.getDouble(i + 1);
                cells[i] = rs.wasNull() ? null : Double.toString(d);
              }
              case 2 -> {
                long v = rs.getLong(i + 1);
                cells[i] = rs.wasNull() ? null : Long.toString(v);
              }
              default -> cells[i] = rs.getString(i + 1);
            }
          }
          if (folder) {
            currentFile = rs.getString(n + 1);
          }
          long row = rs.getLong(n + 2);
          b.row(cells.clone(), (int) Math.min(row, Integer.MAX_VALUE));
        }
      } catch (SQLException e) {
        throw Duck.usage(name + ": cannot read as Parquet", e);
      }
      Selection.Summary kept = selection.isAll() ? null : selection.summarize(b.rowsKept(), total);
      if (b.rowsKept() == 0) {
        throw new UsageException(name + ": the " + kept.describe() + "; widen the selection or check its values against the data");
      }
      List<String> notes = new ArrayList<>(b.notes());
      if (folder) {
        notes.add(name + ": " + files.size() + " Parquet files read in the order of their paths" + (where == null ? "" : "; the selection was pushed into the scan"));
      }
      return b.build(new DataSource(name, "parquet", digest, bytes, notes, kept), false);
    } catch (SQLException e) {
      throw Duck.usage(name + ": cannot read as Parquet", e);
    }
  }

  private String currentFile = "";

  private UsageException locate(int row, int column, String message) {
    return new UsageException(currentFile + ": row " + row + " (Parquet row index, from 0): " + message);
  }

  /** The SELECT expression for one schema column, rendering values as the CSV reader would see them. */
  private static String expression(ColumnSpec spec, String t, String col, String file, String what, Schema schema, TableBuilder b) {
    String u = t.toUpperCase(Locale.ROOT);
    boolean integer = u.matches("(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT))");
    boolean floating = u.equals("FLOAT") || u.equals("DOUBLE") || u.startsWith("DECIMAL");
    boolean string = u.equals("VARCHAR");
    boolean bool = u.equals("BOOLEAN");
    boolean date = u.equals("DATE") || u.equals("TIMESTAMP") || u.startsWith("TIMESTAMP_") || u.equals("TIMESTAMP WITH TIME ZONE");
    if (spec.has(Role.IGNORE)) {
      return "CAST(" + col + " AS VARCHAR)";
    }
    ColumnType type = spec.type();
    switch (type) {
      case NUMERIC -> {
        if (integer || floating) {
          return "CAST(" + col + " AS DOUBLE)"; // read with getDouble, rendered by Double.toString: exact
        }
      }
      case CATEGORICAL, BINARY -> {
        if (string || integer) {
          return "CAST(" + col + " AS VARCHAR)";
        }
        if (bool) {
          boolean zeroOne = spec.categories().contains("0") && spec.categories().contains("1");
          return zeroOne ? "CAST(CAST(" + col + " AS INTEGER) AS VARCHAR)" : "CAST(" + col + " AS VARCHAR)";
        }
      }
      case TEXT -> {
        if (string) {
          return col;
        }
      }
      case TIMESTAMP -> {
        if (date) {
          b.timeFormat(spec.name(), TimeFormat.of(TimeFormat.EPOCH_SECONDS));
          return "CAST(floor(epoch(" + (u.contains("TIME ZONE") ? col : "CAST(" + col + " AS TIMESTAMP)") + ")) AS BIGINT)";
        }
        String f = spec.format();
        if (integer && f != null && (f.startsWith("epoch-") || f.equals("yyyy"))) {
          return "CAST(" + col + " AS VARCHAR)";
        }
        if (string && f != null) {
          return col;
        }
      }
    }
    throw new UsageException(file + ": column '" + spec.name() + "' is " + what + " in the Parquet data, but the schema"
        + (schema.source() != null ? " (" + schema.source() + ")" : "") + " declares it " + type.name().toLowerCase(Locale.ROOT)
        + (spec.format() != null ? " with format " + spec.format() : "") + "; " + accepted(type));
  }

  private static String accepted(ColumnType type) {
    return switch (type) {
      case NUMERIC -> "a numeric column must be an integer, FLOAT, DOUBLE or DECIMAL in Parquet";
      case CATEGORICAL, BINARY -> "a " + type.name().toLowerCase(Locale.ROOT) + " column must be a STRING, BOOLEAN or integer in Parquet";
      case TEXT -> "a text column must be a STRING in Parquet";
      case TIMESTAMP -> "a timestamp column must be a DATE or TIMESTAMP in Parquet (an integer with format epoch-seconds, epoch-millis or yyyy;"
          + " a STRING with a format)";
    };
  }

  /** The value the selection compares, as SQL over the file's column; null when it cannot be pushed down. */
  private static String pushValue(ColumnSpec spec, String t, String col, Schema schema) {
    String u = t.toUpperCase(Locale.ROOT);
    switch (spec.type()) {
      case NUMERIC -> {
        return u.equals("VARCHAR") ? null : col;
      }
      case TIMESTAMP -> {
        if (u.equals("DATE") || u.startsWith("TIMESTAMP")) {
          return "epoch(" + (u.contains("TIME ZONE") ? col : "CAST(" + col + " AS TIMESTAMP)") + ")";
        }
        return null;
      }
      default -> {
        if (u.equals("BOOLEAN")) {
          return null;
        }
        StringBuilder missing = new StringBuilder();
        for (String m : schema.missing()) {
          missing.append(missing.length() == 0 ? "" : ", ").append(Duck.str(m));
        }
        String v = "trim(CAST(" + col + " AS VARCHAR))";
        return missing.length() == 0 ? v : "(CASE WHEN " + v + " IN (" + missing + ") THEN NULL ELSE " + v + " END)";
      }
    }
  }

  /**
   * The selection as a SQL condition over the file, or null when any part of it cannot be pushed (then
   * every row is read and the selection is applied to them alone). Rows it keeps are checked again
   * by the selection itself, so pushdown only ever removes rows the selection would remove.
   */
  static String pushdown(Selection sel, Schema schema, Map<String, String> value) {
    if (sel.isAll()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    if (sel.timeColumn() != null) {
      String v = value.get(sel.timeColumn());
      if (v == null) {
        return null;
      }
      if (sel.fromEpochSecond() != Long.MIN_VALUE) {
        parts.add(v + " >= " + sel.fromEpochSecond());
      }
      if (sel.toEpochSecondExclusive() != Long.MAX_VALUE) {
        parts.add(v + " < " + sel.toEpochSecondExclusive());
      }
    }
    if (sel.filter() != null) {
      String f = sql(sel.filter(), schema, value);
      if (f == null) {
        return parts.isEmpty() ? null : String.join(" AND ", parts);
      }
      parts.add(f);
    }
    return String.join(" AND ", parts);
  }

  private static String sql(RowFilter f, Schema schema, Map<String, String> value) {
    if (f instanceof RowFilter.And a) {
      String l = sql(a.left(), schema, value);
      String r = sql(a.right(), schema, value);
      return l == null || r == null ? null : "(" + l + " AND " + r + ")";
    }
    if (f instanceof RowFilter.Or o) {
      String l = sql(o.left(), schema, value);
      String r = sql(o.right(), schema, value);
      return l == null || r == null ? null : "(" + l + " OR " + r + ")";
    }
    if (f instanceof RowFilter.Not n) {
      String i = sql(n.inner(), schema, value);
      return i == null ? null : "(NOT " + i + ")";
    }
    if (f instanceof RowFilter.IsNull n) {
      String v = value.get(n.column());
      return v == null ? null : "(" + v + (n.negated() ? " IS NOT NULL)" : " IS NULL)");
    }
    if (f instanceof RowFilter.Compare c) {
      String v = value.get(c.column());
      String lit = literal(schema, c.column(), c.value());
      return v == null || lit == null ? null : "(" + v + " " + (c.op() == RowFilter.Op.NE ? "<>" : c.op().symbol) + " " + lit + ")";
    }
    RowFilter.In in = (RowFilter.In) f;
    String v = value.get(in.column());
    List<String> lits = new ArrayList<>();
    for (RowFilter.Literal l : in.values()) {
      String s = literal(schema, in.column(), l);
      if (s == null) {
        return null;
      }
      lits.add(s);
    }
    return v == null ? null : "(" + v + (in.negated() ? " NOT IN (" : " IN (") + String.join(", ", lits) + "))";
  }

  private static String literal(Schema schema, String column, RowFilter.Literal l) {
    ColumnSpec spec = schema.find(column).orElseThrow();
    if (spec.type() == ColumnType.TIMESTAMP) {
      if (l.isNumber()) {
        return null; // epoch numbers: left to the selection
      }
      return Long.toString(TimeFormat.of(spec.format()).literal(l.text()));
    }
    return l.isNumber() ? l.text() : Duck.str(l.text().strip());
  }

  /** Physical and logical Parquet types of the first file's columns, for messages. */
  private static Map<String, String> physicalTypes(Statement st, Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    try (ResultSet rs = st.executeQuery("SELECT name, type, logical_type, converted_type FROM parquet_schema(" + Duck.str(file.toAbsolutePath().toString()) + ")")) {
      while (rs.next()) {
        String phys = rs.getString(2);
        String logical = rs.getString(3);
        String conv = rs.getString(4);
        if (phys == null) {
          continue;
        }
        String extra = logical != null && !logical.isBlank() ? logical : conv;
        out.put(rs.getString(1), phys + (extra == null || extra.isBlank() ? "" : " (" + extra + ")"));
      }
    } catch (SQLException e) {
      // messages fall back to DuckDB's type names
    }
    return out;
  }

  private static String describeType(String column, String duckType, Map<String, String> physical) {
    String p = physical.get(column);
    return p != null ? "Parquet type " + p : "a Hive partition key (read as " + duckType + ")";
  }

  private static List<Path> dataFiles(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString();
        return n.endsWith(".parquet") && !n.startsWith(".") && !n.startsWith("_");
      }).sorted().toList();
    } catch (IOException e) {
      throw new UsageException(dir + ": cannot list the folder: " + e.getMessage(), e);
    }
  }

  private static String digest(Path root, List<Path> files, boolean folder) {
    if (!folder) {
      return sha(files.get(0));
    }
    StringBuilder b = new StringBuilder();
    for (Path f : files) {
      b.append(root.relativize(f).toString().replace('\\', '/')).append(' ').append(sha(f)).append('\n');
    }
    return Artifact.sha256(b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String sha(Path f) {
    return Artifact.of(f, "data file").sha256();
  }
}

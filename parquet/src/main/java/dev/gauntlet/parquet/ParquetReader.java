package dev.gauntlet.parquet;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Artifact;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.DataReader;
import dev.gauntlet.harness.data.DataSource;
import dev.gauntlet.harness.data.Role;
import dev.gauntlet.harness.data.RowChunks;
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
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads a Parquet file, or a folder of Parquet files with Hive-style partitions ({@code year=2024/month=3/})
 * whose keys become columns, with the embedded DuckDB engine (no Hadoop, no Spark). Every file's
 * types are checked against the schema before any row is read. The files are read row group by row
 * group (one query each, the selection pushed into it, so row groups and partitions it excludes are
 * skipped), in path order and then file order, and the values go typed into the harness's column
 * arrays ({@link TableBuilder#addTyped}: a double, epoch seconds, a level's text; no round trip
 * through text), where the selection is evaluated again and every kept value passes the same
 * validation as a CSV cell. {@link #chunks} streams them: a Parquet source above
 * {@code data.sample.rows} is summarised chunk by chunk like a CSV file. An error names the file,
 * the row group, the row (the Parquet row index in the file) and the column.
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
    Read r = read(path, schema, selection, 0, null);
    return r.builder().build(r.source(), false);
  }

  /**
   * Streams the kept rows row group by row group: each {@link RowChunks#scan} reads the files again,
   * one row group per query (the selection pushed into it), straight into the harness's typed
   * column arrays, and hands over a chunk whenever {@code chunkRows} rows are buffered. The rows,
   * their order and every error are those of {@link #read}.
   */
  @Override
  public RowChunks chunks(Path path, Schema schema, Selection selection, int chunkRows) {
    return RowChunks.of(schema, chunkRows, sink -> read(path, schema, selection, chunkRows, sink).source());
  }

  private record Read(TableBuilder builder, DataSource source) {}

  /** How a column's values come out of the query: the getter and what the builder is given. */
  private enum Kind { NUMBER, EPOCH, TEXT, BOOL, BOOL01 }

  private record Col(String sql, Kind kind) {}

  /** A row group of one file: its index and the file rows it holds, {@code [from, to)}. */
  private record Group(Path file, int index, long from, long to) {}

  /** Where the scan is, for messages naming a file, row group and row. */
  private static final class Place {
    String file;
    int group;
  }

  private Read read(Path path, Schema schema, Selection selection, int chunkRows, Consumer<Table> sink) {
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
      Map<String, String> types = describe(st, scan, name);
      Map<String, String> physical = physicalTypes(st, files.get(0));
      // every file's own types against the schema (a folder's files may disagree), naming the file
      if (files.size() > 1) {
        for (Path f : files) {
          Map<String, String> own = describe(st, Duck.scan(List.of(f), folder), f.toString());
          Map<String, String> ownPhysical = f.equals(files.get(0)) ? physical : physicalTypes(st, f);
          for (ColumnSpec spec : schema.columns()) {
            String t = own.get(spec.name());
            if (t != null) {
              column(spec, t, Duck.ident(spec.name()), f.toString(), describeType(spec.name(), t, ownPhysical), schema);
            }
          }
        }
      }
      List<Col> cols = new ArrayList<>();
      Map<String, String> sqlValue = new LinkedHashMap<>(); // column -> SQL expression of the value the selection compares
      Place place = new Place();
      place.file = name;
      TableBuilder b = new TableBuilder(schema, name, selection, (row, col, msg) -> new UsageException(place.file + ": row group " + place.group
          + ", row " + row + " (Parquet row index, from 0): " + msg));
      for (ColumnSpec spec : schema.columns()) {
        String t = types.get(spec.name());
        if (t == null) {
          throw new UsageException(name + ": the schema names column '" + spec.name() + "' but the Parquet data lacks it; it has: "
              + String.join(", ", types.keySet()) + (folder ? " (partition keys of the folder count as columns)" : ""));
        }
        String col = Duck.ident(spec.name());
        Col read = column(spec, t, col, name, describeType(spec.name(), t, physical), schema);
        if (read.kind() == Kind.EPOCH) {
          b.timeFormat(spec.name(), TimeFormat.of(TimeFormat.EPOCH_SECONDS));
        }
        cols.add(read);
        sqlValue.put(spec.name(), pushValue(spec, t, col, schema));
      }
      String where = pushdown(selection, schema, sqlValue);
      List<Group> groups = rowGroups(st, files, name);
      long total = groups.stream().mapToLong(g -> g.to() - g.from()).sum();
      if (total == 0) {
        throw new UsageException(name + ": the Parquet data has no rows");
      }
      b.typedHeader();
      int n = cols.size();
      Kind[] kinds = new Kind[n]; // read per cell
      StringBuilder select = new StringBuilder("SELECT ");
      for (int i = 0; i < n; i++) {
        kinds[i] = cols.get(i).kind();
        select.append(cols.get(i).sql()).append(", ");
      }
      select.append("file_row_number FROM ").append(scan).append(" WHERE filename = ");
      boolean handed = false;
      for (Group g : groups) {
        place.file = g.file().toString();
        place.group = g.index();
        String sql = select + Duck.str(g.file().toAbsolutePath().toString()) + " AND file_row_number >= " + g.from()
            + " AND file_row_number < " + g.to() + (where == null ? "" : " AND " + where);
        long last = g.from() - 1;
        try (ResultSet rs = st.executeQuery(sql)) {
          while (rs.next()) {
            for (int i = 0; i < n; i++) {
              switch (kinds[i]) {
                case NUMBER -> {
                  double d = rs.getDouble(i + 1);
                  if (rs.wasNull()) {
                    b.missing(i);
                  } else {
                    b.number(i, d);
                  }
                }
                case EPOCH -> {
                  long v = rs.getLong(i + 1);
                  if (rs.wasNull()) {
                    b.missing(i);
                  } else {
                    b.time(i, v);
                  }
                }
                case BOOL, BOOL01 -> {
                  boolean v = rs.getBoolean(i + 1);
                  if (rs.wasNull()) {
                    b.missing(i);
                  } else {
                    b.text(i, kinds[i] == Kind.BOOL01 ? (v ? "1" : "0") : (v ? "true" : "false"));
                  }
                }
                case TEXT -> b.text(i, rs.getString(i + 1));
              }
            }
            long row = rs.getLong(n + 1);
            if (row <= last) {
              throw new IllegalStateException(place.file + ": DuckDB returned row " + row + " after row " + last + " of row group " + g.index());
            }
            last = row;
            if (b.addTyped((int) Math.min(row, Integer.MAX_VALUE)) && sink != null && b.rowsBuffered() >= chunkRows) {
              sink.accept(b.drain(false));
              handed = true;
            }
          }
        } catch (SQLException e) {
          throw Duck.usage(place.file + ": row group " + g.index() + " (file rows " + g.from() + " to " + (g.to() - 1)
              + "): cannot read as Parquet (a corrupt or incomplete file?)", e);
        }
      }
      long keptRows = b.rowsKeptTotal();
      Selection.Summary kept = selection.isAll() ? null : selection.summarize(keptRows, total);
      if (keptRows == 0) {
        throw new UsageException(name + ": the " + kept.describe() + "; widen the selection or check its values against the data");
      }
      if (sink != null && (b.rowsBuffered() > 0 || !handed)) {
        sink.accept(b.drain(false));
      }
      List<String> notes = new ArrayList<>(b.notes());
      if (folder) {
        notes.add(name + ": " + files.size() + " Parquet files read in the order of their paths" + (where == null ? "" : "; the selection was pushed into the scan"));
      }
      return new Read(b, new DataSource(name, "parquet", digest, bytes, notes, kept));
    } catch (SQLException e) {
      throw Duck.usage(name + ": cannot read as Parquet", e);
    }
  }

  /** DuckDB's column types of a scan (partition keys included), without the scan's own filename and row number columns. */
  private static Map<String, String> describe(Statement st, String scan, String name) {
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
    return types;
  }

  /** The row groups of the files, in path order and then file order, from the files' footers. */
  private static List<Group> rowGroups(Statement st, List<Path> files, String name) {
    List<Group> out = new ArrayList<>();
    for (Path f : files) {
      long from = 0;
      try (ResultSet rs = st.executeQuery("SELECT row_group_id, max(row_group_num_rows) FROM parquet_metadata("
          + Duck.str(f.toAbsolutePath().toString()) + ") GROUP BY row_group_id ORDER BY row_group_id")) {
        while (rs.next()) {
          long rows = rs.getLong(2);
          out.add(new Group(f, (int) rs.getLong(1), from, from + rows));
          from += rows;
        }
      } catch (SQLException e) {
        throw Duck.usage(f + ": cannot read the Parquet footer (is it a complete Parquet file?)", e);
      }
    }
    return out;
  }

  /**
   * How one schema column is read: a double for a numeric column, epoch seconds for a DATE or
   * TIMESTAMP, a boolean, or text (levels, text, ignored columns, timestamps written as text or as
   * integers in the schema's format); a type the schema's type does not accept is exit 2 naming the
   * file, the column, the Parquet type and the schema's type.
   */
  private static Col column(ColumnSpec spec, String t, String col, String file, String what, Schema schema) {
    String u = t.toUpperCase(Locale.ROOT);
    boolean integer = u.matches("(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT))");
    boolean floating = u.equals("FLOAT") || u.equals("DOUBLE") || u.startsWith("DECIMAL");
    boolean string = u.equals("VARCHAR");
    boolean bool = u.equals("BOOLEAN");
    boolean date = u.equals("DATE") || u.equals("TIMESTAMP") || u.startsWith("TIMESTAMP_") || u.equals("TIMESTAMP WITH TIME ZONE");
    if (spec.has(Role.IGNORE)) {
      return new Col("CAST(" + col + " AS VARCHAR)", Kind.TEXT);
    }
    ColumnType type = spec.type();
    switch (type) {
      case NUMERIC -> {
        if (integer || floating) {
          return new Col("CAST(" + col + " AS DOUBLE)", Kind.NUMBER); // read with getDouble: the double itself
        }
      }
      case CATEGORICAL, BINARY -> {
        if (string || integer) {
          return new Col("CAST(" + col + " AS VARCHAR)", Kind.TEXT);
        }
        if (bool) {
          boolean zeroOne = spec.categories().contains("0") && spec.categories().contains("1");
          return new Col(col, zeroOne ? Kind.BOOL01 : Kind.BOOL);
        }
      }
      case TEXT -> {
        if (string) {
          return new Col(col, Kind.TEXT);
        }
      }
      case TIMESTAMP -> {
        if (date) {
          return new Col("CAST(floor(epoch(" + (u.contains("TIME ZONE") ? col : "CAST(" + col + " AS TIMESTAMP)") + ")) AS BIGINT)", Kind.EPOCH);
        }
        String f = spec.format();
        if (integer && f != null && (f.startsWith("epoch-") || f.equals("yyyy"))) {
          return new Col("CAST(" + col + " AS VARCHAR)", Kind.TEXT);
        }
        if (string && f != null) {
          return new Col(col, Kind.TEXT);
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

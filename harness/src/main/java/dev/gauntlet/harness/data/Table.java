package dev.gauntlet.harness.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Columnar data under a {@link Schema}: one primitive array per column, all of the same length.
 * Immutable by contract; {@link #select(int[])} makes row subsets.
 */
public final class Table implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final Schema schema;
  private final Map<String, Column> columns;
  private final int rows;
  private final DataSource source;
  private final Origin origin;

  /**
   * Where each row came from, for messages about values found after loading.
   *
   * @param file the data file's name
   * @param lines per row, the line of the file on which its record starts
   * @param columns per schema column, its 1-based position in the file's header
   */
  public record Origin(String file, int[] lines, Map<String, Integer> columns) implements java.io.Serializable {
    public Origin {
      columns = Map.copyOf(columns);
    }

    Origin select(int[] rows) {
      int[] out = new int[rows.length];
      for (int i = 0; i < rows.length; i++) {
        out[i] = lines[rows[i]];
      }
      return new Origin(file, out, columns);
    }
  }

  public Table(Schema schema, List<Column> columns, DataSource source) {
    this(schema, columns, source, null);
  }

  /** A table whose rows know their file and line ({@code origin} may be null for tables built in code). */
  public Table(Schema schema, List<Column> columns, DataSource source, Origin origin) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.columns = new LinkedHashMap<>();
    int n = -1;
    for (Column c : columns) {
      if (n >= 0 && c.size() != n) {
        throw new IllegalArgumentException("column '" + c.name() + "' has " + c.size() + " rows, others have " + n);
      }
      n = c.size();
      if (this.columns.put(c.name(), c) != null) {
        throw new IllegalArgumentException("column '" + c.name() + "' given twice");
      }
    }
    for (ColumnSpec spec : schema.columns()) {
      if (!this.columns.containsKey(spec.name())) {
        throw new IllegalArgumentException("table lacks schema column '" + spec.name() + "'");
      }
    }
    this.rows = Math.max(n, 0);
    this.source = source;
    if (origin != null && origin.lines().length != this.rows) {
      throw new IllegalArgumentException("origin has " + origin.lines().length + " lines for " + this.rows + " rows");
    }
    this.origin = origin;
  }

  /** The same rows and origin with another source description (e.g. the path as the suite wrote it, a {@code file://} URI). */
  public Table withSource(DataSource source) {
    return new Table(schema, new java.util.ArrayList<>(columns.values()), source, origin);
  }

  /**
   * A {@link UsageException} about the value of {@code column} in {@code row}, anchored at the file,
   * line and column it was read from when the table knows them, else naming the row.
   */
  public dev.gauntlet.harness.UsageException errorAt(int row, String column, String message) {
    if (origin != null) {
      return dev.gauntlet.harness.UsageException.at(origin.file(), origin.lines()[row], origin.columns().getOrDefault(column, 0), message);
    }
    return new dev.gauntlet.harness.UsageException((source != null ? source.path() : "<table>") + ": row " + (row + 1) + ": " + message);
  }

  public Schema schema() {
    return schema;
  }

  /** Where each row came from (file lines), or null for a table that does not know. */
  public Origin origin() {
    return origin;
  }

  public int rowCount() {
    return rows;
  }

  /** Where the rows came from (file and SHA-256), or null when built in code. */
  public DataSource source() {
    return source;
  }

  public List<Column> columns() {
    return new ArrayList<>(columns.values());
  }

  public Column column(String name) {
    Column c = columns.get(name);
    if (c == null) {
      throw new IllegalArgumentException("table has no column '" + name + "'; it has " + String.join(", ", columns.keySet()));
    }
    return c;
  }

  /** A typed read of a column with role ignore is a usage error: such columns are carried as text, never parsed. */
  private Column typed(String name, String kind) {
    Column c = column(name);
    if (c instanceof Column.Text && schema.find(name).map(s -> s.has(Role.IGNORE)).orElse(false)) {
      throw new dev.gauntlet.harness.UsageException("column '" + name + "' has role ignore, so it is carried as text and never parsed;"
          + " it cannot be read as " + kind + ": give it the role it is used for in the schema" + (schema.source() != null ? " (" + schema.source() + ")" : ""));
    }
    return c;
  }

  public double[] numeric(String name) {
    Column c = typed(name, "numbers");
    if (c instanceof Column.Numeric n) {
      return n.values();
    }
    throw new IllegalArgumentException("column '" + name + "' is not numeric");
  }

  public Column.Categorical categorical(String name) {
    Column c = typed(name, "categories");
    if (c instanceof Column.Categorical n) {
      return n;
    }
    throw new IllegalArgumentException("column '" + name + "' is not categorical");
  }

  public long[] timestamps(String name) {
    Column c = typed(name, "timestamps");
    if (c instanceof Column.Timestamp n) {
      return n.epochSeconds();
    }
    throw new IllegalArgumentException("column '" + name + "' is not a timestamp");
  }

  /** Label codes (indexes into the label column's categories). */
  public int[] labels() {
    ColumnSpec label = schema.label().orElseThrow(() -> new IllegalStateException("schema '" + schema.name() + "' has no label column"));
    return categorical(label.name()).codes();
  }

  /** The rows at the given indexes, in that order. */
  public Table select(int[] rowIndexes) {
    List<Column> out = new ArrayList<>();
    for (Column c : columns.values()) {
      out.add(c.select(rowIndexes));
    }
    return new Table(schema, out, source, origin == null ? null : origin.select(rowIndexes));
  }

  /**
   * The rows of {@code parts} one after the other, under {@code schema} and with {@code source}
   * (e.g. the chunks of one file). Rows keep their file lines when every part knows them.
   */
  public static Table concat(Schema schema, List<Table> parts, DataSource source) {
    int n = 0;
    boolean origins = !parts.isEmpty();
    for (Table t : parts) {
      n = Math.addExact(n, t.rows);
      origins &= t.origin != null;
    }
    List<Column> out = new ArrayList<>();
    for (ColumnSpec spec : schema.columns()) {
      String name = spec.name();
      Column first = parts.isEmpty() ? null : parts.get(0).column(name);
      int at = 0;
      if (first instanceof Column.Numeric) {
        double[] v = new double[n];
        for (Table t : parts) {
          double[] p = ((Column.Numeric) t.column(name)).values();
          System.arraycopy(p, 0, v, at, p.length);
          at += p.length;
        }
        out.add(new Column.Numeric(name, v));
      } else if (first instanceof Column.Categorical c) {
        int[] v = new int[n];
        for (Table t : parts) {
          int[] p = ((Column.Categorical) t.column(name)).codes();
          System.arraycopy(p, 0, v, at, p.length);
          at += p.length;
        }
        out.add(new Column.Categorical(name, v, c.levels()));
      } else if (first instanceof Column.Timestamp) {
        long[] v = new long[n];
        for (Table t : parts) {
          long[] p = ((Column.Timestamp) t.column(name)).epochSeconds();
          System.arraycopy(p, 0, v, at, p.length);
          at += p.length;
        }
        out.add(new Column.Timestamp(name, v));
      } else if (first instanceof Column.Text) {
        String[] v = new String[n];
        for (Table t : parts) {
          String[] p = ((Column.Text) t.column(name)).values();
          System.arraycopy(p, 0, v, at, p.length);
          at += p.length;
        }
        out.add(new Column.Text(name, v));
      } else {
        throw new IllegalArgumentException("no parts to concatenate");
      }
    }
    Origin origin = null;
    if (origins) {
      int[] lines = new int[n];
      int at = 0;
      for (Table t : parts) {
        System.arraycopy(t.origin.lines(), 0, lines, at, t.rows);
        at += t.rows;
      }
      origin = new Origin(parts.get(0).origin.file(), lines, parts.get(0).origin.columns());
    }
    return new Table(schema, out, source, origin);
  }

  /** A short label for a row: its id column if the schema has one, else {@code row N} (0-based). */
  public String rowLabel(int row) {
    return schema.id().map(id -> column(id.name()).format(row)).orElse("row " + row);
  }

  /** A number in the shortest form a data file would write it (whole numbers without ".0"). */
  public static String formatNumber(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}

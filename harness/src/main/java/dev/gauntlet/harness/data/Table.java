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
public final class Table {
  private final Schema schema;
  private final Map<String, Column> columns;
  private final int rows;
  private final DataSource source;

  public Table(Schema schema, List<Column> columns, DataSource source) {
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
  }

  public Schema schema() {
    return schema;
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

  public double[] numeric(String name) {
    Column c = column(name);
    if (c instanceof Column.Numeric n) {
      return n.values();
    }
    throw new IllegalArgumentException("column '" + name + "' is not numeric");
  }

  public Column.Categorical categorical(String name) {
    Column c = column(name);
    if (c instanceof Column.Categorical n) {
      return n;
    }
    throw new IllegalArgumentException("column '" + name + "' is not categorical");
  }

  public long[] timestamps(String name) {
    Column c = column(name);
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
    return new Table(schema, out, source);
  }

  /** A short label for a row: its id column if the schema has one, else {@code row N} (0-based). */
  public String rowLabel(int row) {
    return schema.id().map(id -> column(id.name()).format(row)).orElse("row " + row);
  }

  static String formatNumber(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}

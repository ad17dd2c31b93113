package dev.gauntlet.harness.data;

import dev.gauntlet.harness.metric.MetricSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which rows of a data source to keep: a {@code where} expression ({@link RowFilter}) bound to a
 * schema, and a time range {@code [from, to]} on the schema's time column. Immutable. Both engines
 * apply the same selection: the CSV reader evaluates it per record before validating the rest of
 * the record; the Parquet reader pushes it into the scan where it can and evaluates it again here.
 *
 * <p>A row the selection excludes must still be readable in the columns the selection reads (a
 * number that is not a number there is an error); its other columns are not validated. A missing
 * value in a column the filter reads is "unknown" (three-valued logic, see {@link RowFilter}), so a
 * comparison with it never keeps the row; use {@code is null} to select such rows.
 */
public final class Selection {
  /** Every row. */
  public static final Selection ALL = new Selection(null, null, List.of(), null, null, null, Long.MIN_VALUE, Long.MAX_VALUE);

  private final String where;
  private final Node filter;
  private final List<ColumnSpec> columns; // the columns evaluate() reads, in slot order
  private final String timeColumn;
  private final String fromText;
  private final String toText;
  private final long from;
  private final long toExclusive;
  private final int timeSlot;

  private Selection(String where, Node filter, List<ColumnSpec> columns, String timeColumn, String fromText, String toText, long from, long toExclusive) {
    this.where = where;
    this.filter = filter;
    this.columns = List.copyOf(columns);
    this.timeColumn = timeColumn;
    this.fromText = fromText;
    this.toText = toText;
    this.from = from;
    this.toExclusive = toExclusive;
    int slot = -1;
    for (int i = 0; i < this.columns.size(); i++) {
      if (this.columns.get(i).name().equals(timeColumn)) {
        slot = i;
      }
    }
    this.timeSlot = slot;
  }

  /**
   * Binds a selection to a schema.
   *
   * @param where the expression, or null for every row
   * @param fromText the first time kept (inclusive), or null
   * @param toText the last period kept (inclusive of its whole period), or null
   * @throws FilterException for a mistake in {@code where}: syntax, an unknown column (with a
   *     suggestion), a literal of the wrong type for its column
   * @throws IllegalArgumentException for a bad {@code from}/{@code to}, its message starting with
   *     {@code from:} or {@code to:}
   */
  public static Selection of(String where, String fromText, String toText, Schema schema) {
    List<ColumnSpec> cols = new ArrayList<>();
    Node f = where == null ? null : bind(RowFilter.parse(where), schema, cols);
    String time = null;
    long lo = Long.MIN_VALUE;
    long hi = Long.MAX_VALUE;
    if (fromText != null || toText != null) {
      ColumnSpec t = schema.time().orElseThrow(() -> new IllegalArgumentException((fromText != null ? "from" : "to")
          + ": a time range needs a column with role time in the schema" + (schema.source() != null ? " (" + schema.source() + ")" : "")));
      time = t.name();
      TimeFormat tf = TimeFormat.of(t.format());
      if (fromText != null) {
        try {
          lo = tf.bound(fromText, false);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("from: " + e.getMessage());
        }
      }
      if (toText != null) {
        try {
          hi = tf.bound(toText, true);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("to: " + e.getMessage());
        }
      }
      if (lo >= hi) {
        throw new IllegalArgumentException("to: the range from " + fromText + " to " + toText + " is empty; 'to' must not be before 'from'");
      }
      if (!cols.contains(t)) {
        cols.add(t);
      }
    }
    return new Selection(where, f, cols, time, fromText, toText, lo, hi);
  }

  /** Whether this keeps every row. */
  public boolean isAll() {
    return filter == null && timeColumn == null;
  }

  /** The expression as written, or null. */
  public String where() {
    return where;
  }

  /** The parsed expression, or null (for engines that push it into their scan). */
  public RowFilter filter() {
    return where == null ? null : RowFilter.parse(where);
  }

  /** The time column the range applies to, or null when there is no range. */
  public String timeColumn() {
    return timeColumn;
  }

  /** First epoch second kept (inclusive), {@link Long#MIN_VALUE} when unbounded. */
  public long fromEpochSecond() {
    return from;
  }

  /** First epoch second no longer kept, {@link Long#MAX_VALUE} when unbounded. */
  public long toEpochSecondExclusive() {
    return toExclusive;
  }

  /** The schema columns {@link #keep(Object[])} reads, in the order of its argument. */
  public List<ColumnSpec> columns() {
    return columns;
  }

  /**
   * Whether a row is kept.
   *
   * @param values per {@link #columns()}: a {@code Double} for numeric columns, a {@code Long}
   *     (epoch seconds) for timestamps, a {@code String} for the others, null when missing
   */
  public boolean keep(Object[] values) {
    if (timeColumn != null) {
      Object t = values[timeSlot];
      if (t == null) {
        return false;
      }
      long v = (Long) t;
      if (v < from || v >= toExclusive) {
        return false;
      }
    }
    return filter == null || Boolean.TRUE.equals(filter.eval(values));
  }


  /** The selection and how many rows it kept, for provenance. */
  public Summary summarize(long kept, long of) {
    return new Summary(where, fromText, toText, timeColumn,
        from == Long.MIN_VALUE ? null : Instant.ofEpochSecond(from).toString(),
        toExclusive == Long.MAX_VALUE ? null : Instant.ofEpochSecond(toExclusive).toString(), kept, of);
  }

  /**
   * What a selection kept, recorded in provenance.
   *
   * @param where the expression as written, or null
   * @param from the {@code from} text as written, or null
   * @param to the {@code to} text as written, or null
   * @param timeColumn the column the range applies to, or null
   * @param fromInstant the first instant kept (UTC, inclusive), or null
   * @param toInstantExclusive the first instant no longer kept, or null
   * @param keptRows rows kept
   * @param ofRows rows in the source
   */
  public record Summary(String where, String from, String to, String timeColumn, String fromInstant, String toInstantExclusive, long keptRows, long ofRows)
      implements java.io.Serializable {
    /** One line: {@code where ...; from ... to ...: kept K of N rows}. */
    public String describe() {
      List<String> parts = new ArrayList<>();
      if (where != null) {
        parts.add("where " + where);
      }
      if (timeColumn != null) {
        parts.add(timeColumn + " from " + (from == null ? "the start" : from) + " to " + (to == null ? "the end" : to)
            + " ([" + (fromInstant == null ? "-inf" : fromInstant) + ", " + (toInstantExclusive == null ? "+inf" : toInstantExclusive) + "))");
      }
      return "selection " + String.join("; ", parts) + ": kept " + keptRows + " of " + ofRows + " rows";
    }
  }

  // ---- binding and evaluation ----

  /** A bound expression node: evaluates to TRUE, FALSE or null (unknown). */
  private interface Node {
    Boolean eval(Object[] values);
  }

  @SuppressWarnings("unchecked")
  private static Node bind(RowFilter f, Schema schema, List<ColumnSpec> cols) {
    if (f instanceof RowFilter.And a) {
        Node l = bind(a.left(), schema, cols);
        Node r = bind(a.right(), schema, cols);
        return v -> {
          Boolean x = l.eval(v);
          if (Boolean.FALSE.equals(x)) {
            return false;
          }
          Boolean y = r.eval(v);
          if (Boolean.FALSE.equals(y)) {
            return false;
          }
          return x == null || y == null ? null : true;
        };
    }
    if (f instanceof RowFilter.Or o) {
        Node l = bind(o.left(), schema, cols);
        Node r = bind(o.right(), schema, cols);
        return v -> {
          Boolean x = l.eval(v);
          if (Boolean.TRUE.equals(x)) {
            return true;
          }
          Boolean y = r.eval(v);
          if (Boolean.TRUE.equals(y)) {
            return true;
          }
          return x == null || y == null ? null : false;
        };
    }
    if (f instanceof RowFilter.Not n) {
        Node inner = bind(n.inner(), schema, cols);
        return v -> {
          Boolean x = inner.eval(v);
          return x == null ? null : !x;
        };
    }
    if (f instanceof RowFilter.IsNull n) {
        int slot = slot(n.column(), n.pos(), schema, cols);
        boolean neg = n.negated();
        return v -> (v[slot] == null) != neg;
    }
    if (f instanceof RowFilter.Compare c) {
        ColumnSpec spec = spec(c.column(), c.pos(), schema);
        int slot = slot(c.column(), c.pos(), schema, cols);
        Comparable<Object> lit = value(spec, c.value(), c.op());
        RowFilter.Op op = c.op();
        return v -> v[slot] == null ? null : op.test(Integer.signum(((Comparable<Object>) v[slot]).compareTo(lit)));
    }
    RowFilter.In in = (RowFilter.In) f;
    {
        ColumnSpec spec = spec(in.column(), in.pos(), schema);
        int slot = slot(in.column(), in.pos(), schema, cols);
        java.util.Set<Object> set = new java.util.HashSet<>();
        for (RowFilter.Literal l : in.values()) {
          set.add(value(spec, l, RowFilter.Op.EQ));
        }
        boolean neg = in.negated();
        return v -> v[slot] == null ? null : set.contains(v[slot]) != neg;
    }
  }

  private static ColumnSpec spec(String column, int pos, Schema schema) {
    return schema.find(column).orElseThrow(() -> {
      List<String> names = schema.columns().stream().map(ColumnSpec::name).toList();
      String near = MetricSet.nearest(column, names).map(n -> " Did you mean '" + n + "'?").orElse("");
      return new FilterException(pos, "unknown column '" + column + "'." + near + " A filter reads columns the schema declares"
          + " (declare others with role ignore); the schema has: " + String.join(", ", names));
    });
  }

  private static int slot(String column, int pos, Schema schema, List<ColumnSpec> cols) {
    ColumnSpec s = spec(column, pos, schema);
    int i = cols.indexOf(s);
    if (i < 0) {
      cols.add(s);
      i = cols.size() - 1;
    }
    return i;
  }

  /** The literal as the value type of the column (see {@link #keep}), or a type error at its position. */
  @SuppressWarnings("unchecked")
  private static Comparable<Object> value(ColumnSpec spec, RowFilter.Literal l, RowFilter.Op op) {
    String kind = spec.type().name().toLowerCase();
    switch (spec.type()) {
      case NUMERIC -> {
        if (!l.isNumber()) {
          throw new FilterException(l.pos(), "column '" + spec.name() + "' is numeric but is compared with the text " + l
              + "; compare it with a number (unquoted), e.g. " + spec.name() + " " + op.symbol + " 30");
        }
        return (Comparable<Object>) (Comparable<?>) l.number();
      }
      case TIMESTAMP -> {
        TimeFormat tf = TimeFormat.of(spec.format());
        if (l.isNumber()) {
          if (!TimeFormat.isEpoch(spec.format()) || l.number() != Math.rint(l.number())) {
            throw new FilterException(l.pos(), "column '" + spec.name() + "' is a timestamp; compare it with a quoted date such as '2013-01-01'"
                + " (numbers only for format epoch-seconds or epoch-millis)");
          }
          long n = l.number().longValue();
          return (Comparable<Object>) (Comparable<?>) (TimeFormat.EPOCH_MILLIS.equals(spec.format()) ? Math.floorDiv(n, 1000L) : n);
        }
        try {
          return (Comparable<Object>) (Comparable<?>) tf.literal(l.text());
        } catch (IllegalArgumentException e) {
          throw new FilterException(l.pos(), "column '" + spec.name() + "': " + e.getMessage());
        }
      }
      default -> {
        if (l.isNumber()) {
          throw new FilterException(l.pos(), "column '" + spec.name() + "' is " + kind + " but is compared with the number " + l.text()
              + "; its values are text: quote it, e.g. " + spec.name() + " " + op.symbol + " '" + l.text() + "'");
        }
        if (op != RowFilter.Op.EQ && op != RowFilter.Op.NE) {
          throw new FilterException(l.pos() , "column '" + spec.name() + "' is " + kind + "; it can only be compared with = , != , in or not in, not '" + op.symbol + "'");
        }
        return (Comparable<Object>) (Comparable<?>) l.text();
      }
    }
  }
}

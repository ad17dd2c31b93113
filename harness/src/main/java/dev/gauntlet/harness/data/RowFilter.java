package dev.gauntlet.harness.data;

import java.util.List;

/**
 * A parsed {@code where} expression (grammar in the README, "Selecting rows"). Evaluation uses SQL's
 * three-valued logic: a comparison with a missing value is unknown, {@code not unknown} is unknown,
 * {@code false and unknown} is false, {@code true or unknown} is true, and a row is kept only when the
 * whole expression is true. Positions are 0-based offsets into the expression text.
 */
public sealed interface RowFilter {

  /** Comparison operators of the grammar. */
  enum Op {
    EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

    public final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    boolean test(int cmp) {
      return switch (this) {
        case EQ -> cmp == 0;
        case NE -> cmp != 0;
        case LT -> cmp < 0;
        case LE -> cmp <= 0;
        case GT -> cmp > 0;
        case GE -> cmp >= 0;
      };
    }
  }

  /**
   * A literal: a number ({@code number} non-null) or a quoted string.
   *
   * @param pos offset of its first character in the expression
   */
  record Literal(String text, Double number, int pos) {
    public boolean isNumber() {
      return number != null;
    }

    @Override
    public String toString() {
      return isNumber() ? text : "'" + text.replace("'", "''") + "'";
    }
  }

  /** {@code column op literal}. */
  record Compare(String column, int pos, Op op, Literal value) implements RowFilter {
    @Override
    public String toString() {
      return RowFilter.quote(column) + " " + op.symbol + " " + value;
    }
  }

  /** {@code column [not] in (lit, ...)}. */
  record In(String column, int pos, boolean negated, List<Literal> values) implements RowFilter {
    public In {
      values = List.copyOf(values);
    }

    @Override
    public String toString() {
      return RowFilter.quote(column) + (negated ? " not in (" : " in (") + String.join(", ", values.stream().map(Literal::toString).toList()) + ")";
    }
  }

  /** {@code column is [not] null}. */
  record IsNull(String column, int pos, boolean negated) implements RowFilter {
    @Override
    public String toString() {
      return RowFilter.quote(column) + (negated ? " is not null" : " is null");
    }
  }

  record And(RowFilter left, RowFilter right) implements RowFilter {
    @Override
    public String toString() {
      return "(" + left + " and " + right + ")";
    }
  }

  record Or(RowFilter left, RowFilter right) implements RowFilter {
    @Override
    public String toString() {
      return "(" + left + " or " + right + ")";
    }
  }

  record Not(RowFilter inner) implements RowFilter {
    @Override
    public String toString() {
      return "not " + inner;
    }
  }

  /** Parses an expression; see {@link FilterParser}. */
  static RowFilter parse(String text) {
    return new FilterParser(text).parse();
  }

  /** Every column the expression reads, in order of first mention. */
  default List<String> columns() {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    collect(this, out);
    return List.copyOf(out);
  }

  private static void collect(RowFilter f, java.util.Set<String> out) {
    if (f instanceof Compare c) {
      out.add(c.column());
    } else if (f instanceof In i) {
      out.add(i.column());
    } else if (f instanceof IsNull n) {
      out.add(n.column());
    } else if (f instanceof And a) {
      collect(a.left(), out);
      collect(a.right(), out);
    } else if (f instanceof Or o) {
      collect(o.left(), out);
      collect(o.right(), out);
    } else if (f instanceof Not n) {
      collect(n.inner(), out);
    }
  }

  private static String quote(String column) {
    return column.matches("[A-Za-z_][A-Za-z0-9_.#]*") && !FilterParser.KEYWORDS.contains(column.toLowerCase()) ? column : "\"" + column + "\"";
  }
}

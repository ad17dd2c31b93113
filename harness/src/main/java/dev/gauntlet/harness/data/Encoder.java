package dev.gauntlet.harness.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the feature columns of a {@link Table} into the model's input matrix, following each
 * column's {@link Encoding}, and describes every input dimension (name, bounds, mutability) so that
 * attacks and perturbations stay valid in the original units.
 */
public final class Encoder {

  /**
   * One input dimension.
   *
   * @param index position in the input vector
   * @param column the schema column it comes from
   * @param category the category it stands for (one-hot), or null
   * @param lower the smallest valid encoded value ({@code -inf} when the column has no range)
   * @param upper the largest valid encoded value ({@code +inf} when the column has no range)
   * @param mutable whether an attack may change it
   * @param group the one-hot group (dimensions of one categorical column share it), or -1
   * @param step the encoded size of one unit for integer and ordinal features, or 0 for continuous ones
   */
  public record Dim(int index, ColumnSpec column, String category, double lower, double upper, boolean mutable, int group, double step) {
    public String name() {
      return category == null ? column.name() : column.name() + "=" + category;
    }
  }

  private final Schema schema;
  private final List<Dim> dims;
  private final List<ColumnSpec> features;

  public Encoder(Schema schema) {
    this.schema = schema;
    this.features = schema.features();
    List<Dim> out = new ArrayList<>();
    int group = 0;
    for (ColumnSpec c : features) {
      Encoding e = c.encoding();
      if (e instanceof Encoding.Scaled s) {
        double lo = Double.isNaN(c.min()) ? Double.NEGATIVE_INFINITY : s.apply(c.min());
        double hi = Double.isNaN(c.max()) ? Double.POSITIVE_INFINITY : s.apply(c.max());
        out.add(new Dim(out.size(), c, null, lo, hi, c.mutable(), -1, c.integer() ? 1.0 / s.scale() : 0));
      } else if (e instanceof Encoding.OneHot) {
        for (String cat : c.categories()) {
          out.add(new Dim(out.size(), c, cat, 0, 1, c.mutable(), group, 1));
        }
        group++;
      } else if (e instanceof Encoding.Ordinal) {
        out.add(new Dim(out.size(), c, null, 0, c.categories().size() - 1, c.mutable(), -1, 1));
      }
    }
    this.dims = List.copyOf(out);
  }

  public Schema schema() {
    return schema;
  }

  /** Width of the model's input vector. */
  public int width() {
    return dims.size();
  }

  public List<Dim> dims() {
    return dims;
  }

  public List<ColumnSpec> features() {
    return features;
  }

  /** Names of the input dimensions ({@code column} or {@code column=category}). */
  public List<String> names() {
    List<String> n = new ArrayList<>();
    for (Dim d : dims) {
      n.add(d.name());
    }
    return n;
  }

  /** Encodes every row: an {@code n x width()} matrix. */
  public double[][] encode(Table t) {
    int n = t.rowCount();
    double[][] x = new double[n][width()];
    int d = 0;
    for (ColumnSpec c : features) {
      Encoding e = c.encoding();
      if (e instanceof Encoding.Scaled s) {
        double[] v = t.numeric(c.name());
        for (int i = 0; i < n; i++) {
          x[i][d] = s.apply(v[i]);
        }
        d++;
      } else if (e instanceof Encoding.OneHot) {
        int[] codes = t.categorical(c.name()).codes();
        for (int i = 0; i < n; i++) {
          x[i][d + codes[i]] = 1;
        }
        d += c.categories().size();
      } else if (e instanceof Encoding.Ordinal) {
        int[] codes = t.categorical(c.name()).codes();
        for (int i = 0; i < n; i++) {
          x[i][d] = codes[i];
        }
        d++;
      }
    }
    return x;
  }

  /**
   * The value of a feature column in original units from an encoded row, as text: numbers are
   * unscaled, one-hot groups give their largest dimension's category.
   */
  public String decode(double[] row, ColumnSpec column) {
    for (int d = 0; d < dims.size(); d++) {
      Dim dim = dims.get(d);
      if (!dim.column().name().equals(column.name())) {
        continue;
      }
      Encoding e = column.encoding();
      if (e instanceof Encoding.Scaled s) {
        return Table.formatNumber(round(s.invert(row[d])));
      }
      if (e instanceof Encoding.Ordinal) {
        int k = (int) Math.max(0, Math.min(column.categories().size() - 1, Math.round(row[d])));
        return column.categories().get(k);
      }
      int best = d;
      for (int k = 0; k < column.categories().size(); k++) {
        if (row[d + k] > row[best]) {
          best = d + k;
        }
      }
      return column.categories().get(best - d);
    }
    throw new IllegalArgumentException("'" + column.name() + "' is not a feature");
  }

  private static double round(double v) {
    return Math.abs(v) >= 1e-9 ? Double.parseDouble(String.format(java.util.Locale.ROOT, "%.6g", v)) : 0;
  }
}

package dev.gauntlet.attacks.perturbation;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Encoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The feature columns of a schema as the perturbation engine sees them in encoded rows: where each
 * column's dimensions are, its valid bounds, its spread and typical value in the data, its categories
 * by frequency, and the data rows ordered from most to least typical.
 */
final class FeatureSpace {

  enum SlotKind { NUMERIC, ONE_HOT, ORDINAL }

  /**
   * One feature column.
   *
   * @param lower smallest valid encoded value (numeric), or -inf
   * @param upper largest valid encoded value (numeric), or +inf
   * @param spread standard deviation of the encoded value in the data (numeric)
   * @param median median encoded value in the data (numeric)
   * @param byFrequency category codes from most to least frequent in the data (categorical)
   * @param dataLower smallest encoded value in the data (numeric)
   * @param dataUpper largest encoded value in the data (numeric)
   */
  record Slot(ColumnSpec column, int first, int width, SlotKind kind, Encoding.Scaled scaled, double lower, double upper,
      double spread, double median, int[] byFrequency, double dataLower, double dataUpper) {
    String name() {
      return column.name();
    }

    boolean numeric() {
      return kind == SlotKind.NUMERIC;
    }

    int mode() {
      return byFrequency[0];
    }
  }

  final Encoder encoder;
  final double[][] x;
  final List<Slot> slots;
  /** Data row indexes from most to least typical (closest to the median / mode row first). */
  final int[] typical;
  /** Pixel bounds for image perturbations: the dims' bounds, or the data's range where they have none. */
  final double pixelLower;
  final double pixelUpper;

  FeatureSpace(Encoder encoder, double[][] x) {
    this.encoder = encoder;
    this.x = x;
    if (x.length == 0) {
      throw new UsageException("the evaluation data has no rows; a perturbation property needs rows to start from");
    }
    List<Slot> out = new ArrayList<>();
    int d = 0;
    for (ColumnSpec c : encoder.features()) {
      Encoding e = c.encoding();
      if (e instanceof Encoding.Scaled s) {
        double[] v = column(d);
        double lo = encoder.dims().get(d).lower();
        double hi = encoder.dims().get(d).upper();
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        out.add(new Slot(c, d, 1, SlotKind.NUMERIC, s, lo, hi, sd(v), median(sorted), new int[0], sorted[0], sorted[sorted.length - 1]));
        d++;
      } else if (e instanceof Encoding.OneHot) {
        int k = c.categories().size();
        int[] counts = new int[k];
        for (double[] row : x) {
          counts[argmax(row, d, k)]++;
        }
        out.add(new Slot(c, d, k, SlotKind.ONE_HOT, null, 0, 1, 0, 0, byFrequency(counts), 0, 1));
        d += k;
      } else if (e instanceof Encoding.Ordinal) {
        int k = c.categories().size();
        int[] counts = new int[k];
        for (double[] row : x) {
          counts[clampIndex(Math.round(row[d]), k)]++;
        }
        out.add(new Slot(c, d, 1, SlotKind.ORDINAL, null, 0, k - 1, 0, 0, byFrequency(counts), 0, k - 1));
        d++;
      }
    }
    this.slots = List.copyOf(out);
    this.typical = typicalOrder();
    double pl = Double.POSITIVE_INFINITY;
    double pu = Double.NEGATIVE_INFINITY;
    boolean bounded = encoder.dims().stream().allMatch(dim -> Double.isFinite(dim.lower()) && Double.isFinite(dim.upper()));
    if (bounded) {
      for (var dim : encoder.dims()) {
        pl = Math.min(pl, dim.lower());
        pu = Math.max(pu, dim.upper());
      }
    } else {
      for (double[] row : x) {
        for (double v : row) {
          pl = Math.min(pl, v);
          pu = Math.max(pu, v);
        }
      }
    }
    this.pixelLower = pl;
    this.pixelUpper = pu;
  }

  int width() {
    return encoder.width();
  }

  Slot slot(String name) {
    for (Slot s : slots) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("'" + name + "' is not a feature");
  }

  /** The category code of a categorical slot in a row. */
  int category(double[] row, Slot s) {
    return s.kind() == SlotKind.ONE_HOT ? argmax(row, s.first(), s.width()) : clampIndex(Math.round(row[s.first()]), s.byFrequency().length);
  }

  void setCategory(double[] row, Slot s, int code) {
    if (s.kind() == SlotKind.ONE_HOT) {
      for (int k = 0; k < s.width(); k++) {
        row[s.first() + k] = k == code ? 1 : 0;
      }
    } else {
      row[s.first()] = code;
    }
  }

  /** Sets a numeric feature, rounding whole-number columns and clamping to the valid range. */
  void setNumeric(double[] row, Slot s, double encoded) {
    double v = encoded;
    if (s.column().integer()) {
      v = s.scaled().apply(Math.rint(s.scaled().invert(v)));
    }
    row[s.first()] = Math.max(s.lower(), Math.min(s.upper(), v));
  }

  /** The categories other than {@code current}, most frequent first. */
  int[] alternatives(Slot s, int current) {
    return Arrays.stream(s.byFrequency()).filter(c -> c != current).toArray();
  }

  /** The value of a feature in original units, as text. */
  String decode(double[] row, Slot s) {
    return encoder.decode(row, s.column());
  }

  private int[] typicalOrder() {
    double[] dist = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double sum = 0;
      for (Slot s : slots) {
        if (s.numeric()) {
          if (s.spread() > 0) {
            double z = (x[i][s.first()] - s.median()) / s.spread();
            sum += z * z;
          }
        } else if (category(x[i], s) != s.mode()) {
          sum += 1;
        }
      }
      dist[i] = sum;
    }
    return IntStream.range(0, x.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> dist[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
  }

  private double[] column(int d) {
    double[] v = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      v[i] = x[i][d];
    }
    return v;
  }

  private static double sd(double[] v) {
    double mean = 0;
    for (double a : v) {
      mean += a;
    }
    mean /= v.length;
    double ss = 0;
    for (double a : v) {
      ss += (a - mean) * (a - mean);
    }
    return Math.sqrt(ss / v.length);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static int[] byFrequency(int[] counts) {
    return IntStream.range(0, counts.length).boxed()
        .sorted(Comparator.<Integer>comparingInt(k -> -counts[k]).thenComparingInt(k -> k))
        .mapToInt(Integer::intValue).toArray();
  }

  static int argmax(double[] row, int from, int k) {
    int best = 0;
    for (int j = 1; j < k; j++) {
      if (row[from + j] > row[from + best]) {
        best = j;
      }
    }
    return best;
  }

  private static int clampIndex(long v, int k) {
    return (int) Math.max(0, Math.min(k - 1, v));
  }
}

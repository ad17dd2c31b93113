package dev.gauntlet.drift.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The binning behind the population stability index of a numeric column: reference quantile
 * bins. With {@code k} bins the inner edges are {@code e_j = ref[floor(j * n / k)]} for
 * {@code j = 1..k-1} (0-based index into the sorted reference), duplicates removed; the bins are
 * {@code (-inf, e_1], (e_1, e_2], ..., (e_last, +inf)}, so every value of any window falls in a bin
 * and each bin holds about {@code n / k} reference rows when the column has few ties. A column
 * with heavy ties gets fewer, wider bins rather than empty ones.
 *
 * @param edges the inner edges, strictly increasing
 */
public record PsiBins(double[] edges) {

  public PsiBins {
    edges = edges.clone();
    for (int i = 1; i < edges.length; i++) {
      if (!(edges[i] > edges[i - 1])) {
        throw new IllegalArgumentException("PSI bin edges must increase strictly, got " + Arrays.toString(edges));
      }
    }
  }

  /** Reference-quantile bins; {@code bins} must be at least 2. */
  public static PsiBins quantiles(SortedSample reference, int bins) {
    if (bins < 2) {
      throw new IllegalArgumentException("PSI needs at least 2 bins, got " + bins);
    }
    int n = reference.size();
    List<Double> e = new ArrayList<>();
    for (int j = 1; j < bins; j++) {
      int idx = (int) Math.min(n - 1, (long) j * n / bins);
      double v = reference.get(idx);
      if (v < reference.max() && (e.isEmpty() || v > e.get(e.size() - 1))) {
        e.add(v);
      }
    }
    return new PsiBins(e.stream().mapToDouble(Double::doubleValue).toArray());
  }

  public int count() {
    return edges.length + 1;
  }

  /** How many values of a sorted sample fall in each bin. */
  public long[] counts(SortedSample s) {
    long[] c = new long[count()];
    int prev = 0;
    for (int j = 0; j < edges.length; j++) {
      int upto = s.countAtOrBelow(edges[j]);
      c[j] = upto - prev;
      prev = upto;
    }
    c[edges.length] = s.size() - prev;
    return c;
  }

  /** A text label per bin, e.g. {@code (12.5, 20]}. */
  public List<String> labels() {
    List<String> out = new ArrayList<>();
    for (int j = 0; j <= edges.length; j++) {
      String lo = j == 0 ? "-inf" : fmt(edges[j - 1]);
      String hi = j == edges.length ? "+inf)" : fmt(edges[j]) + "]";
      out.add("(" + lo + ", " + hi);
    }
    return out;
  }

  private static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e12) {
      return Long.toString((long) v);
    }
    return String.format(java.util.Locale.ROOT, "%.4g", v);
  }
}

package dev.gauntlet.fairness;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.metric.Subject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The slicings of a table: each attribute alone and each intersection up to the configured depth.
 * A row's slice in a slicing is a mixed-radix number over the attributes' level codes, so counting
 * needs no per-row objects.
 */
final class Slices {
  /** Level codes per attribute per row (categorical codes, or band indexes of numeric columns). */
  final int[][] codes;
  /** Level names per attribute. */
  final List<List<String>> levels;
  final List<String> names;
  final List<Slicing> slicings;

  /**
   * One way of cutting the rows into slices.
   *
   * @param name e.g. {@code sex} or {@code sex&race}
   * @param attrs indexes of the attributes combined
   * @param strides the radix weight of each attribute
   * @param subjects the subject of each slice, e.g. {@code sex=F&race=Black}, attributes in the configured order
   */
  record Slicing(String name, int[] attrs, int[] strides, List<Subject> subjects) {
    int groups() {
      return subjects.size();
    }

    boolean single() {
      return attrs.length == 1;
    }
  }

  private Slices(int[][] codes, List<List<String>> levels, List<String> names, List<Slicing> slicings) {
    this.codes = codes;
    this.levels = levels;
    this.names = names;
    this.slicings = slicings;
  }

  static Slices of(Table t, SliceConfig cfg) {
    int a = cfg.attributes().size();
    int[][] codes = new int[a][];
    List<List<String>> levels = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int k = 0; k < a; k++) {
      SliceConfig.Attribute at = cfg.attributes().get(k);
      names.add(at.name());
      ColumnSpec spec = t.schema().find(at.name()).orElseThrow(() -> new UsageException(
          "fairness: the data has no column '" + at.name() + "' to slice by"));
      Column c = t.column(at.name());
      if (at.banded()) {
        if (!(c instanceof Column.Numeric num)) {
          throw new UsageException("fairness: attribute '" + at.name() + "' has bands but is " + spec.type().name().toLowerCase(Locale.ROOT) + ", not numeric");
        }
        codes[k] = band(num.values(), at.bands());
        levels.add(bandNames(at.bands()));
      } else if (c instanceof Column.Categorical cat) {
        codes[k] = cat.codes();
        levels.add(cat.levels());
      } else {
        throw new UsageException("fairness: attribute '" + at.name() + "' is " + spec.type().name().toLowerCase(Locale.ROOT)
            + (spec.type() == ColumnType.NUMERIC ? "; give bands to cut it into slices, e.g. {name: " + at.name() + ", bands: [25, 45]}" : "; slice by categorical or banded numeric columns"));
      }
    }
    List<Slicing> slicings = new ArrayList<>();
    for (int d = 1; d <= cfg.depth(); d++) {
      combinations(a, d, 0, new int[d], 0, idx -> slicings.add(slicing(idx, names, levels)));
    }
    return new Slices(codes, levels, names, slicings);
  }

  private static void combinations(int n, int k, int start, int[] buf, int filled, java.util.function.Consumer<int[]> out) {
    if (filled == k) {
      out.accept(buf.clone());
      return;
    }
    for (int i = start; i < n; i++) {
      buf[filled] = i;
      combinations(n, k, i + 1, buf, filled + 1, out);
    }
  }

  private static Slicing slicing(int[] attrs, List<String> names, List<List<String>> levels) {
    int[] strides = new int[attrs.length];
    long size = 1;
    for (int j = attrs.length - 1; j >= 0; j--) {
      strides[j] = (int) size;
      size *= levels.get(attrs[j]).size();
      if (size > 1_000_000) {
        throw new UsageException("fairness: the intersection of " + Arrays.stream(attrs).mapToObj(names::get).toList()
            + " has more than 1,000,000 slices; lower intersections or band numeric attributes more coarsely");
      }
    }
    List<Subject> subjects = new ArrayList<>();
    for (int g = 0; g < size; g++) {
      Subject s = Subject.all();
      for (int j = 0; j < attrs.length; j++) {
        int level = (g / strides[j]) % levels.get(attrs[j]).size();
        s = s.and(names.get(attrs[j]), levels.get(attrs[j]).get(level));
      }
      subjects.add(s);
    }
    StringBuilder name = new StringBuilder();
    for (int j = 0; j < attrs.length; j++) {
      name.append(j > 0 ? "&" : "").append(names.get(attrs[j]));
    }
    return new Slicing(name.toString(), attrs, strides, subjects);
  }

  /** The slice of row {@code i} in a slicing. */
  int group(Slicing s, int i) {
    int g = 0;
    for (int j = 0; j < s.attrs.length; j++) {
      g += codes[s.attrs[j]][i] * s.strides[j];
    }
    return g;
  }

  /**
   * The reference slice of a slicing: the largest slice ({@code size} of each group) among those that
   * take the configured reference value of every configured attribute (so the configured slice itself
   * when all are configured, and the largest slice when none is); -1 when no slice matches.
   *
   * @throws UsageException when a configured reference value is not a value of its attribute
   */
  int reference(Slicing sl, java.util.Map<String, String> references, java.util.function.IntToLongFunction size) {
    int[] want = new int[sl.attrs().length];
    for (int j = 0; j < sl.attrs().length; j++) {
      int a = sl.attrs()[j];
      String value = references.get(names.get(a));
      want[j] = value == null ? -1 : levels.get(a).indexOf(value);
      if (value != null && want[j] < 0) {
        throw new UsageException("fairness: reference '" + names.get(a) + "=" + value + "' is not a value of the attribute; its values are "
            + levels.get(a));
      }
    }
    int best = -1;
    long bestSize = -1;
    for (int h = 0; h < sl.groups(); h++) {
      boolean matches = true;
      for (int j = 0; j < want.length; j++) {
        matches &= want[j] < 0 || levelOf(sl, h, sl.attrs()[j]) == want[j];
      }
      long n = size.applyAsLong(h);
      if (matches && n > bestSize) {
        best = h;
        bestSize = n;
      }
    }
    return best;
  }

  /** The level code of attribute {@code attr} in slice {@code g} of a slicing, or -1 when not part of it. */
  int levelOf(Slicing s, int g, int attr) {
    for (int j = 0; j < s.attrs.length; j++) {
      if (s.attrs[j] == attr) {
        return (g / s.strides[j]) % levels.get(attr).size();
      }
    }
    return -1;
  }

  static int[] band(double[] v, double[] bands) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      int pos = Arrays.binarySearch(bands, v[i]);
      out[i] = pos >= 0 ? pos + 1 : -pos - 1;
    }
    return out;
  }

  static List<String> bandNames(double[] bands) {
    List<String> out = new ArrayList<>();
    out.add("<" + num(bands[0]));
    for (int i = 1; i < bands.length; i++) {
      out.add("[" + num(bands[i - 1]) + "," + num(bands[i]) + ")");
    }
    out.add(">=" + num(bands[bands.length - 1]));
    return out;
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}

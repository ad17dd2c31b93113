package dev.gauntlet.harness.report;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.MetricCondition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The template's view of one piece of evidence: tables cut to {@link HtmlReport#MAX_TABLE_ROWS},
 * charts cut to what stays readable (and small) with a sentence saying what was left out, and for
 * every chart a data table of the whole evidence (cut to the same row limit), so no value is shown
 * only as a colour or a position.
 */
final class EvidenceView {
  /** Series drawn per chart: each gets its own colour, dash pattern and marker. */
  static final int MAX_SERIES = 8;
  /** Bars (categories) drawn per bar chart. */
  static final int MAX_BARS = 40;
  /** Points drawn per line series. */
  static final int MAX_POINTS = 300;
  /** Heat-map rows and columns drawn. */
  static final int MAX_HEAT_ROWS = 40;
  static final int MAX_HEAT_COLUMNS = 48;
  /** Images drawn per image strip. */
  static final int MAX_IMAGES = 8;

  private EvidenceView() {}

  static Map<String, Object> of(Evidence e, String id) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("title", e.title() == null ? "" : e.title());
    m.put("id", id);
    m.put("leftOut", "");
    if (e instanceof Evidence.Table t) {
      m.put("kind", "table");
      m.put("columns", t.columns());
      List<List<Map<String, Object>>> rows = new ArrayList<>();
      int limit = Math.min(t.rows().size(), HtmlReport.MAX_TABLE_ROWS);
      for (int r = 0; r < limit; r++) {
        List<Map<String, Object>> cells = new ArrayList<>();
        for (int c = 0; c < t.columns().size(); c++) {
          Map<String, Object> cell = new LinkedHashMap<>();
          String text = t.rows().get(r).get(c);
          cell.put("text", text == null ? "" : text);
          cell.put("flagged", t.isFlagged(r, c));
          cells.add(cell);
        }
        rows.add(cells);
      }
      m.put("rows", rows);
      m.put("omitted", t.omittedRows() + (t.rows().size() - limit));
      m.put("hasFlags", !t.flagged().isEmpty());
      return m;
    }
    if (e instanceof Evidence.Note n) {
      m.put("kind", "note");
      m.put("text", n.text() == null ? "" : n.text());
      return m;
    }
    m.put("kind", "svg");
    List<String> leftOut = new ArrayList<>();
    Evidence shown = e;
    if (e instanceof Evidence.Chart c) {
      shown = trim(c, leftOut);
      m.put("alt", c.alt());
      chartData(m, c);
    } else if (e instanceof Evidence.Heatmap h) {
      shown = trim(h, leftOut);
      m.put("alt", h.alt() == null ? h.title() : h.alt());
      heatData(m, (Evidence.Heatmap) shown); // the drawn rows and columns: a wider table would not be read
    } else if (e instanceof Evidence.Images im) {
      shown = trim(im, leftOut);
      List<String> captions = new ArrayList<>();
      for (Evidence.Image i : ((Evidence.Images) shown).images()) {
        captions.add(i.caption());
      }
      m.put("alt", im.images().size() + " grey-scale images of " + im.width() + " x " + im.height() + " pixels: " + String.join("; ", captions) + ".");
      m.put("dataColumns", List.of());
      m.put("dataRows", List.of());
      m.put("dataOmitted", 0);
    }
    m.put("svg", SvgCharts.render(shown));
    m.put("leftOut", String.join(" ", leftOut));
    return m;
  }

  static Evidence.Chart trim(Evidence.Chart c, List<String> leftOut) {
    List<Evidence.Series> series = c.series();
    if (series.size() > MAX_SERIES) {
      leftOut.add((series.size() - MAX_SERIES) + " of " + series.size() + " series are not drawn (first " + MAX_SERIES + " shown).");
      series = series.subList(0, MAX_SERIES);
    }
    List<Evidence.Series> out = new ArrayList<>();
    if (c.kind() == Evidence.ChartKind.BAR) {
      Set<String> labels = new LinkedHashSet<>();
      Set<String> outside = new LinkedHashSet<>();
      for (Evidence.Series s : series) {
        for (Evidence.Point p : s.points()) {
          labels.add(p.label());
          if (c.band() != null && Double.isFinite(p.y()) && (p.y() < c.band().lower() || p.y() > c.band().upper())) {
            outside.add(p.label());
          }
        }
      }
      if (labels.size() > MAX_BARS) {
        Set<String> keep = new LinkedHashSet<>();
        for (String l : outside) {
          if (keep.size() < MAX_BARS) {
            keep.add(l);
          }
        }
        for (String l : labels) {
          if (keep.size() < MAX_BARS) {
            keep.add(l);
          }
        }
        leftOut.add((labels.size() - keep.size()) + " of " + labels.size() + " bars are not drawn (those outside the band come first); report.json has them all.");
        for (Evidence.Series s : series) {
          out.add(new Evidence.Series(s.name(), s.points().stream().filter(p -> keep.contains(p.label())).toList()));
        }
      } else {
        out.addAll(series);
      }
    } else {
      int dropped = 0;
      int most = 0;
      for (Evidence.Series s : series) {
        int n = s.points().size();
        most = Math.max(most, n);
        if (n <= MAX_POINTS) {
          out.add(s);
          continue;
        }
        int stride = (int) Math.ceil(n / (double) MAX_POINTS);
        List<Evidence.Point> kept = new ArrayList<>();
        for (int i = 0; i < n; i += stride) {
          kept.add(s.points().get(i));
        }
        if ((n - 1) % stride != 0) {
          kept.add(s.points().get(n - 1));
        }
        dropped += n - kept.size();
        out.add(new Evidence.Series(s.name(), kept));
      }
      if (dropped > 0) {
        leftOut.add(dropped + " points are not drawn: series longer than " + MAX_POINTS + " points are thinned evenly (longest: " + most + " points).");
      }
    }
    return new Evidence.Chart(c.title(), c.kind(), c.xLabel(), c.yLabel(), out, c.band(), c.alt());
  }

  static Evidence.Heatmap trim(Evidence.Heatmap h, List<String> leftOut) {
    int rows = h.rowLabels().size();
    int cols = h.columnLabels().size();
    List<Integer> keepRows = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      keepRows.add(r);
    }
    if (rows > MAX_HEAT_ROWS) {
      // keep the rows with the largest values (the most drifted features), in their original order
      keepRows.sort(Comparator.comparingDouble((Integer r) -> -rowMax(h.values().get(r))));
      keepRows = new ArrayList<>(keepRows.subList(0, MAX_HEAT_ROWS));
      keepRows.sort(Comparator.naturalOrder());
      leftOut.add((rows - MAX_HEAT_ROWS) + " of " + rows + " rows are not drawn (the " + MAX_HEAT_ROWS + " with the largest values are shown).");
    }
    List<Integer> keepCols = new ArrayList<>();
    if (cols > MAX_HEAT_COLUMNS) {
      int stride = (int) Math.ceil(cols / (double) MAX_HEAT_COLUMNS);
      for (int c = 0; c < cols; c += stride) {
        keepCols.add(c);
      }
      leftOut.add((cols - keepCols.size()) + " of " + cols + " columns are not drawn (every " + stride + "th is shown).");
    } else {
      for (int c = 0; c < cols; c++) {
        keepCols.add(c);
      }
    }
    if (keepRows.size() == rows && keepCols.size() == cols) {
      return h;
    }
    List<String> rl = keepRows.stream().map(h.rowLabels()::get).toList();
    List<String> cl = keepCols.stream().map(h.columnLabels()::get).toList();
    List<List<Double>> v = new ArrayList<>();
    for (int r : keepRows) {
      List<Double> row = new ArrayList<>();
      for (int c : keepCols) {
        row.add(h.values().get(r).get(c));
      }
      v.add(row);
    }
    return new Evidence.Heatmap(h.title(), h.rowAxis(), h.columnAxis(), rl, cl, v, h.valueLabel(), h.alt());
  }

  private static double rowMax(List<Double> row) {
    double max = Double.NEGATIVE_INFINITY;
    for (Double d : row) {
      if (d != null && Double.isFinite(d)) {
        max = Math.max(max, d);
      }
    }
    return max;
  }

  static Evidence.Images trim(Evidence.Images im, List<String> leftOut) {
    if (im.images().size() <= MAX_IMAGES) {
      return im;
    }
    leftOut.add((im.images().size() - MAX_IMAGES) + " of " + im.images().size() + " images are not drawn.");
    return new Evidence.Images(im.title(), im.width(), im.height(), im.images().subList(0, MAX_IMAGES));
  }

  private static void chartData(Map<String, Object> m, Evidence.Chart c) {
    boolean bar = c.kind() == Evidence.ChartKind.BAR;
    boolean intervals = c.series().stream().flatMap(s -> s.points().stream()).anyMatch(p -> !Double.isNaN(p.lower()) && !Double.isNaN(p.upper()));
    List<String> cols = new ArrayList<>();
    cols.add("Series");
    cols.add(nonBlank(c.xLabel(), bar ? "Category" : "x"));
    cols.add(nonBlank(c.yLabel(), "Value"));
    if (intervals) {
      cols.add("95% interval");
    }
    if (c.band() != null) {
      cols.add("Inside " + nonBlank(c.band().label(), "the band") + "?");
    }
    List<List<String>> rows = new ArrayList<>();
    int total = 0;
    for (Evidence.Series s : c.series()) {
      for (Evidence.Point p : s.points()) {
        total++;
        if (rows.size() >= HtmlReport.MAX_TABLE_ROWS) {
          continue;
        }
        List<String> row = new ArrayList<>();
        row.add(s.name());
        row.add(p.label() != null ? p.label() : MetricCondition.fmt(p.x()));
        row.add(num(p.y()));
        if (intervals) {
          row.add(!Double.isNaN(p.lower()) && !Double.isNaN(p.upper()) ? num(p.lower()) + " to " + num(p.upper()) : "");
        }
        if (c.band() != null) {
          row.add(!Double.isFinite(p.y()) ? "n/a" : p.y() >= c.band().lower() && p.y() <= c.band().upper() ? "yes" : "NO: outside");
        }
        rows.add(row);
      }
    }
    m.put("dataColumns", cols);
    m.put("dataRows", rows);
    m.put("dataOmitted", total - rows.size());
  }

  private static void heatData(Map<String, Object> m, Evidence.Heatmap h) {
    List<String> cols = new ArrayList<>();
    cols.add(nonBlank(h.rowAxis(), "") + " \\ " + nonBlank(h.columnAxis(), ""));
    cols.addAll(h.columnLabels());
    List<List<String>> rows = new ArrayList<>();
    for (int r = 0; r < Math.min(h.rowLabels().size(), HtmlReport.MAX_TABLE_ROWS); r++) {
      List<String> row = new ArrayList<>();
      row.add(h.rowLabels().get(r));
      for (Double v : h.values().get(r)) {
        row.add(v == null ? "n/a" : num(v));
      }
      rows.add(row);
    }
    m.put("dataColumns", cols);
    m.put("dataRows", rows);
    m.put("dataOmitted", h.rowLabels().size() - rows.size());
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "n/a" : MetricCondition.fmt(v);
  }

  private static String nonBlank(String s, String otherwise) {
    return s == null || s.isBlank() ? otherwise : s;
  }
}

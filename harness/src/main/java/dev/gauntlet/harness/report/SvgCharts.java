package dev.gauntlet.harness.report;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.MetricCondition;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Inline SVG for chart, heat-map and image evidence: no JavaScript, no network, no ids (so any
 * number of charts can share a page). Every chart has a title, a text description, axis labels,
 * and tells series apart by dash pattern and marker shape as well as colour; values outside a
 * chart's band are marked with a cross, heat-map cells print their value when there is room, and
 * a colour scale with numbers explains the shading. Non-finite values are never drawn (they would
 * make the SVG invalid); they are named in the tooltips instead. All text from data is XML-escaped.
 */
public final class SvgCharts {
  /** Series colours; each has at least 3:1 contrast against white (WCAG 1.4.11, non-text contrast). */
  static final String[] COLORS = {"#1f5fa8", "#b3400a", "#2e7d32", "#6a1b9a", "#8d6e00", "#00695c", "#ad1457", "#37474f"};
  private static final String[] DASHES = {"", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4", "12 2"};
  /** Colour of the acceptable band (fill at low opacity, dashed edges). */
  static final String BAND = "#2e7d32";
  /** Darkest heat-map shade (highest value). */
  static final int[] HEAT_HIGH = {0x8b, 0x1a, 0x1a};
  /** Darkest shade for negative values on a diverging heat map. */
  static final int[] HEAT_LOW = {0x1a, 0x3f, 0x8b};
  private static final int W = 640;
  private static final int H = 300;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 16;
  private static final int BOTTOM = 56;
  private static final String OUTSIDE = "✕";
  /** Series with more points than this are drawn as lines with sparse markers and no per-point whiskers. */
  static final int DENSE = 40;

  private SvgCharts() {}

  /** The SVG of a chart, heat map or image strip; the empty string for other evidence. */
  public static String render(Evidence e) {
    if (e instanceof Evidence.Chart c) {
      return c.kind() == Evidence.ChartKind.BAR ? bar(c) : line(c);
    }
    if (e instanceof Evidence.Heatmap h) {
      return heatmap(h);
    }
    if (e instanceof Evidence.Images i) {
      return images(i);
    }
    return "";
  }

  private static String open(String title, String alt, int w, int h) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + w + " " + h + "\" width=\"100%\" role=\"img\" aria-label=\""
        + xml(title) + "\" class=\"chart\" style=\"max-width:" + w + "px\"><title>" + xml(title) + "</title><desc>" + xml(alt) + "</desc>";
  }

  private static boolean hasInterval(Evidence.Point p) {
    return Double.isFinite(p.lower()) && Double.isFinite(p.upper());
  }

  private static boolean outside(Evidence.Chart c, double y) {
    return c.band() != null && Double.isFinite(y) && (y < c.band().lower() || y > c.band().upper());
  }

  private static String line(Evidence.Chart c) {
    double[] xr = range(c, true);
    double[] yr = range(c, false);
    StringBuilder s = new StringBuilder(open(c.title(), c.alt(), W, H + legendHeight(c)));
    bandFill(s, c, yr);
    axes(s, c, xr, yr, null);
    int k = 0;
    boolean anyOutside = false;
    for (Evidence.Series ser : c.series()) {
      String col = COLORS[k % COLORS.length];
      StringBuilder path = new StringBuilder();
      StringBuilder marks = new StringBuilder();
      boolean pen = false;
      // dense series (threshold sweeps) get a marker on every few points, without tooltips, to keep the file small
      int n = ser.points().size();
      boolean dense = n > DENSE;
      int every = dense ? (int) Math.ceil(n / 12.0) : 1;
      for (int i = 0; i < n; i++) {
        Evidence.Point p = ser.points().get(i);
        if (!Double.isFinite(p.x()) || !Double.isFinite(p.y())) {
          pen = false; // a gap in the line where the value is missing
          continue;
        }
        double px = sx(p.x(), xr);
        double py = sy(p.y(), yr);
        path.append(pen ? "L" : "M").append(f(px)).append(' ').append(f(py));
        pen = true;
        if (hasInterval(p) && !dense) {
          whisker(marks, px, sy(p.lower(), yr), sy(p.upper(), yr), col, 3);
        }
        if (i % every == 0) {
          marks.append(marker(k, px, py, col, dense ? null : ser.name() + ": " + label(p) + " -> " + value(p)));
        }
        if (outside(c, p.y()) && (!dense || i % every == 0)) {
          anyOutside = true;
          marks.append("<text x=\"").append(f(px)).append("\" y=\"").append(f(py - 8)).append("\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"700\">")
              .append(OUTSIDE).append("</text>");
        }
      }
      if (path.length() > 0) {
        s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(col).append("\" stroke-width=\"2\"");
        if (!DASHES[k % DASHES.length].isEmpty()) {
          s.append(" stroke-dasharray=\"").append(DASHES[k % DASHES.length]).append('"');
        }
        s.append("/>");
      }
      s.append(marks);
      k++;
    }
    bandEdges(s, c, yr);
    legend(s, c, anyOutside);
    return s.append("</svg>").toString();
  }

  private static String bar(Evidence.Chart c) {
    List<String> labels = new ArrayList<>();
    for (Evidence.Series ser : c.series()) {
      for (Evidence.Point p : ser.points()) {
        if (!labels.contains(p.label())) {
          labels.add(p.label());
        }
      }
    }
    double[] yr = range(c, false);
    yr[0] = Math.min(0, yr[0]);
    yr[1] = Math.max(0, yr[1]);
    int groups = Math.max(1, labels.size());
    double slot = (W - LEFT - RIGHT) / (double) groups;
    int extra = slot < 70 ? 44 : 0; // room for rotated category labels
    StringBuilder s = new StringBuilder(open(c.title(), c.alt(), W, H + extra + legendHeight(c)));
    bandFill(s, c, yr);
    axes(s, c, null, yr, labels);
    int ns = Math.max(1, c.series().size());
    double bw = Math.min(40, slot * 0.8 / ns);
    boolean values = bw >= 26;
    boolean anyOutside = false;
    int k = 0;
    for (Evidence.Series ser : c.series()) {
      String col = COLORS[k % COLORS.length];
      for (Evidence.Point p : ser.points()) {
        int g = labels.indexOf(p.label());
        double x0 = LEFT + g * slot + (slot - bw * ns) / 2 + k * bw;
        double cx = x0 + bw * 0.45;
        String tip = ser.name() + " " + p.label() + ": " + value(p)
            + (hasInterval(p) ? " (95% interval " + MetricCondition.fmt(p.lower()) + " to " + MetricCondition.fmt(p.upper()) + ")" : "");
        if (!Double.isFinite(p.y())) {
          s.append("<text x=\"").append(f(cx)).append("\" y=\"").append(f(sy(0, yr) - 4)).append("\" text-anchor=\"middle\" font-size=\"10\"><title>")
              .append(xml(tip)).append("</title>n/a</text>");
          continue;
        }
        double y0 = sy(Math.max(yr[0], Math.min(p.y(), yr[1])), yr);
        double yz = sy(0, yr);
        double top = Math.min(y0, yz);
        s.append("<rect x=\"").append(f(x0)).append("\" y=\"").append(f(top)).append("\" width=\"").append(f(bw * 0.9))
            .append("\" height=\"").append(f(Math.abs(yz - y0))).append("\" fill=\"").append(col).append("\"");
        if (k % 2 == 1) {
          s.append(" fill-opacity=\"0.55\" stroke=\"").append(col).append("\" stroke-width=\"1.5\"");
        }
        s.append("><title>").append(xml(tip)).append("</title></rect>");
        double labelY = Math.min(top, y0);
        if (hasInterval(p)) {
          double lo = sy(p.lower(), yr);
          double hi = sy(p.upper(), yr);
          whisker(s, cx, lo, hi, "#111", 4);
          labelY = Math.min(labelY, Math.min(lo, hi));
        }
        boolean out = outside(c, p.y());
        anyOutside |= out;
        if (values || out) {
          s.append("<text x=\"").append(f(cx)).append("\" y=\"").append(f(Math.max(TOP + 8, labelY - 4))).append("\" text-anchor=\"middle\" font-size=\"10\"")
              .append(out ? " font-weight=\"700\"" : "").append('>')
              .append(xml((values ? MetricCondition.fmt(p.y()) : "") + (out ? (values ? " " : "") + OUTSIDE : ""))).append("</text>");
        }
      }
      k++;
    }
    bandEdges(s, c, yr);
    legend(s, c, anyOutside, H + extra);
    return s.append("</svg>").toString();
  }

  private static void whisker(StringBuilder s, double cx, double lo, double hi, String col, double cap) {
    s.append("<path d=\"M").append(f(cx)).append(' ').append(f(lo)).append("V").append(f(hi)).append("M").append(f(cx - cap)).append(' ')
        .append(f(lo)).append("h").append(f(2 * cap)).append("M").append(f(cx - cap)).append(' ').append(f(hi)).append("h").append(f(2 * cap))
        .append("\" stroke=\"").append(col).append("\" stroke-width=\"1.5\" fill=\"none\"/>");
  }

  private static double[] bandY(Evidence.Chart c, double[] yr) {
    if (c.band() == null) {
      return null;
    }
    double lo = Math.max(yr[0], c.band().lower());
    double hi = Math.min(yr[1], c.band().upper());
    if (!(hi > lo)) {
      return null;
    }
    return new double[] {sy(hi, yr), sy(lo, yr)};
  }

  private static void bandFill(StringBuilder s, Evidence.Chart c, double[] yr) {
    double[] b = bandY(c, yr);
    if (b != null) {
      s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(f(b[0])).append("\" width=\"").append(W - LEFT - RIGHT)
          .append("\" height=\"").append(f(b[1] - b[0])).append("\" fill=\"").append(BAND).append("\" fill-opacity=\"0.12\"/>");
    }
  }

  /** The band's edges, drawn over the data so bars cannot hide them. */
  private static void bandEdges(StringBuilder s, Evidence.Chart c, double[] yr) {
    if (c.band() == null) {
      return;
    }
    for (double v : new double[] {c.band().lower(), c.band().upper()}) {
      if (Double.isFinite(v) && v >= yr[0] && v <= yr[1]) {
        double y = sy(v, yr);
        s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(W - RIGHT).append("\" y1=\"").append(f(y)).append("\" y2=\"").append(f(y))
            .append("\" stroke=\"").append(BAND).append("\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"><title>")
            .append(xml(c.band().label() + " edge: " + MetricCondition.fmt(v))).append("</title></line>");
      }
    }
  }

  private static void axes(StringBuilder s, Evidence.Chart c, double[] xr, double[] yr, List<String> cats) {
    int x0 = LEFT;
    int x1 = W - RIGHT;
    int y0 = H - BOTTOM; // the plot keeps its height; rotated category labels extend the picture below
    s.append("<g class=\"axis\" font-size=\"11\">");
    for (double t : ticks(yr)) {
      double y = sy(t, yr);
      s.append("<line x1=\"").append(x0).append("\" x2=\"").append(x1).append("\" y1=\"").append(f(y)).append("\" y2=\"").append(f(y))
          .append("\" stroke=\"#d0d0d0\"/><text x=\"").append(x0 - 6).append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"end\">")
          .append(xml(MetricCondition.fmt(t))).append("</text>");
    }
    int axisTitleY = y0 + 38;
    if (xr != null) {
      for (double t : ticks(xr)) {
        double x = sx(t, xr);
        s.append("<line x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"").append(y0).append("\" y2=\"").append(y0 + 4)
            .append("\" stroke=\"#333\"/><text x=\"").append(f(x)).append("\" y=\"").append(y0 + 16).append("\" text-anchor=\"middle\">")
            .append(xml(tickLabel(c, t))).append("</text>");
      }
    } else if (cats != null) {
      double slot = (x1 - x0) / (double) Math.max(1, cats.size());
      boolean rotate = slot < 70;
      int max = rotate ? 16 : Math.max(4, (int) (slot / 6.5));
      for (int i = 0; i < cats.size(); i++) {
        String l = cats.get(i) == null ? "" : cats.get(i);
        if (l.length() > max) {
          l = l.substring(0, max - 1) + "…";
        }
        double x = x0 + slot * (i + 0.5);
        if (rotate) {
          s.append("<text transform=\"translate(").append(f(x + 3)).append(' ').append(y0 + 10).append(") rotate(-40)\" text-anchor=\"end\">");
        } else {
          s.append("<text x=\"").append(f(x)).append("\" y=\"").append(y0 + 16).append("\" text-anchor=\"middle\">");
        }
        s.append("<title>").append(xml(cats.get(i))).append("</title>").append(xml(l)).append("</text>");
      }
      axisTitleY = rotate ? y0 + 82 : axisTitleY;
    }
    s.append("<line x1=\"").append(x0).append("\" x2=\"").append(x1).append("\" y1=\"").append(y0).append("\" y2=\"").append(y0).append("\" stroke=\"#333\"/>");
    s.append("<line x1=\"").append(x0).append("\" x2=\"").append(x0).append("\" y1=\"").append(TOP).append("\" y2=\"").append(y0).append("\" stroke=\"#333\"/>");
    s.append("<text x=\"").append((x0 + x1) / 2).append("\" y=\"").append(axisTitleY).append("\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\">")
        .append(xml(c.xLabel())).append("</text>");
    s.append("<text transform=\"translate(14 ").append((TOP + y0) / 2).append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\">")
        .append(xml(c.yLabel())).append("</text></g>");
  }

  private static String tickLabel(Evidence.Chart c, double t) {
    for (Evidence.Series ser : c.series()) {
      for (Evidence.Point p : ser.points()) {
        if (p.label() != null && !p.label().isBlank() && Math.abs(p.x() - t) < 1e-9) {
          return p.label();
        }
      }
    }
    return MetricCondition.fmt(t);
  }

  private static String label(Evidence.Point p) {
    return p.label() != null ? p.label() : MetricCondition.fmt(p.x());
  }

  private static String value(Evidence.Point p) {
    return Double.isNaN(p.y()) ? "n/a" : MetricCondition.fmt(p.y());
  }

  /** Legend columns: three, or two when series names are long. */
  private static int legendColumns(Evidence.Chart c) {
    int longest = c.series().stream().mapToInt(x -> x.name() == null ? 0 : x.name().length()).max().orElse(0);
    return longest > 24 ? 2 : 3;
  }

  private static int legendHeight(Evidence.Chart c) {
    int cols = legendColumns(c);
    int rows = (c.series().size() > 1 ? (c.series().size() + cols - 1) / cols : 0) + (c.band() != null ? 1 : 0);
    return rows == 0 ? 0 : 8 + 18 * rows;
  }

  private static void legend(StringBuilder s, Evidence.Chart c, boolean anyOutside) {
    legend(s, c, anyOutside, H);
  }

  private static void legend(StringBuilder s, Evidence.Chart c, boolean anyOutside, int top) {
    int item = 0;
    int cols = legendColumns(c);
    int colWidth = (W - LEFT - RIGHT) / cols;
    int chars = (int) ((colWidth - 44) / 6.2);
    if (c.series().size() > 1) {
      for (int k = 0; k < c.series().size(); k++, item++) {
        double x = LEFT + (item % cols) * colWidth;
        double y = top + 12 + (item / cols) * 18;
        String col = COLORS[k % COLORS.length];
        s.append("<line x1=\"").append(f(x)).append("\" x2=\"").append(f(x + 28)).append("\" y1=\"").append(f(y)).append("\" y2=\"").append(f(y))
            .append("\" stroke=\"").append(col).append("\" stroke-width=\"2\"");
        if (!DASHES[k % DASHES.length].isEmpty()) {
          s.append(" stroke-dasharray=\"").append(DASHES[k % DASHES.length]).append('"');
        }
        s.append("/>").append(marker(k, x + 14, y, col, null));
        s.append("<text x=\"").append(f(x + 34)).append("\" y=\"").append(f(y + 4)).append("\" font-size=\"11\">").append(xml(trunc(c.series().get(k).name(), chars)))
            .append("</text>");
      }
    }
    if (c.band() != null) {
      // the band and the cross get a row of their own: band labels are long
      double y = top + 12 + ((item + cols - 1) / cols) * 18;
      String text = trunc(c.band().label() + " " + bandRange(c.band()), 56);
      s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(f(y - 6)).append("\" width=\"28\" height=\"12\" fill=\"").append(BAND)
          .append("\" fill-opacity=\"0.12\" stroke=\"").append(BAND).append("\" stroke-dasharray=\"5 3\"/>");
      s.append("<text x=\"").append(LEFT + 34).append("\" y=\"").append(f(y + 4)).append("\" font-size=\"11\">").append(xml(text)).append("</text>");
      double x = LEFT + 34 + Math.max(150, text.length() * 6.2) + 16;
      s.append("<text x=\"").append(f(x + 6)).append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"700\">")
          .append(OUTSIDE).append("</text><text x=\"").append(f(x + 18)).append("\" y=\"").append(f(y + 4)).append("\" font-size=\"11\">")
          .append(anyOutside ? "outside the band" : "outside the band (none)").append("</text>");
    }
  }

  /** A band's range in words that never show an infinity: [a, b], "at least a" or "at most b". */
  static String bandRange(Evidence.Band b) {
    boolean lo = Double.isFinite(b.lower());
    boolean hi = Double.isFinite(b.upper());
    if (lo && hi) {
      return "[" + MetricCondition.fmt(b.lower()) + ", " + MetricCondition.fmt(b.upper()) + "]";
    }
    return lo ? "(at least " + MetricCondition.fmt(b.lower()) + ")" : hi ? "(at most " + MetricCondition.fmt(b.upper()) + ")" : "(any value)";
  }

  private static String trunc(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() > max ? s.substring(0, max - 1) + "…" : s;
  }

  private static String marker(int k, double x, double y, String col, String tip) {
    String t = tip == null ? "" : "<title>" + xml(tip) + "</title>";
    return switch (k % 4) {
      case 0 -> "<circle cx=\"" + f(x) + "\" cy=\"" + f(y) + "\" r=\"3.5\" fill=\"" + col + "\">" + t + "</circle>";
      case 1 -> "<rect x=\"" + f(x - 3.5) + "\" y=\"" + f(y - 3.5) + "\" width=\"7\" height=\"7\" fill=\"" + col + "\">" + t + "</rect>";
      case 2 -> "<path d=\"M" + f(x) + " " + f(y - 4.5) + "L" + f(x + 4.5) + " " + f(y + 3.5) + "L" + f(x - 4.5) + " " + f(y + 3.5) + "Z\" fill=\"" + col + "\">" + t + "</path>";
      default -> "<path d=\"M" + f(x) + " " + f(y - 4.5) + "L" + f(x + 4.5) + " " + f(y) + "L" + f(x) + " " + f(y + 4.5) + "L" + f(x - 4.5) + " " + f(y) + "Z\" fill=\"white\" stroke=\"" + col + "\" stroke-width=\"1.5\">" + t + "</path>";
    };
  }

  private static Double cellValue(Evidence.Heatmap h, int r, int c) {
    List<Double> row = h.values().size() > r ? h.values().get(r) : List.of();
    Double v = row.size() > c ? row.get(c) : null;
    return v == null || !Double.isFinite(v) ? null : v;
  }

  private static String heatmap(Evidence.Heatmap h) {
    int rows = h.rowLabels().size();
    int cols = h.columnLabels().size();
    int left = 160;
    double min = 0;
    double max = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        Double v = cellValue(h, r, c);
        if (v != null) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    boolean diverging = min < 0;
    double scale = diverging ? Math.max(max, -min) : max;
    int cell = Math.max(12, Math.min(64, (W - left - 20) / Math.max(1, cols)));
    int ch = 22;
    boolean rotate = cell < 44;
    int labelSpace = rotate ? 70 : 22;
    int top = 24;
    boolean printValues = cell >= 32 && rows <= 60;
    int width = Math.max(W, left + cols * cell + 20);
    int gridBottom = top + rows * ch;
    int height = gridBottom + labelSpace + 82;
    StringBuilder s = new StringBuilder(open(h.title(), h.alt() == null ? h.title() : h.alt(), width, height));
    s.append("<g font-size=\"11\">");
    s.append("<text x=\"").append(left - 6).append("\" y=\"").append(top - 8).append("\" text-anchor=\"end\" font-weight=\"600\" font-size=\"12\">")
        .append(xml(trunc(h.rowAxis(), 26))).append("</text>");
    for (int r = 0; r < rows; r++) {
      String l = h.rowLabels().get(r);
      s.append("<text x=\"").append(left - 6).append("\" y=\"").append(top + r * ch + 15).append("\" text-anchor=\"end\"><title>").append(xml(l))
          .append("</title>").append(xml(trunc(l, 24))).append("</text>");
      for (int c = 0; c < cols; c++) {
        Double v = cellValue(h, r, c);
        double t = v == null || scale == 0 ? 0 : Math.min(1, Math.abs(v) / scale);
        String fill = v == null ? "#ffffff" : shade(t, v < 0 ? HEAT_LOW : HEAT_HIGH);
        int x = left + c * cell;
        int y = top + r * ch;
        s.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(cell - 1).append("\" height=\"").append(ch - 1)
            .append("\" fill=\"").append(fill).append("\" stroke=\"#bdbdbd\" stroke-width=\"0.5\"><title>")
            .append(xml(h.rowLabels().get(r) + ", " + h.columnLabels().get(c) + ": " + h.valueLabel() + " " + (v == null ? "n/a" : MetricCondition.fmt(v))))
            .append("</title></rect>");
        if (v == null || printValues) {
          String text = v == null ? (cell >= 20 ? "n/a" : "–") : MetricCondition.fmt(v);
          s.append("<text x=\"").append(x + (cell - 1) / 2.0).append("\" y=\"").append(y + 15).append("\" text-anchor=\"middle\" font-size=\"9\" fill=\"")
              .append(textOn(fill)).append("\">").append(xml(trunc(text, Math.max(1, cell / 5)))).append("</text>");
        }
      }
    }
    int every = Math.max(1, (int) Math.ceil(cols * 16.0 / (cols * cell)));
    for (int c = 0; c < cols; c += every) {
      String l = h.columnLabels().get(c);
      double x = left + c * cell + cell / 2.0;
      if (rotate) {
        s.append("<text transform=\"translate(").append(f(x + 3)).append(' ').append(gridBottom + 10).append(") rotate(-50)\" text-anchor=\"end\">");
      } else {
        s.append("<text x=\"").append(f(x)).append("\" y=\"").append(gridBottom + 14).append("\" text-anchor=\"middle\">");
      }
      s.append("<title>").append(xml(l)).append("</title>").append(xml(trunc(l, rotate ? 12 : Math.max(3, cell / 6)))).append("</text>");
    }
    int axisY = gridBottom + labelSpace + 4;
    s.append("<text x=\"").append(left + cols * cell / 2).append("\" y=\"").append(axisY).append("\" text-anchor=\"middle\" font-weight=\"600\" font-size=\"12\">")
        .append(xml(h.columnAxis())).append("</text>");
    // colour scale with numbers, so shading is never the only way to read a value
    int ly = axisY + 16;
    s.append("<text x=\"").append(left - 6).append("\" y=\"").append(ly + 11).append("\" text-anchor=\"end\">").append(xml(trunc(h.valueLabel(), 24)))
        .append("</text>");
    int steps = 6;
    for (int i = 0; i < steps; i++) {
      double frac = i / (double) (steps - 1);
      double v = diverging ? -scale + 2 * scale * frac : scale * frac;
      String fill = shade(Math.min(1, Math.abs(v) / (scale == 0 ? 1 : scale)), v < 0 ? HEAT_LOW : HEAT_HIGH);
      int x = left + i * 56;
      s.append("<rect x=\"").append(x).append("\" y=\"").append(ly).append("\" width=\"54\" height=\"14\" fill=\"").append(fill)
          .append("\" stroke=\"#bdbdbd\" stroke-width=\"0.5\"/><text x=\"").append(x + 27).append("\" y=\"").append(ly + 26)
          .append("\" text-anchor=\"middle\" font-size=\"10\">").append(xml(MetricCondition.fmt(v))).append("</text>");
    }
    s.append("<text x=\"").append(left).append("\" y=\"").append(ly + 44).append("\">")
        .append(diverging ? "blue below 0, red above" : "darker = higher").append("; white cell with n/a = no value</text>");
    s.append("</g></svg>");
    return s.toString();
  }

  /** Black or white, whichever contrasts more with {@code fill} (at least 4.58:1 for any colour). */
  static String textOn(String fill) {
    double l = luminance(fill);
    return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000000" : "#ffffff";
  }

  /** WCAG relative luminance of a {@code #rrggbb} colour. */
  static double luminance(String hex) {
    double[] c = new double[3];
    for (int i = 0; i < 3; i++) {
      double v = Integer.parseInt(hex.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
      c[i] = v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  /** Mixes white with {@code dark} by {@code t} in [0, 1]. */
  static String shade(double t, int[] dark) {
    int r = (int) Math.round(255 - t * (255 - dark[0]));
    int g = (int) Math.round(255 - t * (255 - dark[1]));
    int b = (int) Math.round(255 - t * (255 - dark[2]));
    return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
  }

  private static String images(Evidence.Images im) {
    int w = Math.max(1, im.width());
    int h = Math.max(1, im.height());
    int scale = Math.max(1, Math.min(8, 112 / Math.max(w, h)));
    int pw = Math.max(w * scale, 180);
    int ph = h * scale;
    int gap = 16;
    int total = Math.max(1, im.images().size()) * (pw + gap);
    int height = ph + 40;
    StringBuilder s = new StringBuilder(open(im.title(), im.title(), total, height));
    for (int k = 0; k < im.images().size(); k++) {
      Evidence.Image img = im.images().get(k);
      int x0 = k * (pw + gap);
      double maxAbs = 1e-12;
      if (img.signed()) {
        for (Double v : img.pixels()) {
          if (v != null && Double.isFinite(v)) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
          }
        }
      }
      s.append("<image x=\"").append(x0).append("\" y=\"0\" width=\"").append(w * scale).append("\" height=\"").append(ph)
          .append("\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,").append(png(img, w, h, maxAbs))
          .append("\"><title>").append(xml(img.caption())).append("</title></image>");
      s.append("<rect x=\"").append(x0).append("\" y=\"0\" width=\"").append(w * scale).append("\" height=\"").append(ph)
          .append("\" fill=\"none\" stroke=\"#767676\"/>");
      s.append("<text x=\"").append(x0).append("\" y=\"").append(ph + 14).append("\" font-size=\"11\">").append(xml(trunc(img.caption(), pw / 6))).append("</text>");
      s.append("<text x=\"").append(x0).append("\" y=\"").append(ph + 28).append("\" font-size=\"10\">")
          .append(xml(img.signed() ? "grey 0, black +" + MetricCondition.fmt(maxAbs) + ", white -" + MetricCondition.fmt(maxAbs) : "white 0, black 1"))
          .append("</text>");
    }
    return s.append("</svg>").toString();
  }

  /** A grey-scale PNG of one image, base64; missing or non-finite pixels are drawn mid-grey. */
  static String png(Evidence.Image img, int w, int h, double maxAbs) {
    BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        Double v = i < img.pixels().size() ? img.pixels().get(i) : null;
        double t = v == null || !Double.isFinite(v) ? 0.5 : img.signed() ? 0.5 + 0.5 * v / maxAbs : Math.max(0, Math.min(1, v));
        int g = (int) Math.round(255 * (1 - t));
        bi.getRaster().setSample(x, y, 0, Math.max(0, Math.min(255, g)));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(bi, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }

  private static double[] range(Evidence.Chart c, boolean x) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Evidence.Series ser : c.series()) {
      for (Evidence.Point p : ser.points()) {
        double[] vs = x ? new double[] {p.x()} : new double[] {p.y(), p.lower(), p.upper()};
        for (double v : vs) {
          if (Double.isFinite(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
    }
    if (!x && c.band() != null) {
      for (double v : new double[] {c.band().lower(), c.band().upper()}) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo == Double.POSITIVE_INFINITY) {
      return new double[] {0, 1};
    }
    if (hi - lo < 1e-12) {
      lo -= 0.5;
      hi += 0.5;
    }
    if (!x) {
      double pad = (hi - lo) * 0.05;
      lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
      hi += pad;
    }
    return new double[] {lo, hi};
  }

  static List<Double> ticks(double[] r) {
    double span = r[1] - r[0];
    double raw = span / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
    List<Double> out = new ArrayList<>();
    for (double t = Math.ceil(r[0] / step) * step; t <= r[1] + 1e-9 * step && out.size() < 50; t += step) {
      out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
    }
    return out;
  }

  private static double sx(double v, double[] r) {
    return LEFT + (v - r[0]) / (r[1] - r[0]) * (W - LEFT - RIGHT);
  }

  private static double sy(double v, double[] r) {
    return (H - BOTTOM) - (v - r[0]) / (r[1] - r[0]) * (H - BOTTOM - TOP);
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Escapes text for XML content and attribute values. */
  public static String xml(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (ch < 0x20 && ch != '\n' && ch != '\t') {
            out.append(' ');
          } else {
            out.append(ch);
          }
        }
      }
    }
    return out.toString();
  }
}

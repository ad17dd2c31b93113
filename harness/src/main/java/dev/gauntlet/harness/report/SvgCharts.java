package dev.gauntlet.harness.report;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.MetricCondition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG for chart, heat-map and image evidence: no JavaScript, no network. Every chart has a
 * title, a text description, axis labels, and series told apart by dash pattern and marker shape as
 * well as colour. All text from data is XML-escaped here.
 */
public final class SvgCharts {
  private static final String[] COLORS = {"#1f5fa8", "#b3400a", "#2e7d32", "#6a1b9a", "#8d6e00", "#00695c", "#ad1457", "#37474f"};
  private static final String[] DASHES = {"", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4", "12 2"};
  private static final int W = 640;
  private static final int H = 300;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 16;
  private static final int BOTTOM = 56;

  private SvgCharts() {}

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
        + xml(title) + "\" class=\"chart\"><title>" + xml(title) + "</title><desc>" + xml(alt) + "</desc>";
  }

  private static String line(Evidence.Chart c) {
    double[] xr = range(c, true);
    double[] yr = range(c, false);
    StringBuilder s = new StringBuilder(open(c.title(), c.alt(), W, H + legendHeight(c)));
    axes(s, c, xr, yr, null);
    band(s, c, yr);
    int k = 0;
    for (Evidence.Series ser : c.series()) {
      String col = COLORS[k % COLORS.length];
      StringBuilder path = new StringBuilder();
      StringBuilder marks = new StringBuilder();
      for (Evidence.Point p : ser.points()) {
        double px = sx(p.x(), xr);
        double py = sy(p.y(), yr);
        path.append(path.length() == 0 ? "M" : "L").append(f(px)).append(' ').append(f(py));
        if (!Double.isNaN(p.lower()) && !Double.isNaN(p.upper())) {
          marks.append("<line x1=\"").append(f(px)).append("\" x2=\"").append(f(px)).append("\" y1=\"").append(f(sy(p.lower(), yr)))
              .append("\" y2=\"").append(f(sy(p.upper(), yr))).append("\" stroke=\"").append(col).append("\" stroke-width=\"1\"/>");
        }
        marks.append(marker(k, px, py, col, ser.name() + ": " + label(p) + " -> " + MetricCondition.fmt(p.y())));
      }
      s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(col).append("\" stroke-width=\"2\"");
      if (!DASHES[k % DASHES.length].isEmpty()) {
        s.append(" stroke-dasharray=\"").append(DASHES[k % DASHES.length]).append('"');
      }
      s.append("/>").append(marks);
      k++;
    }
    legend(s, c);
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
    StringBuilder s = new StringBuilder(open(c.title(), c.alt(), W, H + legendHeight(c)));
    axes(s, c, null, yr, labels);
    band(s, c, yr);
    int groups = Math.max(1, labels.size());
    double slot = (W - LEFT - RIGHT) / (double) groups;
    int ns = Math.max(1, c.series().size());
    double bw = Math.min(40, slot * 0.8 / ns);
    int k = 0;
    for (Evidence.Series ser : c.series()) {
      String col = COLORS[k % COLORS.length];
      for (Evidence.Point p : ser.points()) {
        int g = labels.indexOf(p.label());
        double x0 = LEFT + g * slot + (slot - bw * ns) / 2 + k * bw;
        double y0 = sy(Math.max(0, Math.min(p.y(), yr[1])), yr);
        double yz = sy(Math.max(yr[0], Math.min(0, p.y())), yr);
        double top = Math.min(y0, yz);
        s.append("<rect x=\"").append(f(x0)).append("\" y=\"").append(f(top)).append("\" width=\"").append(f(bw * 0.9))
            .append("\" height=\"").append(f(Math.abs(yz - y0))).append("\" fill=\"").append(col).append("\"");
        if (k % 2 == 1) {
          s.append(" fill-opacity=\"0.6\" stroke=\"").append(col).append('"');
        }
        s.append("><title>").append(xml(ser.name() + " " + p.label() + ": " + MetricCondition.fmt(p.y())
            + (Double.isNaN(p.lower()) ? "" : " (" + MetricCondition.fmt(p.lower()) + " to " + MetricCondition.fmt(p.upper()) + ")")))
            .append("</title></rect>");
        if (!Double.isNaN(p.lower()) && !Double.isNaN(p.upper())) {
          double cx = x0 + bw * 0.45;
          double lo = sy(p.lower(), yr);
          double hi = sy(p.upper(), yr);
          s.append("<path d=\"M").append(f(cx)).append(' ').append(f(lo)).append("V").append(f(hi)).append("M").append(f(cx - 4)).append(' ')
              .append(f(lo)).append("h8M").append(f(cx - 4)).append(' ').append(f(hi)).append("h8\" stroke=\"#111\" stroke-width=\"1.5\" fill=\"none\"/>");
        }
      }
      k++;
    }
    legend(s, c);
    return s.append("</svg>").toString();
  }

  private static void band(StringBuilder s, Evidence.Chart c, double[] yr) {
    if (c.band() == null) {
      return;
    }
    double lo = Math.max(yr[0], c.band().lower());
    double hi = Math.min(yr[1], c.band().upper());
    if (hi <= lo) {
      return;
    }
    s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(f(sy(hi, yr))).append("\" width=\"").append(W - LEFT - RIGHT)
        .append("\" height=\"").append(f(sy(lo, yr) - sy(hi, yr))).append("\" fill=\"#2e7d32\" fill-opacity=\"0.10\" stroke=\"#2e7d32\" stroke-dasharray=\"4 3\"/>");
    s.append("<text x=\"").append(W - RIGHT - 4).append("\" y=\"").append(f(sy(hi, yr) + 12)).append("\" text-anchor=\"end\" class=\"band\">")
        .append(xml(c.band().label())).append("</text>");
  }

  private static void axes(StringBuilder s, Evidence.Chart c, double[] xr, double[] yr, List<String> cats) {
    int x0 = LEFT;
    int x1 = W - RIGHT;
    int y0 = H - BOTTOM;
    s.append("<g class=\"axis\" font-size=\"11\">");
    for (double t : ticks(yr)) {
      double y = sy(t, yr);
      s.append("<line x1=\"").append(x0).append("\" x2=\"").append(x1).append("\" y1=\"").append(f(y)).append("\" y2=\"").append(f(y))
          .append("\" stroke=\"#ddd\"/><text x=\"").append(x0 - 6).append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"end\">")
          .append(xml(MetricCondition.fmt(t))).append("</text>");
    }
    if (xr != null) {
      for (double t : ticks(xr)) {
        double x = sx(t, xr);
        s.append("<line x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"").append(y0).append("\" y2=\"").append(y0 + 4)
            .append("\" stroke=\"#333\"/><text x=\"").append(f(x)).append("\" y=\"").append(y0 + 16).append("\" text-anchor=\"middle\">")
            .append(xml(tickLabel(c, t))).append("</text>");
      }
    } else if (cats != null) {
      double slot = (x1 - x0) / (double) Math.max(1, cats.size());
      for (int i = 0; i < cats.size(); i++) {
        String l = cats.get(i);
        if (l.length() > 18) {
          l = l.substring(0, 17) + "…";
        }
        s.append("<text x=\"").append(f(x0 + slot * (i + 0.5))).append("\" y=\"").append(y0 + 16).append("\" text-anchor=\"middle\">")
            .append(xml(l)).append("</text>");
      }
    }
    s.append("<line x1=\"").append(x0).append("\" x2=\"").append(x1).append("\" y1=\"").append(y0).append("\" y2=\"").append(y0).append("\" stroke=\"#333\"/>");
    s.append("<line x1=\"").append(x0).append("\" x2=\"").append(x0).append("\" y1=\"").append(TOP).append("\" y2=\"").append(y0).append("\" stroke=\"#333\"/>");
    s.append("<text x=\"").append((x0 + x1) / 2).append("\" y=\"").append(y0 + 36).append("\" text-anchor=\"middle\" font-size=\"12\">")
        .append(xml(c.xLabel())).append("</text>");
    s.append("<text transform=\"translate(14 ").append((TOP + y0) / 2).append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">")
        .append(xml(c.yLabel())).append("</text></g>");
  }

  private static String tickLabel(Evidence.Chart c, double t) {
    for (Evidence.Series ser : c.series()) {
      for (Evidence.Point p : ser.points()) {
        if (p.label() != null && Math.abs(p.x() - t) < 1e-9) {
          return p.label();
        }
      }
    }
    return MetricCondition.fmt(t);
  }

  private static String label(Evidence.Point p) {
    return p.label() != null ? p.label() : MetricCondition.fmt(p.x());
  }

  private static int legendHeight(Evidence.Chart c) {
    return c.series().size() > 1 ? 18 * ((c.series().size() + 2) / 3) : 0;
  }

  private static void legend(StringBuilder s, Evidence.Chart c) {
    if (c.series().size() < 2) {
      return;
    }
    for (int k = 0; k < c.series().size(); k++) {
      double x = LEFT + (k % 3) * 190;
      double y = H + 4 + (k / 3) * 18;
      String col = COLORS[k % COLORS.length];
      s.append("<line x1=\"").append(f(x)).append("\" x2=\"").append(f(x + 28)).append("\" y1=\"").append(f(y)).append("\" y2=\"").append(f(y))
          .append("\" stroke=\"").append(col).append("\" stroke-width=\"2\"");
      if (!DASHES[k % DASHES.length].isEmpty()) {
        s.append(" stroke-dasharray=\"").append(DASHES[k % DASHES.length]).append('"');
      }
      s.append("/>").append(marker(k, x + 14, y, col, null));
      s.append("<text x=\"").append(f(x + 34)).append("\" y=\"").append(f(y + 4)).append("\" font-size=\"11\">").append(xml(c.series().get(k).name())).append("</text>");
    }
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

  private static String heatmap(Evidence.Heatmap h) {
    int rows = h.rowLabels().size();
    int cols = h.columnLabels().size();
    int left = 150;
    int top = 20;
    int cell = Math.max(14, Math.min(40, (W - left - 20) / Math.max(1, cols)));
    int ch = 20;
    int height = top + rows * ch + 70;
    double max = 0;
    for (List<Double> r : h.values()) {
      for (Double v : r) {
        if (v != null && !v.isNaN()) {
          max = Math.max(max, v);
        }
      }
    }
    StringBuilder s = new StringBuilder(open(h.title(), h.alt(), Math.max(W, left + cols * cell + 20), height));
    s.append("<g font-size=\"11\">");
    for (int r = 0; r < rows; r++) {
      String l = h.rowLabels().get(r);
      s.append("<text x=\"").append(left - 6).append("\" y=\"").append(top + r * ch + 14).append("\" text-anchor=\"end\">")
          .append(xml(l.length() > 22 ? l.substring(0, 21) + "…" : l)).append("</text>");
      for (int c = 0; c < cols; c++) {
        Double v = h.values().get(r).get(c);
        double t = v == null || v.isNaN() || max == 0 ? 0 : Math.min(1, v / max);
        String fill = v == null || v.isNaN() ? "#eee" : shade(t);
        s.append("<rect x=\"").append(left + c * cell).append("\" y=\"").append(top + r * ch).append("\" width=\"").append(cell - 1)
            .append("\" height=\"").append(ch - 1).append("\" fill=\"").append(fill).append("\"><title>")
            .append(xml(h.rowLabels().get(r) + ", " + h.columnLabels().get(c) + ": " + h.valueLabel() + " " + (v == null ? "n/a" : MetricCondition.fmt(v))))
            .append("</title></rect>");
      }
    }
    int every = Math.max(1, (int) Math.ceil(cols * 40.0 / (W - left)));
    for (int c = 0; c < cols; c += every) {
      s.append("<text x=\"").append(left + c * cell + cell / 2).append("\" y=\"").append(top + rows * ch + 14)
          .append("\" text-anchor=\"middle\">").append(xml(h.columnLabels().get(c))).append("</text>");
    }
    s.append("<text x=\"").append(left).append("\" y=\"").append(top + rows * ch + 34).append("\">")
        .append(xml(h.columnAxis() + "; darker = higher " + h.valueLabel() + " (max " + MetricCondition.fmt(max) + ")")).append("</text>");
    s.append("</g></svg>");
    return s.toString();
  }

  private static String shade(double t) {
    int r = (int) Math.round(255 - t * (255 - 0x8b));
    int g = (int) Math.round(255 - t * (255 - 0x1a));
    int b = (int) Math.round(255 - t * (255 - 0x1a));
    return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
  }

  private static String images(Evidence.Images im) {
    int scale = Math.max(2, 96 / Math.max(im.width(), im.height()));
    int pw = im.width() * scale;
    int gap = 16;
    int w = im.images().size() * (pw + gap);
    int h = im.height() * scale + 24;
    StringBuilder s = new StringBuilder(open(im.title(), im.title(), Math.max(w, 10), h));
    for (int k = 0; k < im.images().size(); k++) {
      Evidence.Image img = im.images().get(k);
      int x0 = k * (pw + gap);
      double maxAbs = 1e-12;
      if (img.signed()) {
        for (double v : img.pixels()) {
          maxAbs = Math.max(maxAbs, Math.abs(v));
        }
      }
      for (int y = 0; y < im.height(); y++) {
        for (int x = 0; x < im.width(); x++) {
          double v = img.pixels().get(y * im.width() + x);
          double t = img.signed() ? 0.5 + 0.5 * v / maxAbs : Math.max(0, Math.min(1, v));
          int g = (int) Math.round(255 * (1 - t));
          s.append("<rect x=\"").append(x0 + x * scale).append("\" y=\"").append(y * scale).append("\" width=\"").append(scale)
              .append("\" height=\"").append(scale).append("\" fill=\"").append(String.format(Locale.ROOT, "#%02x%02x%02x", g, g, g)).append("\"/>");
        }
      }
      s.append("<text x=\"").append(x0).append("\" y=\"").append(h - 6).append("\" font-size=\"11\">").append(xml(img.caption())).append("</text>");
    }
    return s.append("</svg>").toString();
  }

  private static double[] range(Evidence.Chart c, boolean x) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Evidence.Series ser : c.series()) {
      for (Evidence.Point p : ser.points()) {
        double[] vs = x ? new double[] {p.x()} : new double[] {p.y(), p.lower(), p.upper()};
        for (double v : vs) {
          if (!Double.isNaN(v) && !Double.isInfinite(v)) {
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

  private static List<Double> ticks(double[] r) {
    double span = r[1] - r[0];
    double raw = span / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
    List<Double> out = new ArrayList<>();
    for (double t = Math.ceil(r[0] / step) * step; t <= r[1] + 1e-9 * step; t += step) {
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

package dev.gauntlet.harness.report;

import static dev.gauntlet.harness.report.Xhtml.all;
import static dev.gauntlet.harness.report.Xhtml.one;
import static dev.gauntlet.harness.report.Xhtml.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.Evidence;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Every evidence kind as SVG: well formed, labelled, honest geometry, nothing drawn from NaN. */
class SvgChartsTest {

  private static Document svg(Evidence e) {
    String s = SvgCharts.render(e);
    assertFalse(s.contains("NaN") || s.contains("Infinity"), "non-finite numbers leak into the SVG");
    Document d = Xhtml.parse(s);
    assertEquals("http://www.w3.org/2000/svg", d.getDocumentElement().getNamespaceURI());
    assertEquals("img", d.getDocumentElement().getAttribute("role"));
    assertEquals(e.title(), text(one(d, "/*/*[local-name()='title']")));
    assertFalse(text(one(d, "/*/*[local-name()='desc']")).isBlank());
    return d;
  }

  private static List<String> texts(Document d) {
    return all(d, "//*[local-name()='text']").stream().map(Xhtml::text).toList();
  }

  @Test
  void robustnessCurveHasAxisLabelsOneLinePerSeriesAndBreaksAtMissingPoints() {
    Document d = svg(ReportFixtures.robustnessCurve());
    List<String> t = texts(d);
    assertTrue(t.contains("epsilon (L-inf, encoded units)") && t.contains("robust accuracy (fraction)"), t.toString());
    assertTrue(t.contains("candidate") && t.contains("baseline"), "a legend names both series");
    List<Element> lines = all(d, "//*[local-name()='path'][@fill='none'][@stroke-width='2']");
    assertEquals(2, lines.size());
    // the candidate's NaN at 0.15 splits its line into two pieces; the baseline's infinite point just ends it
    assertEquals(2, count(lines.get(0).getAttribute("d"), 'M'));
    assertEquals(1, count(lines.get(1).getAttribute("d"), 'M'));
    assertEquals(3, count(lines.get(1).getAttribute("d"), 'L'), "four finite baseline points");
    // series differ by dash pattern, not only colour
    assertFalse(lines.get(0).hasAttribute("stroke-dasharray"));
    assertTrue(lines.get(1).hasAttribute("stroke-dasharray"));
    assertFalse(lines.get(0).getAttribute("stroke").equals(lines.get(1).getAttribute("stroke")));
    // points outside the band [0.7, 1]: candidate 0.61 and 0.40, baseline 0.66; plus the legend's cross
    assertEquals(4, t.stream().filter(s -> s.equals("✕")).count());
  }

  @Test
  void sliceBarsHaveWhiskersABandAndMarkTheSlicesOutsideIt() {
    Document d = svg(ReportFixtures.sliceBars());
    List<Element> bars = all(d, "//*[local-name()='rect'][*[local-name()='title']]");
    assertEquals(6, bars.size(), "one bar per slice");
    List<Element> whiskers = all(d, "//*[local-name()='path'][@stroke='#111']");
    assertEquals(5, whiskers.size(), "a whisker for each slice with an interval");
    List<Element> edges = all(d, "//*[local-name()='line'][@stroke-dasharray='5 3']");
    assertEquals(2, edges.size(), "the band's two edges are drawn over the bars");
    double yLow = Double.parseDouble(edges.get(0).getAttribute("y1"));  // 0.8
    double yHigh = Double.parseDouble(edges.get(1).getAttribute("y1")); // 1.25
    assertTrue(yHigh < yLow, "SVG y grows downwards");
    Map<String, Double> expected = Map.of("sex=F", 0.62, "sex=M", 1.0, "region=north", 0.95, "region=south", 1.31, "region=east", 0.91);
    for (Element bar : bars) {
      String tip = text(one(bar, "*[local-name()='title']"));
      double top = Double.parseDouble(bar.getAttribute("y"));
      for (Map.Entry<String, Double> e : expected.entrySet()) {
        if (tip.startsWith("candidate " + e.getKey() + ":")) {
          boolean below = e.getValue() < 0.8;
          boolean above = e.getValue() > 1.25;
          assertTrue(below ? top > yLow : above ? top < yHigh : top <= yLow && top >= yHigh, e.getKey() + " bar top " + top + " vs band " + yHigh + ".." + yLow);
        }
      }
    }
    List<String> t = texts(d);
    assertEquals(List.of("0.62 ✕", "1.31 ✕"), t.stream().filter(s -> s.contains("✕") && !s.equals("✕")).toList(), "values outside the band are marked");
    assertTrue(t.contains("four-fifths band [0.8, 1.25]"), "the legend states the band: " + t);
    assertTrue(t.contains("selection-rate ratio (to reference)") && t.contains("slice"));
    // the hostile label is text, cut to fit, and whole in its tooltip
    assertTrue(all(d, "//*[local-name()='text']/*[local-name()='title']").stream().anyMatch(e -> text(e).equals(Xhtml.text(docOf(ReportFixtures.HOSTILE)))));
  }

  private static org.w3c.dom.Node docOf(String s) {
    return Xhtml.parse("<x>" + SvgCharts.xml(s) + "</x>").getDocumentElement();
  }

  @Test
  void manyBarsRotateTheirLabels() {
    List<Evidence.Point> pts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      pts.add(Evidence.Point.bar("region=" + i, 0.5 + i / 40.0, Double.NaN, Double.NaN));
    }
    Document d = svg(new Evidence.Chart("Many slices", Evidence.ChartKind.BAR, "slice", "rate", List.of(new Evidence.Series("c", pts)), null, "alt"));
    assertEquals(20, all(d, "//*[local-name()='text'][starts-with(@transform,'translate')][contains(@transform,'rotate(-40)')]").size());
  }

  @Test
  void decayOverTimeLabelsTheTimeAxisWithPointLabels() {
    Document d = svg(ReportFixtures.decay());
    List<String> t = texts(d);
    assertTrue(t.contains("2024-01") && t.contains("2024-11"), t.toString());
    assertTrue(t.contains("month of application") && t.contains("accuracy (fraction)"));
    assertEquals(12, all(d, "//*[local-name()='circle']").size(), "a marker per month");
    assertEquals(12, all(d, "//*[local-name()='path'][@stroke-width='1.5'][@fill='none']").size(), "a whisker per month");
  }

  @Test
  void driftHeatMapPrintsValuesReadablyWithAScale() {
    Document d = svg(ReportFixtures.driftMap());
    List<String> t = texts(d);
    assertTrue(t.contains("0.22"), "income in 2024-12 printed in its cell");
    assertTrue(t.contains("n/a"), "the missing cell says so");
    assertTrue(t.contains("feature") && t.contains("month") && t.contains("PSI"), "axis and value labels");
    assertTrue(t.contains("0") && t.stream().anyMatch(s -> s.startsWith("darker = higher")), "a colour scale with numbers");
    List<Element> cells = all(d, "//*[local-name()='rect'][*[local-name()='title']]");
    assertEquals(60, cells.size());
    // every value printed on a cell has WCAG AA contrast against that cell (computed here, independently)
    List<Element> cellTexts = all(d, "//*[local-name()='text'][@font-size='9']");
    assertEquals(60, cellTexts.size());
    for (int i = 0; i < cells.size(); i++) {
      double ratio = Wcag.contrast(cells.get(i).getAttribute("fill"), cellTexts.get(i).getAttribute("fill"));
      assertTrue(ratio >= 4.5, "cell " + i + " text contrast " + ratio);
    }
    // darker means higher: income's cells darken month by month
    double previous = 2;
    for (int m = 0; m < 12; m++) {
      double l = Wcag.luminance(cells.get(m).getAttribute("fill"));
      assertTrue(l < previous || m == 0, "month " + m);
      previous = l;
    }
  }

  @Test
  void divergingHeatMapUsesTwoHues() {
    Evidence.Heatmap h = new Evidence.Heatmap("Change", "feature", "window", List.of("a"), List.of("w1", "w2", "w3"),
        List.of(List.of(-0.5, 0.0, 0.5)), "delta", "alt");
    Document d = svg(h);
    List<Element> cells = all(d, "//*[local-name()='rect'][*[local-name()='title']]");
    String neg = cells.get(0).getAttribute("fill");
    String pos = cells.get(2).getAttribute("fill");
    assertTrue(Integer.parseInt(neg.substring(5, 7), 16) > Integer.parseInt(neg.substring(1, 3), 16), "negative is blue: " + neg);
    assertTrue(Integer.parseInt(pos.substring(1, 3), 16) > Integer.parseInt(pos.substring(5, 7), 16), "positive is red: " + pos);
    assertEquals("#ffffff", cells.get(1).getAttribute("fill"));
    assertTrue(texts(d).stream().anyMatch(s -> s.startsWith("blue below 0, red above")));
  }

  @Test
  void imagesAreInlinePngsWithTheRightPixels() throws Exception {
    Document d = svg(ReportFixtures.images());
    List<Element> imgs = all(d, "//*[local-name()='image']");
    assertEquals(3, imgs.size());
    BufferedImage original = png(imgs.get(0));
    BufferedImage delta = png(imgs.get(1));
    assertEquals(8, original.getWidth());
    assertEquals(8, original.getHeight());
    // original: 1.0 at every 9th pixel (the diagonal) is black, 0.0 is white
    assertEquals(0, original.getRaster().getSample(0, 0, 0));
    assertEquals(255, original.getRaster().getSample(1, 0, 0));
    assertEquals(0, original.getRaster().getSample(1, 1, 0));
    // signed perturbation: +0.1 (even index) is black, -0.1 (odd) white
    assertEquals(0, delta.getRaster().getSample(0, 0, 0));
    assertEquals(255, delta.getRaster().getSample(1, 0, 0));
    List<String> t = texts(d);
    assertTrue(t.contains("original: class 3") && t.contains("grey 0, black +0.1, white -0.1"), t.toString());
  }

  private static BufferedImage png(Element image) throws Exception {
    String href = image.getAttribute("href");
    assertTrue(href.startsWith("data:image/png;base64,"));
    return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(href.substring("data:image/png;base64,".length()))));
  }

  @Test
  void degenerateEvidenceStillGivesValidSvg() {
    svg(new Evidence.Chart("Empty", Evidence.ChartKind.LINE, "x", "y", List.of(), null, "nothing"));
    svg(new Evidence.Chart("Flat", Evidence.ChartKind.BAR, "x", "y", List.of(new Evidence.Series("s", List.of(Evidence.Point.bar("a", Double.NaN, Double.NaN, Double.NaN)))),
        new Evidence.Band("b", Double.NEGATIVE_INFINITY, 1), "nothing"));
    svg(new Evidence.Chart("All missing", Evidence.ChartKind.LINE, "x", "y",
        List.of(new Evidence.Series("s", List.of(Evidence.Point.of(Double.NaN, 1), Evidence.Point.of(1, Double.NaN)))), null, "nothing"));
    Document ragged = svg(new Evidence.Heatmap("Ragged", "r", "c", List.of("a", "b"), List.of("x", "y"), List.of(List.of(1.0)), "v", "alt"));
    assertEquals(4, all(ragged, "//*[local-name()='rect'][*[local-name()='title']]").size(), "missing cells are drawn as n/a");
    svg(new Evidence.Images("No pixels", 2, 2, List.of(new Evidence.Image("short", List.of(1.0), false))));
  }

  private static int count(String s, char c) {
    Matcher m = Pattern.compile(Pattern.quote(String.valueOf(c))).matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}

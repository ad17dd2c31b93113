package dev.gauntlet.harness.report;

import static dev.gauntlet.harness.report.Xhtml.all;
import static dev.gauntlet.harness.report.Xhtml.el;
import static dev.gauntlet.harness.report.Xhtml.one;
import static dev.gauntlet.harness.report.Xhtml.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Finding;
import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.SuiteResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** A large audit gives a small report that says how much it left out (numbers worked out by hand). */
class ReportLimitsTest {

  static CheckResult huge() {
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      rows.add(List.of("row " + i, Integer.toString(i)));
    }
    List<Finding> findings = new ArrayList<>();
    List<Measurement> ms = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Outcome o = i == 1_999 ? Outcome.FAIL : Outcome.PASS;
      findings.add(Finding.of("rate within [0.8, 1.25]", dev.gauntlet.harness.metric.MetricId.of("rate", dev.gauntlet.harness.metric.Subject.slice("slice", "" + i)), o, "Rate for slice=" + i + " is judged " + o + ".", 1.0, Double.NaN));
      ms.add(Measurement.of("rate", dev.gauntlet.harness.metric.Subject.slice("slice", "" + i), 1.0, ReportFixtures.wilson(0.9, 1.1), 100));
    }
    List<Evidence.Point> bars = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      bars.add(Evidence.Point.bar("slice=" + i, i == 450 ? 0.5 : 1.0, 0.9, 1.1));
    }
    List<Evidence.Point> line = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      line.add(Evidence.Point.of(i, Math.sin(i / 100.0)));
    }
    List<String> features = new ArrayList<>();
    List<String> windows = new ArrayList<>();
    List<List<Double>> values = new ArrayList<>();
    for (int c = 0; c < 200; c++) {
      windows.add("w" + c);
    }
    for (int r = 0; r < 300; r++) {
      features.add("f" + r);
      List<Double> row = new ArrayList<>();
      for (int c = 0; c < 200; c++) {
        row.add(r == 299 ? 5.0 : 0.01);
      }
      values.add(row);
    }
    List<Evidence.Image> images = new ArrayList<>();
    for (int k = 0; k < 50; k++) {
      images.add(new Evidence.Image("image " + k, java.util.Collections.nCopies(28 * 28, 0.5), false));
    }
    List<Evidence.Series> manySeries = new ArrayList<>();
    for (int s = 0; s < 12; s++) {
      manySeries.add(new Evidence.Series("series " + s, List.of(Evidence.Point.of(0, s), Evidence.Point.of(1, s))));
    }
    List<Evidence> evidence = List.of(
        new Evidence.Table("Big table", List.of("name", "value"), rows, 5_000, List.of()),
        new Evidence.Chart("Many bars", Evidence.ChartKind.BAR, "slice", "rate", List.of(new Evidence.Series("c", bars)), new Evidence.Band("band", 0.8, 1.25), "500 slices"),
        new Evidence.Chart("Long line", Evidence.ChartKind.LINE, "step", "value", List.of(new Evidence.Series("c", line)), null, "a sine"),
        new Evidence.Chart("Many series", Evidence.ChartKind.LINE, "x", "y", manySeries, null, "12 flat lines"),
        new Evidence.Heatmap("Big heat map", "feature", "window", features, windows, values, "psi", "one feature drifts"),
        new Evidence.Images("Many images", 28, 28, images));
    return new CheckResult("huge", "Huge check", Trial.FAIRNESS, "A check with far too much evidence.", true, Outcome.FAIL, "", List.of("rate within [0.8, 1.25]"),
        findings, ms, List.of(), evidence, null, null, 1);
  }

  @Test
  void aHugeCheckStaysSmallAndCountsWhatItLeftOut() {
    List<CheckResult> cs = new ArrayList<>();
    cs.add(huge());
    SuiteResult r = SuiteResult.decided(SuiteResult.SCHEMA_VERSION, "big", Gate.standard(), cs, ReportFixtures.provenance(false, null));
    ReportSchema.assertValid(JsonReport.render(r));
    String html = HtmlReport.render(r);
    int bytes = html.getBytes(StandardCharsets.UTF_8).length;
    assertTrue(bytes < 600_000, "report.html is " + bytes + " bytes");
    Document d = Xhtml.parse(html);
    Element art = one(d, "//" + el("article") + "[@id='check-huge']");
    String t = text(art);
    // judgements: 2000, 50 shown, the one FAIL first
    assertEquals(50, all(art, ".//" + el("table") + "[@class='findings']/" + el("tbody") + "/" + el("tr")).size());
    assertEquals("FAIL", text(one(art, ".//" + el("table") + "[@class='findings']/" + el("tbody") + "/" + el("tr") + "[1]/" + el("td") + "[1]")));
    assertTrue(t.contains("1950 more judgements"), "2000 - 50");
    assertTrue(t.contains("1950 more measurements are not shown"), "2000 - 50");
    // the table: 10000 given + 5000 the check already left out; 50 shown
    assertTrue(t.contains("14950 more rows are not shown"), "10000 - 50 + 5000");
    // bars: 500, 40 drawn, the one outside the band among them
    assertTrue(t.contains("460 of 500 bars are not drawn"), "500 - 40");
    Element bars = one(art, ".//" + el("figure") + "[" + el("figcaption") + "='Many bars']");
    List<String> barTips = all(bars, ".//*[local-name()='rect']/*[local-name()='title']").stream().map(Xhtml::text).toList();
    assertEquals(40, barTips.size());
    assertTrue(barTips.stream().anyMatch(s -> s.startsWith("c slice=450: 0.5")), "the slice outside the band is drawn");
    assertTrue(text(bars).contains("450 more rows are not shown"), "the data table covers all 500 bars, not only those drawn: 500 - 50 rows");
    // line: 10000 points thinned to every 34th (ceil(10000/300) = 34): indices 0..9996 are 295 points, plus the last, 296
    assertTrue(t.contains("9704 points are not drawn"), "10000 - 296");
    assertTrue(t.contains("4 of 12 series are not drawn"));
    assertTrue(t.contains("260 of 300 rows are not drawn"));
    assertTrue(t.contains("160 of 200 columns are not drawn (every 5th is shown)"), "stride ceil(200/48) = 5 keeps 40 columns");
    assertTrue(t.contains("42 of 50 images are not drawn"));
    Element heat = one(art, ".//" + el("figure") + "[" + el("figcaption") + "='Big heat map']");
    assertTrue(all(heat, ".//*[local-name()='text']/*[local-name()='title']").stream().anyMatch(e -> text(e).equals("f299")),
        "the drifting feature is among the rows drawn");
  }

  @Test
  void theMarkdownSummaryListsFailuresFirstAndCountsTheRest() {
    List<CheckResult> cs = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      Outcome o = i % 6 == 5 ? Outcome.FAIL : Outcome.PASS; // 20 failures: i = 5, 11, ..., 119
      cs.add(new CheckResult("c" + i, "Check " + i, Trial.DRIFT, "d", true, o, "", List.of("x <= 1"),
          List.of(Finding.of("x <= 1", null, o, "X is judged " + o + ".", 1, Double.NaN)), List.of(), List.of(), List.of(), null, null, 1));
    }
    SuiteResult r = SuiteResult.decided(SuiteResult.SCHEMA_VERSION, "many", Gate.standard(), cs, ReportFixtures.provenance(false, null));
    ReportSchema.assertValid(JsonReport.render(r));
    String md = MarkdownSummary.render(r);
    List<String> rows = md.lines().filter(l -> l.startsWith("| Check ")).toList();
    assertEquals(50, rows.size());
    assertEquals(20, rows.stream().filter(l -> l.contains("**FAIL**")).count(), "every failing check is listed");
    assertTrue(rows.get(0).startsWith("| Check 0 `c0`"), "rows keep the suite's order");
    assertTrue(md.contains("70 more checks are not listed (70 of them passed)"), "120 - 50, all passing");
    assertEquals(20, md.lines().filter(l -> l.startsWith("- Check ")).count(), "one reason per failing check");
  }
}

package dev.gauntlet.harness.report;

import static dev.gauntlet.harness.report.Xhtml.all;
import static dev.gauntlet.harness.report.Xhtml.el;
import static dev.gauntlet.harness.report.Xhtml.one;
import static dev.gauntlet.harness.report.Xhtml.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.SuiteResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;

/** The HTML report's structure, content and safety, on synthetic results covering every evidence kind. */
class HtmlReportTest {
  private static final SuiteResult RICH = ReportFixtures.rich(Gate.standard());
  private static final String HTML = HtmlReport.render(RICH);
  private static final Document DOC = Xhtml.parse(HTML);

  @Test
  void isWellFormedXhtmlInTheXhtmlNamespace() {
    assertTrue(HTML.startsWith("<!DOCTYPE html>"), "the doctype comes first");
    assertEquals("http://www.w3.org/1999/xhtml", DOC.getDocumentElement().getNamespaceURI());
    assertEquals("en", DOC.getDocumentElement().getAttribute("lang"));
    Xhtml.parse(HtmlReport.render(ReportFixtures.allPass()));
    Xhtml.parse(HtmlReport.render(ReportFixtures.rich(new Gate(true, true))));
  }

  @Test
  void isSelfContainedWithNoScriptsAndNoNetwork() {
    assertTrue(all(DOC, "//" + el("script")).isEmpty(), "no script elements");
    assertTrue(all(DOC, "//" + el("link")).isEmpty(), "no linked stylesheets");
    for (Element e : all(DOC, "//*")) {
      NamedNodeMap attrs = e.getAttributes();
      for (int i = 0; i < attrs.getLength(); i++) {
        Attr a = (Attr) attrs.item(i);
        String name = a.getLocalName() == null ? a.getName() : a.getLocalName();
        assertFalse(name.toLowerCase().startsWith("on"), "event handler attribute " + name + " on " + e.getLocalName());
        if (name.equals("href") || name.equals("src")) {
          assertTrue(a.getValue().startsWith("#") || a.getValue().startsWith("data:image/png;base64,"),
              "only in-page links and inline images, found " + name + "=" + a.getValue().substring(0, Math.min(60, a.getValue().length())));
        }
      }
    }
    Element csp = one(DOC, "//" + el("meta") + "[@http-equiv='Content-Security-Policy']");
    assertTrue(csp.getAttribute("content").startsWith("default-src 'none'"), csp.getAttribute("content"));
    assertFalse(HTML.contains("url("), "CSS loads nothing");
    assertFalse(HTML.contains("@import"), "CSS imports nothing");
  }

  @Test
  void hostileStringsStayText() {
    // the hostile string carries </td></table><script>; were it not escaped the parse above would
    // have failed or a script element would exist. It must appear as text, with the control
    // character replaced.
    assertTrue(all(DOC, "//" + el("script")).isEmpty());
    String body = text(one(DOC, "//" + el("body")));
    assertTrue(body.contains("sex=<b>F</b> & \"x\" 'y' \ufffd</td></table><script>alert(1)</script>"), "hostile text shown literally");
    assertFalse(HTML.contains("\u0001"));
  }

  @Test
  void idsAreUniqueAndEveryInPageLinkHasATarget() {
    Set<String> ids = new HashSet<>();
    for (Element e : all(DOC, "//*[@id]")) {
      assertTrue(ids.add(e.getAttribute("id")), "duplicate id " + e.getAttribute("id"));
    }
    List<Element> links = all(DOC, "//" + el("a"));
    assertTrue(links.size() > 10, "the report links reasons, trials and timings to checks");
    for (Element a : links) {
      String href = a.getAttribute("href");
      assertTrue(href.startsWith("#") && ids.contains(href.substring(1)), "link " + href + " has no target");
    }
  }

  @Test
  void theFirstScreenHasVerdictReasonsIdentityComparisonAndTrials() {
    Element header = one(DOC, "//" + el("body") + "/" + el("header"));
    Element h1 = one(header, el("h1"));
    assertEquals("FAILED", h1.getAttribute("data-verdict"));
    assertTrue(text(h1).contains("FAILED: the model must not be promoted"), text(h1));
    // one sentence per failing check, linked to it, in the verdict's order
    List<Element> reasons = all(header, ".//" + el("ul") + "[@class='reasons']/" + el("li"));
    List<String> ids = reasons.stream().map(li -> li.getAttribute("data-check")).toList();
    assertEquals(ReportFixtures.RICH_BLOCKING, ids);
    for (Element li : reasons) {
      Element a = one(li, el("a"));
      assertEquals("#check-" + li.getAttribute("data-check"), a.getAttribute("href"));
    }
    assertTrue(text(reasons.get(3)).contains("a required check could not judge anything"), text(reasons.get(3)));
    // the header comes before the main content, so the verdict is the first thing read
    Element body = one(DOC, "//" + el("body"));
    List<Element> top = all(body, "*");
    assertEquals("nav", top.get(0).getLocalName(), "skip links first");
    assertEquals("header", top.get(1).getLocalName());

    // identity: names, full SHA-256 and sizes
    List<Element> rows = all(DOC, "//" + el("table") + "[@class='identity']/" + el("tbody") + "/" + el("tr"));
    assertEquals(List.of("Candidate model", "Baseline model", "Evaluation data", "Schema"), rows.stream().map(r -> text(one(r, el("th")))).toList());
    assertEquals(List.of("candidate-mlp", "a".repeat(64), "4.7 KiB (4801 bytes)"), all(rows.get(0), el("td")).stream().map(Xhtml::text).toList());
    assertEquals("468.5 KiB (479776 bytes)", text(all(rows.get(2), el("td")).get(2)));

    // candidate against baseline: accuracy 0.8 vs 0.85, change -0.05 (hand computed)
    List<Element> cmp = all(DOC, "//" + el("table") + "[@class='comparison']/" + el("tbody") + "/" + el("tr"));
    assertEquals(1, cmp.size());
    List<String> cells = all(cmp.get(0), el("td")).stream().map(Xhtml::text).toList();
    assertEquals(List.of("PASS", "Holdout performance", "accuracy at most 0.1 below the baseline", "", "0.8", "0.85", "-0.05"), cells);

    // the trial grid: the four trials plus performance (present in this suite), each with its worst outcome in words
    List<Element> trials = all(DOC, "//" + el("ul") + "[@class='trials']/" + el("li"));
    List<String> grid = trials.stream().map(t -> text(one(t, ".//*[@class='trial-title']")) + "=" + text(one(t, ".//" + el("span") + "[contains(@class,'badge')]"))).toList();
    assertEquals(List.of("Performance=PASS", "Perturbation properties=ERROR", "Adversarial robustness=FAIL", "Slice fairness=FAIL", "Temporal drift=FAIL"), grid);
    // drift: the advisory FAIL and the WARN are not blocking under the standard gate, and the card says so
    assertEquals("2 checks: 1 fail, 1 warn; 2 do not stop promotion", text(one(trials.get(4), ".//*[@class='count']")));
    assertEquals("2 checks: 1 fail, 1 inconclusive", text(one(trials.get(3), ".//*[@class='count']")));
  }

  @Test
  void trialsWithoutChecksSayNotRunAndPerformanceIsHiddenWhenAbsent() {
    List<dev.gauntlet.harness.run.CheckResult> cs = new ArrayList<>(ReportFixtures.richChecks().subList(1, 2));
    SuiteResult r = SuiteResult.decided(SuiteResult.SCHEMA_VERSION, "one", Gate.standard(), cs, ReportFixtures.provenance(false, null));
    Document d = Xhtml.parse(HtmlReport.render(r));
    List<String> grid = all(d, "//" + el("ul") + "[@class='trials']/" + el("li")).stream().map(Xhtml::text).toList();
    assertEquals(4, grid.size(), grid.toString());
    assertTrue(grid.get(0).startsWith("Perturbation properties NOT RUN 0 checks"), grid.get(0));
    assertTrue(grid.get(1).startsWith("Adversarial robustness FAIL 1 check: 1 fail"), grid.get(1));
    assertTrue(all(d, "//*[@id='compare-h']").isEmpty(), "no comparison section without a baseline");
    assertTrue(text(one(d, "//" + el("dt") + "[.='Reproduce']/following-sibling::" + el("dd") + "[1]")).contains("seed 4242"));
  }

  @Test
  void eachCheckShowsDescriptionConditionValueIntervalOutcomeAndEvidence() {
    Element art = one(DOC, "//" + el("article") + "[@id='check-slice-rates']");
    assertTrue(text(one(art, el("h4"))).startsWith("FAIL Selection-rate ratio by slice slice-rates Slice fairness · required · stops promotion"), text(one(art, el("h4"))));
    assertEquals("What was tested: Plain-words description of Selection-rate ratio by slice.", text(one(art, el("p") + "[@class='description']")));
    assertTrue(text(one(art, el("p") + "[@class='conditions']")).contains("selection_rate_ratio within [0.8, 1.25]"));
    List<Element> rows = all(art, ".//" + el("table") + "[@class='findings']/" + el("tbody") + "/" + el("tr"));
    assertEquals(3, rows.size());
    List<String> first = all(rows.get(0), el("td")).stream().map(Xhtml::text).toList();
    // outcome, condition, subject, measured, interval, baseline, change, sentence
    assertEquals(List.of("FAIL", "selection_rate_ratio within [0.8, 1.25]", "sex=F", "0.62", "0.55 to 0.7 (95% Wilson score)", "", ""), first.subList(0, 7));
    assertEquals("PASS", all(rows.get(2), el("td")).get(0).getTextContent(), "failures first, passes last");
    Element details = one(art, el("details") + "[contains(@class,'evidence')]");
    assertEquals("open", details.getAttribute("open"), "a failed check shows its evidence open");
    assertEquals("Evidence: 3 measurements, 1 table, 1 chart", text(one(details, el("summary"))));
    assertEquals(1, all(details, ".//*[local-name()='svg']").size());
    Element flagged = one(details, ".//" + el("td") + "[@class='flagged']");
    assertEquals("0.31 (flagged)", text(flagged), "a flagged cell says so in words, not just in colour");
    assertTrue(text(details).contains("7 more rows are not shown"), "the check's own omitted rows are reported");

    Element acc = one(DOC, "//" + el("article") + "[@id='check-accuracy']");
    assertEquals("", one(acc, el("details")).getAttribute("open"), "a passing check keeps its evidence folded");
    List<String> m = all(acc, ".//" + el("table") + "[@class='measurements']/" + el("tbody") + "/" + el("tr") + "[1]/" + el("td")).stream().map(Xhtml::text).toList();
    assertEquals(List.of("accuracy", "", "0.8", "0.78 to 0.82 (95% Wilson score)", "9600", "0.85", "-0.05", ""), m, "baseline beside candidate with the change");

    Element err = one(DOC, "//" + el("article") + "[@id='check-flip-noise']");
    assertTrue(text(err).contains("The check could not run: the model has no gradients"));
    assertTrue(text(one(DOC, "//" + el("article") + "[@id='check-decay']/" + el("h4"))).contains("advisory"));
  }

  @Test
  void checksAreGroupedUnderTheirTrialsWhichTheGridLinksTo() {
    List<Element> sections = all(DOC, "//" + el("section") + "[@class='trial-section']");
    assertEquals(List.of("trial-performance", "trial-perturbation", "trial-adversarial", "trial-fairness", "trial-drift"),
        sections.stream().map(s -> s.getAttribute("id")).toList());
    assertEquals(List.of("check-slice-rates", "check-small-slices"),
        all(sections.get(3), el("article")).stream().map(a -> a.getAttribute("id")).toList());
    assertEquals("#trial-fairness", one(DOC, "//" + el("ul") + "[@class='trials']/" + el("li") + "[4]/" + el("a")).getAttribute("href"));
  }

  @Test
  void chartsCarryTitlesTextAlternativesAxisLabelsAndTheirData() {
    List<Element> svgs = all(DOC, "//*[local-name()='svg']");
    assertEquals(5, svgs.size(), "robustness curve, images, slice bars, decay, heat map");
    for (Element svg : svgs) {
      assertEquals("img", svg.getAttribute("role"));
      assertFalse(svg.getAttribute("aria-label").isBlank());
      assertFalse(text(one(svg, "*[local-name()='title']")).isBlank());
      assertFalse(text(one(svg, "*[local-name()='desc']")).isBlank());
    }
    Element fig = one(DOC, "//" + el("figure") + "[" + el("figcaption") + "='Robust accuracy against epsilon']");
    String svgText = text(one(fig, ".//*[local-name()='svg']"));
    assertTrue(svgText.contains("epsilon (L-inf, encoded units)") && svgText.contains("robust accuracy (fraction)"), "axis labels with units");
    assertTrue(text(fig).contains("Chart in words: Robust accuracy falls from 0.84"), "visible text alternative");
    List<Element> data = all(fig, ".//" + el("details") + "[@class='data']//" + el("tbody") + "/" + el("tr"));
    assertEquals(10, data.size(), "one data row per point of both series");
    assertEquals(List.of("candidate", "0.1", "0.61", "0.58 to 0.64", "NO: outside"), all(data.get(2), el("td")).stream().map(Xhtml::text).toList());
    assertEquals(List.of("candidate", "0.15", "n/a", "", "n/a"), all(data.get(3), el("td")).stream().map(Xhtml::text).toList());
    Element heat = one(DOC, "//" + el("figure") + "[" + el("figcaption") + "='Population stability index by feature and month']");
    List<Element> heatRows = all(heat, ".//" + el("details") + "[@class='data']//" + el("tbody") + "/" + el("tr"));
    assertEquals(5, heatRows.size());
    assertEquals("n/a", text(all(heatRows.get(3), el("td")).get(5)), "age in 2024-05 has no value");
    assertEquals("0.22", text(all(heatRows.get(0), el("td")).get(12)), "income in 2024-12: 0.02 x 11");
  }

  @Test
  void provenanceComesLastWithSeedVersionsSuiteTextTimingsAndCommand() {
    List<Element> sections = all(DOC, "//" + el("main") + "/" + el("section"));
    assertEquals("provenance", sections.get(sections.size() - 1).getAttribute("id"));
    Element prov = sections.get(sections.size() - 1);
    StringBuilder pairs = new StringBuilder();
    for (Element dt : all(prov, ".//" + el("dt"))) {
      pairs.append(text(dt)).append(' ').append(text(one(dt, "following-sibling::" + el("dd") + "[1]"))).append('\n');
    }
    String t = pairs + text(prov);
    for (String s : List.of("Seed 4242", "Gauntlet 0.1.0-test", "Java 17.0.15 (Test JDK)", "OMP_NUM_THREADS=2", "the run took 98.76 s",
        "./gauntlet audit --suite suite.yaml --seed 4242", "name: rich")) {
      assertTrue(t.contains(s), "provenance lacks '" + s + "'");
    }
    List<String> timings = all(prov, ".//" + el("table") + "[@class='timings']/" + el("tbody") + "/" + el("tr")).stream()
        .map(tr -> String.join(" | ", all(tr, el("td")).stream().map(Xhtml::text).toList())).toList();
    assertEquals(7, timings.size());
    assertEquals("Holdout performance accuracy | PASS | 1.23 s", timings.get(0));
    assertEquals("Robust accuracy (PGD) robustness | FAIL | 20.50 s", timings.get(1));
  }

  @Test
  void headingsDoNotSkipLevels() {
    int previous = 0;
    for (Element h : all(DOC, "//*[local-name()='h1' or local-name()='h2' or local-name()='h3' or local-name()='h4']")) {
      int level = h.getLocalName().charAt(1) - '0';
      assertTrue(level <= previous + 1, "heading " + h.getLocalName() + " '" + text(h) + "' follows h" + previous);
      previous = level;
    }
    assertEquals(1, all(DOC, "//" + el("h1")).size());
  }
}

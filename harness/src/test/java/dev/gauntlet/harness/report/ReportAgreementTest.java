package dev.gauntlet.harness.report;

import static dev.gauntlet.harness.report.Xhtml.all;
import static dev.gauntlet.harness.report.Xhtml.el;
import static dev.gauntlet.harness.report.Xhtml.one;
import static dev.gauntlet.harness.report.Xhtml.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.SuiteResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * report.html, summary.md and junit.xml carry the same verdict and the same failing checks. Each
 * file is read back the way its reader would (an XML parser, the Markdown text), and compared with
 * the failing checks stated by hand for each scenario.
 */
public class ReportAgreementTest {

  /** What one rendering says: the verdict and the failing checks, in order. */
  public record Said(String verdict, List<String> failing) {}

  /** The verdict and failing checks as the HTML banner shows them. */
  public static Said fromHtml(String html) {
    Document d = Xhtml.parse(html);
    Element h1 = one(d, "//" + el("header") + "/" + el("h1"));
    String verdict = h1.getAttribute("data-verdict");
    assertTrue(text(h1).contains(verdict), "the visible heading says " + verdict);
    List<String> ids = all(d, "//" + el("ul") + "[@class='reasons']/" + el("li")).stream().map(li -> li.getAttribute("data-check")).toList();
    return new Said(verdict, ids);
  }

  /** The verdict from the heading and the failing checks from the "Why it failed" list ({@code [id]} in each line). */
  public static Said fromMarkdown(String md) {
    Matcher h = Pattern.compile("(?m)^## Gauntlet: (PASSED|FAILED) ").matcher(md);
    assertTrue(h.find(), "no verdict heading in:\n" + md);
    List<String> ids = new ArrayList<>();
    int why = md.indexOf("### Why it failed");
    if (why >= 0) {
      String section = md.substring(why, md.indexOf("\n\n", md.indexOf("\n\n", why) + 2));
      Matcher m = Pattern.compile("(?m)^- .*?\\\\\\[([A-Za-z0-9._-]+)\\\\\\]: ").matcher(section);
      while (m.find()) {
        ids.add(m.group(1));
      }
    }
    // the table agrees with the list: exactly these rows say they stop promotion
    List<String> rows = new ArrayList<>();
    Matcher row = Pattern.compile("(?m)^\\| .*? `([A-Za-z0-9._-]+)` \\|[^|]*\\|[^|]*\\| \\*\\*yes\\*\\* \\|").matcher(md);
    while (row.find()) {
      rows.add(row.group(1));
    }
    assertEquals(ids, rows, "the table's 'stops promotion' column and the list of reasons differ");
    return new Said(h.group(1), ids);
  }

  /** The verdict property and the check suites that have failures or errors. */
  public static Said fromJUnit(String xml, String suite) {
    Document d = Xhtml.parse(xml);
    String verdict = one(d, "//property[@name='gauntlet.verdict']").getAttribute("value");
    Element gate = one(d, "/testsuites/testsuite[@name='gauntlet." + suite + ".gate']");
    boolean gateFails = !all(gate, "testcase[@name='verdict']/failure").isEmpty();
    assertEquals(verdict.equals("FAILED"), gateFails, "the verdict test case fails exactly when the verdict is FAILED");
    List<String> ids = new ArrayList<>();
    for (Element s : all(d, "/testsuites/testsuite")) {
      String name = s.getAttribute("name");
      if (s == gate) {
        continue;
      }
      int bad = Integer.parseInt(s.getAttribute("failures")) + Integer.parseInt(s.getAttribute("errors"));
      assertEquals(bad, all(s, "testcase/failure | testcase/error").size(), "counts match elements in " + name);
      if (bad > 0) {
        ids.add(name.substring(("gauntlet." + suite + ".").length()));
      }
    }
    return new Said(verdict, ids);
  }

  static void agree(SuiteResult r, String verdict, List<String> failing) {
    ReportSchema.assertValid(JsonReport.render(r));
    // the gate decided once: its blockers are exactly the checks that say they block, in order
    List<String> blocking = r.checks().stream().filter(dev.gauntlet.harness.run.CheckResult::blocks).map(dev.gauntlet.harness.run.CheckResult::id).toList();
    assertEquals(blocking, r.verdict().blockers().stream().map(dev.gauntlet.harness.run.Verdict.Blocker::checkId).toList(), "verdict.blockers() vs checks' blocks()");
    assertEquals(failing, blocking, "the scenario's stated blockers");
    Said html = fromHtml(HtmlReport.render(r));
    Said md = fromMarkdown(MarkdownSummary.render(r));
    Said junit = fromJUnit(JUnitXmlReport.render(r), r.suite());
    Said expected = new Said(verdict, failing);
    assertEquals(expected, html, "report.html");
    assertEquals(expected, md, "summary.md");
    assertEquals(expected, junit, "junit.xml");
    assertEquals(new LinkedHashSet<>(failing).size(), failing.size());
  }

  @Test
  void standardGate() {
    // required FAIL, required FAIL, ERROR, required all-INCONCLUSIVE stop promotion; the advisory FAIL and the WARN do not
    agree(ReportFixtures.rich(Gate.standard()), "FAILED", ReportFixtures.RICH_BLOCKING);
  }

  @Test
  void failOnWarnAlsoStopsOnWarningsAndAdvisoryFailures() {
    agree(ReportFixtures.rich(new Gate(true, false)), "FAILED", ReportFixtures.RICH_BLOCKING_FAIL_ON_WARN);
  }

  @Test
  void allPassing() {
    agree(ReportFixtures.allPass(), "PASSED", List.of());
  }

  @Test
  void theJUnitEntryPointGivesReplayInstructionsOnlyForBlockingChecks() {
    dev.gauntlet.harness.run.CheckResult rob = ReportFixtures.richChecks().get(1); // required FAIL with a Replay note
    dev.gauntlet.harness.run.CheckResult advisory = new dev.gauntlet.harness.run.CheckResult(rob.id(), rob.title(), rob.trial(), rob.description(),
        false, rob.outcome(), rob.summary(), rob.conditions(), rob.findings(), rob.measurements(), rob.baselineMeasurements(), rob.evidence(),
        rob.error(), null, rob.durationMillis());
    var noise = ReportFixtures.richChecks().get(5); // ERROR: the gate fails
    String blocking = dev.gauntlet.harness.junit.Gauntlet.failureMessage(SuiteResult.decided(SuiteResult.SCHEMA_VERSION, "s", Gate.standard(),
        List.of(rob, noise), ReportFixtures.provenance(false, null)), null);
    assertTrue(blocking.contains("\n  robustness: ./gauntlet audit"), blocking);
    String notBlocking = dev.gauntlet.harness.junit.Gauntlet.failureMessage(SuiteResult.decided(SuiteResult.SCHEMA_VERSION, "s", Gate.standard(),
        List.of(advisory, noise), ReportFixtures.provenance(false, null)), null);
    assertTrue(!notBlocking.contains("robustness: ./gauntlet audit"), "an advisory FAIL does not stop promotion, so no replay: " + notBlocking);
  }

  @Test
  void advisoryFailureAloneDoesNotFailAnyFormat() {
    var cs = List.of(ReportFixtures.richChecks().get(0), ReportFixtures.richChecks().get(3)); // accuracy PASS, decay advisory FAIL
    SuiteResult r = SuiteResult.decided(SuiteResult.SCHEMA_VERSION, "advisory", Gate.standard(), cs, ReportFixtures.provenance(true, "x"));
    agree(r, "PASSED", List.of());
    String xml = JUnitXmlReport.render(r);
    assertTrue(xml.contains("FAIL (does not stop promotion: advisory check): Accuracy for 2024-12 is 0.67"), "the advisory failure is still reported");
  }

  @Test
  void aJUnitFailureCarriesTheChecksReplayNote() {
    Document d = Xhtml.parse(JUnitXmlReport.render(ReportFixtures.rich(Gate.standard())));
    Element failure = one(d, "//testsuite[@name='gauntlet.rich.robustness']/testcase/failure");
    assertTrue(failure.getTextContent().contains("Replay: ./gauntlet audit --suite suite.yaml --seed 4242 --only robustness"), failure.getTextContent());
    assertTrue(all(d, "//testsuite[@name='gauntlet.rich.accuracy']//*[contains(., 'Replay')]").isEmpty(), "only failures carry replay notes");
  }
}

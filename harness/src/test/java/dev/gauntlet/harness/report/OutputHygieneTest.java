package dev.gauntlet.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.SuiteResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** Terminal escapes, carriage returns and bidi overrides from data reach no target raw. */
class OutputHygieneTest {
  /** A category that clears the terminal, overwrites the line and reverses the text after it. */
  static final String EVIL = "we\u001b[2Jst\r\u202Eevil\u2066x\u200f\u009b";

  static SuiteResult hostile() {
    CheckResult c = ReportFixtures.check("slices", "Slice rates", Trial.FAIRNESS, true,
        List.of(ReportFixtures.finding("selection_rate atLeast 0.5", "region=" + EVIL, Outcome.FAIL,
            "Selection rate for region=" + EVIL + " is 0.2, below 0.5.", 0.2, Double.NaN)),
        List.of(Measurement.of("selection_rate", dev.gauntlet.harness.metric.Subject.slice("region", EVIL), 0.2, 100)), List.of(), List.of(), null, 5);
    List<CheckResult> cs = List.of(c);
    return SuiteResult.decided(1, "hostile", Gate.standard(), cs, ReportFixtures.provenance(false, "./gauntlet audit --out x\u001b[2J"));
  }

  /** Controls other than the line breaks and tabs a document may contain (HTML and XML also allow CR, as white space). */
  static boolean hasDangerous(String s, boolean allowCr) {
    return s.chars().anyMatch(ch -> (Text.isControl((char) ch) && !(ch == '\n' || ch == '\t' || (allowCr && ch == '\r'))) || Text.isBidiControl((char) ch));
  }

  @Test
  void forConsoleMakesEveryControlVisible() {
    assertEquals("we\\u001b[2Jst\\u000d\\u202eevil\\u2066x\\u200f\\u009b", Text.forConsole(EVIL));
    assertEquals("a\\u000ab\\u0009c \\u061c\\u007f", Text.forConsole("a\nb\tc \u061c\u007f"));
    assertEquals("a\nb\tc\\u000d", Text.forConsoleLines("a\nb\tc\r"));
    assertEquals("plain \\ text: é, 中文, עברית", Text.forConsole("plain \\ text: é, 中文, עברית"), "printable text and backslashes unchanged");
  }

  @Test
  void summaryMdShowsControlsAsEscapes() {
    String md = MarkdownSummary.render(hostile());
    assertFalse(hasDangerous(md, false), md);
    assertTrue(md.contains("region=we\\u001b\\[2Jst\\u000d\\u202eevil\\u2066x\\u200f\\u009b"), md);
  }

  @Test
  void reportHtmlShowsBidiControlsVisibly() {
    String html = HtmlReport.render(hostile());
    assertFalse(hasDangerous(html, true), "no raw control or bidi character in the page");
    assertTrue(html.contains("[U+202E]evil[U+2066]x[U+200F]"), "the bidi controls are shown as markers");
    assertFalse(html.contains("\u001b"));
    Xhtml.parse(html);
  }

  @Test
  void junitXmlIsWellFormedAndCarriesNoRawControls() throws Exception {
    String xml = JUnitXmlReport.render(hostile());
    assertFalse(hasDangerous(xml, true), xml);
    Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    assertTrue(d.getDocumentElement().getTextContent().contains("[U+202E]evil"), xml);
  }

  @Test
  void theJunitFailureMessageShowsControlsEscaped() {
    String m = dev.gauntlet.harness.junit.Gauntlet.failureMessage(hostile(), null);
    assertFalse(hasDangerous(m, false), m);
    assertTrue(m.contains("region=we\\u001b[2Jst\\u000d\\u202eevil"), m);
  }
}

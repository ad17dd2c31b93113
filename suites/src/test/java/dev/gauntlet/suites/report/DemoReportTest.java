package dev.gauntlet.suites.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.harness.report.BrowserChecks;
import dev.gauntlet.harness.report.HeadlessChromium;
import dev.gauntlet.harness.report.JsonReport;
import dev.gauntlet.harness.report.ReportAgreementTest;
import dev.gauntlet.harness.report.ReportAgreementTest.Said;
import dev.gauntlet.harness.report.Xhtml;
import dev.gauntlet.suites.Demo;
import dev.gauntlet.suites.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real demo report, made by the CLI as a user would: well formed, the same verdict and failing
 * checks in report.html, summary.md, junit.xml, report.json and the exit code, and working in
 * headless Chromium (screenshots in {@code suites/target/browser/}).
 */
class DemoReportTest {
  private static final Path INPUTS = Path.of("target", "report-test", "demo-inputs");
  private static final Path OUT = Path.of("target", "report-test", "lending-demo");
  private static int exit;
  private static String stderr;

  @BeforeAll
  static void runTheDemo() throws Exception {
    Path suite = Demo.prepare(INPUTS, m -> { });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    exit = Main.run(new String[] {"audit", "--suite", suite.toString(), "--out", OUT.toString(), "--quiet"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    stderr = err.toString(StandardCharsets.UTF_8);
    assertTrue(exit == 0 || exit == 1, "the demo ran to a verdict, exit " + exit + ":\n" + stderr);
  }

  private static String read(String name) throws Exception {
    return Files.readString(OUT.resolve(name));
  }

  @Test
  void theDemoReportIsWellFormed() throws Exception {
    Xhtml.parse(read("report.html"));
    Xhtml.parse(read("junit.xml"));
  }

  @Test
  void everyFormatAndTheExitCodeCarryTheSameVerdictAndFailingChecks() throws Exception {
    dev.gauntlet.harness.report.ReportSchema.assertValid(read("report.json"));
    JsonNode json = JsonReport.mapper().readTree(read("report.json"));
    String verdict = json.path("verdict").path("passed").asBoolean() ? "PASSED" : "FAILED";
    assertEquals(verdict.equals("PASSED") ? 0 : 1, exit, "exit code and verdict");
    List<String> failing = new ArrayList<>();
    for (JsonNode reason : json.path("verdict").path("reasons")) {
      String r = reason.asText();
      failing.add(r.substring(r.indexOf('[') + 1, r.indexOf("]: ")));
    }
    if (verdict.equals("FAILED")) {
      assertFalse(failing.isEmpty(), "a failed verdict names its failing checks");
    }
    Said expected = new Said(verdict, failing);
    assertEquals(expected, ReportAgreementTest.fromHtml(read("report.html")), "report.html");
    assertEquals(expected, ReportAgreementTest.fromMarkdown(read("summary.md")), "summary.md");
    assertEquals(expected, ReportAgreementTest.fromJUnit(read("junit.xml"), json.path("suite").asText()), "junit.xml");
  }

  @Test
  void theDemoReportWorksInARealBrowser() throws Exception {
    Optional<Path> chromium = HeadlessChromium.find();
    assumeTrue(chromium.isPresent(), HeadlessChromium.ABSENT);
    JsonNode json = JsonReport.mapper().readTree(read("report.json"));
    String verdict = json.path("verdict").path("passed").asBoolean() ? "PASSED" : "FAILED";
    BrowserChecks.run(chromium.get(), OUT.resolve("report.html").toAbsolutePath(), Path.of("target", "browser"), "demo", verdict);
  }
}

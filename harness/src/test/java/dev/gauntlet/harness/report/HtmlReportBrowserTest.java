package dev.gauntlet.harness.report;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.SuiteResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The synthetic reports (every evidence kind, hostile strings; and an all-pass one) in headless
 * Chromium (see {@link BrowserChecks}). Screenshots go to {@code harness/target/browser/}. Skips,
 * saying so, when Chromium is not installed.
 */
class HtmlReportBrowserTest {
  private static final Path OUT = Path.of("target", "browser");

  private static void inBrowser(String name, SuiteResult r, String verdict) throws Exception {
    Optional<Path> chromium = HeadlessChromium.find();
    assumeTrue(chromium.isPresent(), HeadlessChromium.ABSENT);
    Files.createDirectories(OUT);
    Path html = OUT.resolve(name + ".html");
    Files.writeString(html, HtmlReport.render(r));
    BrowserChecks.run(chromium.get(), html, OUT, name, verdict);
  }

  @Test
  void failedReportWorksInARealBrowser() throws Exception {
    inBrowser("rich", ReportFixtures.rich(Gate.standard()), "FAILED");
  }

  @Test
  void passedReportWorksInARealBrowser() throws Exception {
    inBrowser("calm", ReportFixtures.allPass(), "PASSED");
  }
}

package dev.gauntlet.harness.report;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.harness.run.Gate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The synthetic report with every evidence kind and hostile strings, in headless Chromium (see
 * {@link BrowserChecks}). Screenshots go to {@code harness/target/browser/}. Skips, saying so,
 * when Chromium is not installed.
 */
class HtmlReportBrowserTest {
  private static final Path OUT = Path.of("target", "browser");

  @Test
  void failedReportWorksInARealBrowser() throws Exception {
    Optional<Path> chromium = HeadlessChromium.find();
    assumeTrue(chromium.isPresent(), HeadlessChromium.ABSENT);
    Path html = OUT.resolve("rich.html");
    Files.createDirectories(OUT);
    Files.writeString(html, HtmlReport.render(ReportFixtures.rich(Gate.standard())));
    BrowserChecks.run(chromium.get(), html, OUT, "rich", "FAILED");
  }

  @Test
  void passedReportWorksInARealBrowser() throws Exception {
    Optional<Path> chromium = HeadlessChromium.find();
    assumeTrue(chromium.isPresent(), HeadlessChromium.ABSENT);
    Path html = OUT.resolve("calm.html");
    Files.createDirectories(OUT);
    Files.writeString(html, HtmlReport.render(ReportFixtures.allPass()));
    BrowserChecks.run(chromium.get(), html, OUT, "calm", "PASSED");
  }
}

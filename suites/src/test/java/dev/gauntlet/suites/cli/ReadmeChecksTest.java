package dev.gauntlet.suites.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.config.SuiteLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's check reference is the output of {@code ./gauntlet checks --markdown}, so it cannot go stale. */
class ReadmeChecksTest {
  static final String BEGIN = "<!-- checks:begin -->\n";
  static final String END = "<!-- checks:end -->";

  @Test
  void theReadmeCheckReferenceIsTheGeneratedOne() throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    assertTrue(b >= 0 && e > b, "README.md lacks the markers " + BEGIN.trim() + " ... " + END);
    String generated = CliTest.cli("checks", "--markdown").out();
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "checks.md"), generated);
    assertEquals(Main.checksMarkdown(new SuiteLoader().checkTypes()), generated, "the command prints the generator's text");
    assertEquals(generated, text.substring(b + BEGIN.length(), e),
        "README.md's check reference is stale: run './gauntlet checks --markdown' and put its output between the markers"
            + " (this test wrote it to suites/target/checks.md)");
  }

  @Test
  void typesWithoutDeclaredMetricsSaySo() {
    String md = Main.checksMarkdown(new SuiteLoader().checkTypes());
    assertTrue(md.contains("#### `performance`") && md.contains("| `accuracy` | (none: the whole data) | higher is better | yes |"), md);
    assertTrue(md.contains("| `minRows` |"), md);
  }
}

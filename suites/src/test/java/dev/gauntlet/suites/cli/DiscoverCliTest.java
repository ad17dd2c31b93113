package dev.gauntlet.suites.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.suites.Demo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gauntlet discover} on the demo, and the discovery check's bad parameters through the CLI. */
class DiscoverCliTest {
  static final Path inputs = Path.of("target", "gauntlet", "demo-inputs");

  @TempDir
  Path work;

  static Path suite;

  @BeforeAll
  static void prepare() {
    suite = Demo.prepare(inputs, s -> { });
  }

  /** The demo's inputs with a suite of only the discovery check, its params line replaced. */
  Path suiteWith(String params) throws Exception {
    for (String f : List.of("lending.csv", "train.csv", "lending.schema.yaml", "model.zip", "baseline.zip")) {
      Files.copy(inputs.resolve(f), work.resolve(f));
    }
    String text = CliTest.onlyChecks(Files.readString(suite), "slice-discovery");
    String line = text.lines().filter(l -> l.trim().startsWith("params: {target: denial")).findFirst().orElseThrow();
    Path s = work.resolve("suite.yaml");
    Files.writeString(s, text.replace(line, "    params: " + params));
    return s;
  }

  @Test
  void discoverFindsThePlantedDisparityWithoutBeingToldTheAttributeAndPrintsTheYamlToPaste() {
    CliTest.Run r = CliTest.cli("discover", "--suite", suite.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("type: fairness.slices"), r.out());
    assertTrue(r.out().contains("{metric: selection_rate, atLeast: ") && r.out().contains("subject: \"sex=F\"}"), r.out());
    assertTrue(r.out().contains("# slice-discovery: "), r.out());
  }

  @Test
  void badParametersAreExit2AtTheirPlace() throws Exception {
    Path s = suiteWith("{target: denial, depth: 0}");
    int line = Files.readString(s).lines().toList().indexOf("    params: {target: denial, depth: 0}") + 1;
    CliTest.Run r = CliTest.cli("audit", "--suite", s.toString(), "--out", work.resolve("out").toString(), "--quiet");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("suite.yaml:" + line + ":") && r.err().contains("depth must be in [1, 4], got 0"), r.err());
    Files.writeString(s, Files.readString(s).replace("depth: 0", "columns: [sex, regio]"));
    r = CliTest.cli("discover", "--suite", s.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("suite.yaml:" + line + ":") && r.err().contains("no column 'regio'; did you mean 'region'?"), r.err());
    Files.writeString(s, Files.readString(s).replace("columns: [sex, regio]", "minSize: 1000000"));
    r = CliTest.cli("discover", "--suite", s.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("suite.yaml:" + line + ":") && r.err().contains("minSize 1000000 is above the 9600 rows"), r.err());
    // audit too: parameters that depend on the data are checked when the data is loaded, before any check runs
    r = CliTest.cli("audit", "--suite", s.toString(), "--out", work.resolve("out2").toString(), "--quiet");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("suite.yaml:" + line + ":") && r.err().contains("minSize 1000000 is above the 9600 rows"), r.err());
    assertFalse(Files.exists(work.resolve("out2").resolve("report.json")), "no report for bad input");
  }
}

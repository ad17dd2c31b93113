package dev.gauntlet.suites.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.harness.config.SuiteLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gauntlet audit} on the committed ONNX fixture (fixtures/onnx/suite.yaml): a PyTorch model run
 * by ONNX Runtime goes through every trial, and bad model files stop with exit code 2.
 */
class OnnxFixtureAuditTest {
  static final Path FIXTURE = Path.of("../fixtures/onnx");

  @Test
  void everyTrialRunsOnTheOnnxFixtureAndTheReportNamesTheGradient(@TempDir Path out) throws Exception {
    assumeTrue(Files.isDirectory(FIXTURE), FIXTURE + " absent; skipping");
    Path suite = FIXTURE.resolve("suite.yaml");
    String text = Files.readAllLines(suite).stream().filter(l -> !l.strip().startsWith("#")).collect(Collectors.joining("\n"));
    // Every family of check types installed (performance, perturbation, fairness, drift, attacks...) is in the suite.
    Set<String> families = new SuiteLoader().checkTypes().keySet().stream().map(t -> t.split("\\.")[0]).collect(Collectors.toCollection(TreeSet::new));
    // monitor.* reads a promoted model's production logs: not a trial of an audit (its end-to-end test is MonitorCliTest)
    families.remove("monitor");
    for (String f : families) {
      assertTrue(text.contains("type: " + f), "fixtures/onnx/suite.yaml has no check of the '" + f + "' family; add one so the ONNX fixture runs every trial");
    }
    CliTest.Run r = CliTest.cli("audit", "--suite", suite.toString(), "--out", out.toString(), "--quiet");
    // The fixture model learned the injected disparity against sex=F: the gate must fail (1), not error (2/3).
    assertEquals(1, r.code(), r.err());
    String json = Files.readString(out.resolve("report.json"));
    dev.gauntlet.harness.report.ReportSchema.assertValid(json);
    assertTrue(json.contains("[ONNX Runtime; gradients: SameDiff, exact]"), "the report says which gradient the ONNX model used");
    assertTrue(json.contains("gradients: central finite differences through ONNX Runtime, 18 queries per row"), "and the baseline's, with its query cost");
    assertTrue(!json.contains("\"outcome\" : \"ERROR\""), "no check may error on an ONNX model");
    for (String f : new String[] {"report.html", "junit.xml", "summary.md"}) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
  }

  @Test
  void badOnnxModelsExitWith2AndSayWhy(@TempDir Path work) throws Exception {
    assumeTrue(Files.isDirectory(FIXTURE), FIXTURE + " absent; skipping");
    Path fx = FIXTURE.toAbsolutePath();
    byte[] good = Files.readAllBytes(fx.resolve("lending-mlp.onnx"));
    Files.write(work.resolve("truncated.onnx"), java.util.Arrays.copyOf(good, good.length - 700));
    String[][] cases = {
        {fx.resolve("bad-two-inputs.onnx").toString(), "has 2 inputs"},
        {fx.resolve("bad-logits.onnx").toString(), "output 'logits' is not a probability vector"},
        {work.resolve("truncated.onnx").toString(), "the file is corrupt, truncated or not ONNX"},
    };
    for (String[] c : cases) {
      Path suite = work.resolve("suite.yaml");
      Files.writeString(suite, "name: bad\nmodel: {type: onnx, path: " + c[0] + "}\n"
          + "data: {path: " + fx.resolve("eval.csv") + ", schema: " + fx.resolve("lending.schema.yaml") + "}\n"
          + "checks:\n  - {id: acc, type: performance, conditions: [{metric: accuracy, atLeast: 0.5}]}\n");
      CliTest.Run r = CliTest.cli("audit", "--suite", suite.toString(), "--out", work.resolve("out").toString(), "--quiet");
      assertEquals(2, r.code(), c[0] + ": " + r.err());
      assertTrue(r.err().contains(c[1]) && r.err().contains("suite.yaml:2:"), r.err());
    }
  }
}

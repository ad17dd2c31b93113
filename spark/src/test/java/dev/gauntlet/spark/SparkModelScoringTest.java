package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import dev.gauntlet.models.ShippedModel;
import dev.gauntlet.suites.Demo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models scored on the executors: the demo's DL4J candidate and baseline shipped as broadcast bytes
 * and run per partition give the in-process engine's verdict and measurements bit for bit; an
 * executor that cannot load the model names it and the executor; an ONNX model scored on the
 * executors (in a JVM of its own) never loads ND4J.
 */
class SparkModelScoringTest {
  /**
   * The demo's statistical checks, summarised on Spark (its model-on-rows checks, perturbation and
   * attacks, run on the driver's table whatever the engine: left out to keep the test short).
   */
  static final Set<String> DEMO_CHECKS = Set.of("holdout-accuracy", "fairness-slices", "drift-decay", "drift-features");

  static Suite demo(Set<String> keep) {
    Path suiteFile = Demo.prepare(Path.of("target", "gauntlet", "demo-inputs"), m -> {});
    Suite s = new SuiteLoader().load(suiteFile, OptionalLong.empty(), null);
    List<CheckSpec<?>> checks = s.checks().stream().filter(c -> keep.contains(c.id())).toList();
    assertEquals(keep.size(), checks.size(), "the demo suite has the checks " + keep);
    return new Suite(s.name(), s.seed(), s.model(), s.baseline(), s.data(), s.reference(), s.threshold(), s.gate(), checks, s.text(), s.file(),
        s.schema(), s.checkTimeLimit(), s.modelDeterministic(), s.baselineDeterministic());
  }

  @Test
  void demoDl4jCandidateAndBaselineScoredOnExecutorsGiveTheSameVerdictAndMeasurements() {
    Suite suite = demo(DEMO_CHECKS);
    SuiteResult local = new SuiteRunner(null, null, null).run(suite);
    long before = SparkEngine.SCORED_ROWS.get();
    try (SparkEngine engine = new SparkEngine(Sessions.shared(), false, suite.data(), suite.model(), 3)) {
      assertTrue(engine.forModel(suite.model()).scoresOnExecutors(suite.threshold()), "the DL4J candidate is shipped");
      SuiteResult onSpark = new SuiteRunner(null, null, null).engine(engine).run(suite);
      assertEquals(local.verdict(), onSpark.verdict());
      for (int i = 0; i < local.checks().size(); i++) {
        CheckResult a = local.checks().get(i);
        CheckResult b = onSpark.checks().get(i);
        assertNull(a.error(), a.id() + ": " + a.error());
        assertNull(b.error(), b.id() + ": " + b.error());
        assertEquals(a.outcome(), b.outcome(), a.id());
        assertEquals(a.measurements(), b.measurements(), a.id() + ": every metric, subject, value, interval and n, bit for bit");
        assertEquals(a.findings(), b.findings(), a.id());
        assertEquals(a.baselineMeasurements(), b.baselineMeasurements(), a.id() + " (baseline)");
      }
      // Candidate and baseline, each over every evaluation row, once (the partitions' predictions are kept).
      assertEquals(2L * suite.data().rowCount(), SparkEngine.SCORED_ROWS.get() - before, "both models scored once per row on the executors");
      String d = onSpark.provenance().engine();
      assertTrue(d.contains("3 partitions"), d);
    }
  }

  @Test
  void anExecutorThatCannotLoadTheModelNamesTheModelAndTheExecutor() throws Exception {
    Suite suite = demo(Set.of("holdout-accuracy"));
    ShippedModel real = ShippedModel.of(suite.model()).orElseThrow();
    // Bytes whose digest is not the one the driver sent: the executor refuses them before any loader reads them.
    byte[] flipped = real.bytes().clone();
    flipped[flipped.length / 2] ^= 1;
    ShippedModel corrupt = new ShippedModel(real.kind(), real.name(), real.output(), real.width(), real.sha256(), flipped);
    SparkEngine.forgetLoadedModels(); // the executor (this JVM) may hold the real model from another test
    try (SparkEngine engine = new SparkEngine(Sessions.shared(), false, suite.data(), null, 2)) {
      UsageException e = assertThrows(UsageException.class, () -> engine.shipInstead(corrupt).forModel(suite.model()).prepare(suite.threshold()));
      assertTrue(e.getMessage().startsWith("model '" + real.name() + "' (SHA-256 " + real.sha256() + ") cannot be loaded on executor driver on "), e.getMessage());
      assertTrue(e.getMessage().contains("not the driver's " + real.sha256()), e.getMessage());
    }
    // Bytes that match their digest but are no model: the loader's own message, from the executor.
    byte[] junk = "not a zip".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(junk));
    ShippedModel notZip = new ShippedModel("dl4j", "junk", "", 0, sha, junk);
    try (SparkEngine engine = new SparkEngine(Sessions.shared(), false, suite.data(), null, 2)) {
      UsageException e = assertThrows(UsageException.class, () -> engine.shipInstead(notZip).forModel(suite.model()).prepare(suite.threshold()));
      assertTrue(e.getMessage().startsWith("model 'junk' (SHA-256 " + sha + ") cannot be loaded on executor driver"), e.getMessage());
      assertTrue(e.getMessage().contains("not a readable zip file"), e.getMessage());
    }
  }

  /**
   * The fixture's PyTorch MLP as ONNX, {@code gradient: none}, on Spark local[2] in a JVM of its own
   * with class loading logged: the same measurements as in-process, and no ND4J class or native
   * library loaded in that JVM (driver and executors).
   */
  @Test
  void onnxScoredOnExecutorsLoadsNoNd4j(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("classes.log");
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-Xlog:class+load=info:file=" + log));
    cmd.addAll(Files.readAllLines(Path.of("jvm.options")).stream().filter(l -> !l.isBlank()).toList());
    cmd.addAll(List.of("-Dlog4j2.configurationFile=" + Path.of("src/test/resources/log4j2.properties").toAbsolutePath(),
        "-cp", System.getProperty("java.class.path"), OnnxOnSpark.class.getName(), Path.of("../fixtures/onnx").toAbsolutePath().toString(), dir.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("same measurements on both engines"), out);
    assertTrue(out.contains("native libraries with nd4j in their name: none"), out);
    List<String> classes = Files.readAllLines(log);
    assertTrue(classes.stream().anyMatch(l -> l.contains("ai.onnxruntime.OrtSession ")), "the log records ONNX Runtime's classes (a working probe)");
    assertTrue(classes.stream().anyMatch(l -> l.contains("org.apache.spark.SparkContext ")), "and Spark's");
    // ND4J's tensor library, its native bindings, SameDiff and JavaCPP (the ONNX protobuf classes that OnnxFile parses with are plain Java).
    List<String> nd4j = classes.stream().filter(l -> l.contains(" org.nd4j.linalg.") || l.contains(" org.nd4j.nativeblas.")
        || l.contains(" org.nd4j.autodiff.") || l.contains(" org.bytedeco.")).limit(5).toList();
    assertTrue(nd4j.isEmpty(), "ND4J / JavaCPP classes loaded while scoring an ONNX model on Spark: " + nd4j);
    assertFalse(Arrays.asList(out.split("\n")).contains("FAILED"), out);
  }
}

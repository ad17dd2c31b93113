package dev.gauntlet.spark;

import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Run by {@link SparkModelScoringTest} in a JVM of its own: the ONNX fixture model ({@code gradient:
 * none}) audited in-process and on Spark local[2] (scored on the executors), the measurements
 * compared, and the native libraries this process mapped listed.
 */
public final class OnnxOnSpark {
  private OnnxOnSpark() {}

  public static void main(String[] args) throws Exception {
    Path fixture = Path.of(args[0]);
    Path dir = Path.of(args[1]);
    Path file = dir.resolve("suite.yaml");
    Files.writeString(file, """
        name: onnx-on-spark
        seed: 5
        model: {type: onnx, path: %s, name: lending-mlp, gradient: none}
        data:
          path: %s
          schema: %s
        checks:
          - id: perf
            type: performance
            conditions:
              - {metric: accuracy, atLeast: 0.5}
          - id: fair
            type: fairness.slices
            params: {attributes: [sex, region], minSize: 30, reference: {sex: M}}
            conditions:
              - {metric: disparate_impact, subject: sex=F, between: [0.8, 1.25], interval: whole}
        """.formatted(fixture.resolve("lending-mlp.onnx"), fixture.resolve("eval.csv"), fixture.resolve("lending.schema.yaml")));
    Suite suite = new SuiteLoader().load(file, OptionalLong.empty(), null);
    SuiteResult local = new SuiteRunner(null, null, null).run(suite);
    boolean same = true;
    long before = SparkEngine.SCORED_ROWS.get();
    try (SparkEngine engine = new SparkEngine(SparkEngineProvider.session("local[2]"), true, suite.data(), suite.model(), 3)) {
      engine.forModel(suite.model()).prepare(suite.threshold());
      SuiteResult spark = new SuiteRunner(null, null, null).engine(engine).run(suite);
      for (int i = 0; i < local.checks().size(); i++) {
        CheckResult a = local.checks().get(i);
        CheckResult b = spark.checks().get(i);
        if (a.error() != null || b.error() != null || !a.measurements().equals(b.measurements()) || a.outcome() != b.outcome()) {
          System.out.println("FAILED: " + a.id() + ": " + a.error() + " / " + b.error() + "\n  " + a.measurements() + "\n  " + b.measurements());
          same = false;
        }
      }
      System.out.println(spark.provenance().engine());
    }
    long scored = SparkEngine.SCORED_ROWS.get() - before;
    System.out.println(String.format(Locale.ROOT, "rows scored on the executors: %d of %d", scored, suite.data().rowCount()));
    if (scored != suite.data().rowCount()) {
      System.out.println("FAILED: the model was not scored once per row on the executors");
      same = false;
    }
    if (same) {
      System.out.println("same measurements on both engines");
    }
    List<String> nd4j = Files.readAllLines(Path.of("/proc/self/maps")).stream()
        .filter(l -> l.toLowerCase(Locale.ROOT).contains("nd4j") || l.contains("openblas") || l.contains("jnijavacpp")).map(l -> l.substring(l.lastIndexOf(' ') + 1)).distinct().toList();
    System.out.println("native libraries with nd4j in their name: " + (nd4j.isEmpty() ? "none" : String.join(", ", nd4j)));
    System.exit(same ? 0 : 1);
  }
}

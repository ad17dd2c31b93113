package dev.gauntlet.harness.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.PrecomputedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 §2: a precomputed score declared {@code probability: true} must be a probability. */
class PrecomputedProbabilityTest {
  static final String SCHEMA = """
      columns:
        - {name: id, type: text, role: id}
        - {name: risk, type: numeric, role: score%s}
        - {name: y, type: binary, role: label, categories: ["no", "yes"], positive: "yes"}
      """;

  @TempDir
  Path dir;

  static Schema schema(String range) {
    return SchemaLoader.parse(ConfigNode.parse("s.yaml", SCHEMA.formatted(range)));
  }

  static PrecomputedModel model(String yaml, Schema schema) {
    return (PrecomputedModel) new BuiltInModels.Precomputed().load(ConfigNode.parse("suite.yaml", yaml).get("model"), Path.of("."), schema);
  }

  @Test
  void aScoreOutsideZeroOneIsAUsageErrorAtItsCell() throws Exception {
    Path f = dir.resolve("d.csv");
    Files.writeString(f, "id,risk,y\na,0.2,no\nb,1.7,yes\n");
    Table t = TableLoader.load(f, schema(""));
    PrecomputedModel m = model("model: {type: precomputed, score: risk, threshold: 0.5, probability: true}\n", t.schema());
    String msg = assertThrows(UsageException.class, () -> m.predictionsFor(t)).getMessage();
    assertTrue(msg.startsWith(f + ":3:2: column 'risk' holds 1.7, but precomputed model 'risk' declares it a probability (probability: true);"
        + " expected a value in [0, 1]"), msg);
    // in a subset of rows (a window, a slice) the cell is still named by its line
    msg = assertThrows(UsageException.class, () -> m.predictionsFor(t.select(new int[] {1}))).getMessage();
    assertTrue(msg.startsWith(f + ":3:2:"), msg);
    Files.writeString(f, "id,risk,y\na,-0.01,no\n");
    Table neg = TableLoader.load(f, schema(""));
    assertThrows(UsageException.class, () -> m.predictionsFor(neg));
  }

  @Test
  void theSameScoresLoadWhenNotDeclaredAProbabilityAndProbabilitiesLoad() throws Exception {
    Path f = dir.resolve("d.csv");
    Files.writeString(f, "id,risk,y\na,0.2,no\nb,7,yes\n");
    Table t = TableLoader.load(f, schema(""));
    PrecomputedModel m = model("model: {type: precomputed, score: risk, threshold: 5}\n", t.schema());
    assertArrayEquals(new int[] {0, 1}, m.predictionsFor(t).decisions());
    Files.writeString(f, "id,risk,y\na,0,no\nb,1,yes\nc,0.5,yes\n");
    Table p = TableLoader.load(f, schema(""));
    PrecomputedModel pm = model("model: {type: precomputed, score: risk, threshold: 0.5, probability: true}\n", p.schema());
    assertArrayEquals(new int[] {0, 1, 1}, pm.predictionsFor(p).decisions());
  }

  @Test
  void aProbabilityWithAWiderRangeOrThresholdIsRefusedWhenTheSuiteLoads() {
    String msg = assertThrows(UsageException.class, () -> model(
        "model:\n  type: precomputed\n  score: risk\n  threshold: 0.5\n  probability: true\n", schema(", range: [0, 10]"))).getMessage();
    assertTrue(msg.startsWith("suite.yaml:5:16: 'model.probability': the score is declared a probability, but column 'risk' has range [0.0, 10.0]"), msg);
    msg = assertThrows(UsageException.class, () -> model(
        "model:\n  type: precomputed\n  score: risk\n  threshold: 5\n  probability: true\n", schema(""))).getMessage();
    assertTrue(msg.startsWith("suite.yaml:4:14: 'model.threshold': the score is declared a probability (probability: true), so the threshold must lie in [0, 1]"), msg);
    msg = assertThrows(UsageException.class, () -> model(
        "model: {type: precomputed, score: risk, threshold: 0.5, probability: yes}\n", schema(""))).getMessage();
    assertTrue(msg.contains("suite.yaml:1:70: 'model.probability': expected true or false, found 'yes'"), msg);
  }
}

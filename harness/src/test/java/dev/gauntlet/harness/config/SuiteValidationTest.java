package dev.gauntlet.harness.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.SubjectShape;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.performance.PerformanceCheck;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.RunFixtures;
import dev.gauntlet.harness.run.Suite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A suite that names an unknown metric, subject or parameter is refused with the place and the
 * fix, before any data or model is read: the suites here point at a data file and a model that do
 * not exist, so any other error order would report those instead.
 */
class SuiteValidationTest {
  @TempDir
  Path dir;

  /** A check type whose metric is about slices, to test attributes and categories of subjects. */
  record SliceCheck() implements dev.gauntlet.harness.check.Check<CheckValue> {
    static final MetricSet METRICS = MetricSet.of(MetricDecl.of("rate", Direction.HIGHER_IS_BETTER, "a rate per slice").about(SubjectShape.of(Subject.Dim.SLICE)));

    @Override public MetricSet metrics() { return METRICS; }
    @Override public String title() { return "Slices"; }
    @Override public Trial trial() { return Trial.FAIRNESS; }
    @Override public String description() { return "d"; }
    @Override public Set<Capability> requires() { return Set.of(); }
    @Override public CheckValue run(dev.gauntlet.harness.check.CheckContext ctx) { throw new AssertionError("never run"); }
  }

  String load(String checks) throws Exception {
    Files.writeString(dir.resolve("t.schema.yaml"), RunFixtures.SCHEMA_YAML);
    String text = "name: t\nmodel: {type: dl4j, path: missing-model.zip}\ndata: {path: missing-data.csv, schema: t.schema.yaml}\nchecks:\n" + checks;
    Path suite = dir.resolve("suite.yaml");
    Files.writeString(suite, text);
    SuiteLoader loader = new SuiteLoader();
    loader.register(CheckType.of("slices", "test", SliceCheck.METRICS, List.of(), (p, s) -> new SliceCheck()));
    String m = assertThrows(UsageException.class, () -> loader.load(suite, OptionalLong.empty(), null)).getMessage();
    assertTrue(!m.contains("missing-data.csv") && !m.contains("missing-model.zip"), "the suite error wins over the missing files: " + m);
    return m;
  }

  @Test
  void anUnknownMetricNamesThePlaceTheValidNamesAndTheNearest() throws Exception {
    String m = load("  - type: performance\n    conditions:\n      - {metric: acuracy, atLeast: 0.8}\n");
    assertTrue(m.contains("suite.yaml:7:"), m);
    assertTrue(m.contains("Did you mean 'accuracy'?"), m);
    assertTrue(m.contains("balanced_accuracy") && m.contains("auc"), "lists the valid names: " + m);
  }

  @Test
  void aSubjectOfTheWrongShapeIsRefused() throws Exception {
    String m = load("  - type: performance\n    conditions:\n      - {metric: accuracy, subject: sex=F, atLeast: 0.8}\n");
    assertTrue(m.matches("(?s).*suite\\.yaml:7:\\d+:.*"), m);
    assertTrue(m.contains("sex=F") && m.contains("accuracy"), m);
  }

  @Test
  void anUnknownAttributeOrCategoryIsRefusedWithTheNearest() throws Exception {
    String m = load("  - type: slices\n    conditions:\n      - {metric: rate, subject: sexx=F, atLeast: 0.8}\n");
    assertTrue(m.contains("suite.yaml:7:") && m.contains("attribute 'sexx'") && m.contains("Did you mean 'sex'?"), m);
    m = load("  - type: slices\n    conditions:\n      - {metric: rate, subject: sex=f, atLeast: 0.8}\n");
    assertTrue(m.contains("suite.yaml:7:") && m.contains("no category 'f'") && m.contains("Did you mean 'F'?"), m);
  }

  @Test
  void anUnknownParameterGetsDidYouMean() throws Exception {
    String m = load("  - type: performance\n    params: {minRow: 5}\n    conditions:\n      - {metric: accuracy, atLeast: 0.8}\n");
    assertTrue(m.contains("suite.yaml:6:") && m.contains("no parameter 'minRow'") && m.contains("Did you mean 'minRows'?"), m);
  }

  @Test
  void theCheckRecordsOwnValidationIsReportedAtTheParameter() throws Exception {
    String m = load("  - type: performance\n    params:\n      minRows: 0\n    conditions:\n      - {metric: accuracy, atLeast: 0.8}\n");
    assertTrue(m.contains("suite.yaml:7:16") && m.contains("minRows"), m);
    m = load("  - type: performance\n    params:\n      confidence: 2\n    conditions:\n      - {metric: accuracy, atLeast: 0.8}\n");
    assertTrue(m.contains("suite.yaml:7:19") && m.contains("confidence"), m);
  }

  @Test
  void theJavaBuilderRefusesTheSameMistakes() {
    Suite.Builder b = Suite.builder("t").data(RunFixtures.table(10, false)).model(RunFixtures.good("m"));
    String m = assertThrows(IllegalArgumentException.class, () -> Suite.builder("t").data(RunFixtures.table(10, false)).model(RunFixtures.good("m"))
        .check(CheckSpec.of("p", new PerformanceCheck(), MetricCondition.atLeast("acuracy", 0.8))).build()).getMessage();
    assertTrue(m.contains("Did you mean 'accuracy'?"), m);
    m = assertThrows(IllegalArgumentException.class, () -> Suite.builder("t").data(RunFixtures.table(10, false)).model(RunFixtures.good("m"))
        .check(CheckSpec.of("p", new PerformanceCheck(), MetricCondition.atLeast("accuracy", 0.8).forSubject("sex=F"))).build()).getMessage();
    assertTrue(m.contains("sex=F"), m);
    m = assertThrows(IllegalArgumentException.class, () -> b
        .check(CheckSpec.of("s", new SliceCheck(), MetricCondition.atLeast("rate", 0.8).forSubject(Subject.slice("sex", "f")))).build()).getMessage();
    assertTrue(m.contains("no category 'f'") && m.contains("Did you mean 'F'?"), m);
    assertThrows(dev.gauntlet.harness.metric.ParamException.class, () -> new PerformanceCheck(0, 0.95));
  }
}

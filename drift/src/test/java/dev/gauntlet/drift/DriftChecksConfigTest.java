package dev.gauntlet.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.CheckType;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.metric.ParamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftChecksConfigTest {
  static final Schema SCHEMA = new DriftData(1, 0, 0).schema;

  static Object create(String type, String yaml) {
    CheckType t = new SuiteLoader().checkTypes().get(type);
    return t.create(ConfigNode.parse("suite.yaml", yaml), SCHEMA);
  }

  @Test
  void theFourTypesAreFoundThroughTheServiceLoader() {
    for (String t : new String[] {"drift.temporal", "drift.features", "drift.simulation", "drift.detectors"}) {
      assertTrue(new SuiteLoader().checkTypes().containsKey(t), t);
    }
  }

  @Test
  void validParamsBuildTheCheck() {
    TemporalHoldoutCheck c = assertInstanceOf(TemporalHoldoutCheck.class, create("drift.temporal", "{window: quarter, reference: 4, maxDrop: 0.05}"));
    assertEquals(new WindowSpec("date", WindowUnit.QUARTER, 0, 4, WindowSpec.Origin.FIXED, 30), c.spec());
    assertEquals(java.util.List.of("g"), c.groups(), "default groups: the categorical protected attributes");
    assertInstanceOf(FeatureDriftCheck.class, create("drift.features", "{window: rows, rows: 500, origin: rolling, correction: holm}"));
    assertInstanceOf(ShiftSimulationCheck.class, create("drift.simulation", "{shift: covariate, feature: g, level: B, onset: gradual}"));
    assertInstanceOf(DetectorCheck.class, create("drift.detectors", "{source: sea, rows: 5000}"));
  }

  @Test
  void mistakesAreReportedAtTheirPlace() {
    assertMessage("drift.temporal", "window: fortnight", "suite.yaml:1:9: 'window': unknown value 'fortnight'; expected one of day, week, month, quarter, rows");
    assertMessage("drift.temporal", "{window: month, rows: 5}", "'rows' applies only to window: rows");
    assertMessage("drift.temporal", "reference: 0", "reference must be auto, table, or a number of leading windows (at least 1), got 0");
    assertMessage("drift.temporal", "groups: [x]", "group column 'x' is numeric; groups need a categorical or binary column");
    assertMessage("drift.features", "features: [nope]", "schema 'synthetic' has no column 'nope'");
    assertMessage("drift.features", "bins: 1", "bins must be in [2, 100], got 1");
    assertMessage("drift.simulation", "shift: covariate", "this shift needs 'feature:' (a feature column)");
    assertMessage("drift.simulation", "{shift: covariate, feature: g}", "needs 'level:'");
    assertMessage("drift.simulation", "{shift: concept, feature: g}", "a concept shift moves a boundary along a numeric feature");
    assertMessage("drift.simulation", "{shift: prior, severities: [0, 1.5]}", "every severity must be in [0, 1], got 1.5");
    assertMessage("drift.detectors", "{source: model, rows: 10}", "'rows' sets the length of a synthetic stream");
    assertMessage("drift.features", "alpha: 2", "alpha must be in (0, 1), got 2.0");
  }

  @Test
  void oneValidatorForJavaAndYaml() {
    WindowSpec spec = new WindowSpec("date", WindowUnit.MONTH, 0, 12, WindowSpec.Origin.FIXED, 30);
    ParamException fromJava = assertThrows(ParamException.class, () -> new TemporalHoldoutCheck(spec, java.util.List.of(), 0.03, 5000));
    assertEquals("horizon", fromJava.param());
    assertEquals("horizon must be in [1, 1000], got 5000", fromJava.getMessage());
    UsageException yaml = assertThrows(UsageException.class, () -> create("drift.temporal", "{maxDrop: 0.03,\n horizon: 5000}"));
    assertTrue(yaml.getMessage().startsWith("suite.yaml:2:11: "), "at the horizon value's line:column: " + yaml.getMessage());
    assertTrue(yaml.getMessage().contains(fromJava.getMessage()), "the record's own message: " + yaml.getMessage());
    // The same for top, bins and the detectors' rows: Java and YAML cannot disagree.
    String top = assertThrows(ParamException.class, () -> new FeatureDriftCheck(spec, java.util.List.of(), 10, 0.05,
        dev.gauntlet.drift.stats.MultipleTesting.BH, Double.NaN, 51, true)).getMessage();
    assertMessage("drift.features", "top: 51", top);
    String rows = assertThrows(ParamException.class, () -> new DetectorCheck(DetectorCheck.Source.SEA, 100)).getMessage();
    assertMessage("drift.detectors", "{source: sea, rows: 100}", rows);
    assertMessage("drift.temporal", "{window: rows, rows: 0}", "rows per window must be at least 1, got 0");
    assertMessage("drift.temporal", "minRows: 0", "minRows must be at least 1, got 0");
    assertMessage("drift.simulation", "{shift: prior, target: 1.5}", "target (the positive share at severity 1) must be in (0, 1), got 1.5");
    assertMessage("drift.temporal", "origin: rolling", "check type 'drift.temporal' has no parameter 'origin'");
  }

  @Test
  void everyTypeDeclaresItsMetricsAndItsChecksReturnThem() {
    SuiteLoader l = new SuiteLoader();
    assertEquals(TemporalHoldoutCheck.METRICS, l.checkTypes().get("drift.temporal").metrics());
    assertEquals(FeatureDriftCheck.METRICS, l.checkTypes().get("drift.features").metrics());
    // drift.simulation publishes the classification metrics and a regression suite's (MAE, RMSE); each check returns its own
    List<String> sim = l.checkTypes().get("drift.simulation").metrics().all().stream().map(d -> d.name()).toList();
    for (var d : ShiftSimulationCheck.METRICS.all()) {
      assertTrue(sim.contains(d.name()), d.name());
    }
    for (var d : RegressionShiftSimulationCheck.METRICS.all()) {
      assertTrue(sim.contains(d.name()), d.name());
    }
    assertEquals(ShiftSimulationCheck.METRICS.all().size() + RegressionShiftSimulationCheck.METRICS.all().size() - 2, sim.size(),
        "detection_delay and false_alarms are shared");
    assertEquals(DetectorCheck.METRICS, l.checkTypes().get("drift.detectors").metrics());
    assertEquals(FeatureDriftCheck.METRICS, ((FeatureDriftCheck) create("drift.features", "{}")).metrics());
    assertEquals(DetectorCheck.METRICS, ((DetectorCheck) create("drift.detectors", "{}")).metrics());
  }

  @Test
  void aTypoInADriftMetricIsExit2AtItsLineAndColumn(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("schema.yaml"), DriftData.SCHEMA);
    Files.writeString(dir.resolve("suite.yaml"), """
        name: typo
        model: {type: precomputed, prediction: pred}
        data: {path: data.csv, schema: schema.yaml}
        checks:
          - id: drift-features
            type: drift.features
            conditions:
              - {metric: max_psy, atMost: 0.25}
        """);
    UsageException e = assertThrows(UsageException.class, () -> new SuiteLoader().load(dir.resolve("suite.yaml"), OptionalLong.empty(), null));
    assertTrue(e.getMessage().contains("suite.yaml:8:"), e.getMessage());
    assertTrue(e.getMessage().contains("Did you mean 'max_psi'"), e.getMessage());
    assertEquals(2, e.exitCode(), "a usage error");
    Files.writeString(dir.resolve("suite.yaml"), Files.readString(dir.resolve("suite.yaml"))
        .replace("{metric: max_psy, atMost: 0.25}", "{metric: ks_p, subject: feature=x&window=2024-03, atLeast: 0.01}\n      - {metric: psi, subject: feature=xx&window=2024-03, atMost: 0.2}"));
    UsageException f = assertThrows(UsageException.class, () -> new SuiteLoader().load(dir.resolve("suite.yaml"), OptionalLong.empty(), null));
    assertTrue(f.getMessage().contains("suite.yaml:9:"), "ks_p[feature=x&window=...] is valid; the unknown feature on line 9 is not: " + f.getMessage());
    assertTrue(f.getMessage().contains("Did you mean 'x'"), f.getMessage());
  }

  static void assertMessage(String type, String yaml, String expected) {
    UsageException e = assertThrows(UsageException.class, () -> create(type, yaml));
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("suite.yaml:1:"), "anchored at the file and line: " + e.getMessage());
  }
}

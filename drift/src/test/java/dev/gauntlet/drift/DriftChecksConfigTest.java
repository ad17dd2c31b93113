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
import org.junit.jupiter.api.Test;

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

  static void assertMessage(String type, String yaml, String expected) {
    UsageException e = assertThrows(UsageException.class, () -> create(type, yaml));
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("suite.yaml:1:"), "anchored at the file and line: " + e.getMessage());
  }
}

package dev.gauntlet.monitor;

import static dev.gauntlet.monitor.MonitorCheckTest.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.run.CheckResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feature and prediction drift per monitor window against the reference, against SciPy literals
 * (src/test/resources/dev/gauntlet/monitor/drift_literals.py, which defines the same data) and
 * closed forms: window 2024-01 repeats the reference, window 2024-02 shifts x by 10, moves g to
 * 3:1 and halves the scores.
 */
class ProductionDriftTest {
  @TempDir
  Path dir;

  static final String SCHEMA = """
      name: drifty
      columns:
        - {name: id, type: text, role: id}
        - {name: t, type: timestamp, role: time}
        - {name: x, type: numeric, role: feature}
        - {name: g, type: categorical, role: feature, categories: [a, b]}
        - {name: risk, type: numeric, role: score, range: [0, 1]}
        - {name: y, type: binary, role: label, categories: ["no", "yes"], positive: "yes"}
      """;

  static String suite(String extra) {
    return """
        name: drifty-monitor
        model: {type: precomputed, score: risk, probability: true, threshold: 0.5}
        data: {path: reference.csv, schema: schema.yaml}
        checks:
          - id: production
            type: monitor.performance
            params:
              predictions: {path: predictions.csv}
              labels: {path: labels.csv}
              labelsDueWithin: 30d
              asOf: 2024-04-30
              window: month
              calibration: none
              minLabelled: 1
              minSliceRows: 10
              maxCalibrationError: 1
            conditions:
        """ + (extra.isEmpty() ? "      - {metric: drifted_share, subject: \"window=2024-01\", atMost: 0.5}\n" : extra);
  }

  Path write(String suite) throws Exception {
    StringBuilder ref = new StringBuilder("id,t,x,g,risk,y\n");
    StringBuilder pred = new StringBuilder("id,t,x,g,score\n");
    StringBuilder lab = new StringBuilder("id,y,label_time\n");
    for (int i = 0; i < 40; i++) {
      double s = (i + 0.5) / 40;
      ref.append(String.format(Locale.ROOT, "r%d,2023-11-%02d,%d,%s,%s,%s%n", i, 1 + i % 28, i, i % 2 == 0 ? "a" : "b", s, i >= 20 ? "yes" : "no"));
      pred.append(String.format(Locale.ROOT, "j%d,2024-01-%02d,%d,%s,%s%n", i, 1 + i % 28, i, i % 2 == 0 ? "a" : "b", s));
      pred.append(String.format(Locale.ROOT, "f%d,2024-02-%02d,%d,%s,%s%n", i, 1 + i % 28, i + 10, i % 4 == 0 ? "b" : "a", (i + 0.5) / 80));
      lab.append(String.format(Locale.ROOT, "j%d,%s,2024-01-29%n", i, i >= 20 ? "yes" : "no"));
    }
    Files.writeString(dir.resolve("schema.yaml"), SCHEMA);
    Files.writeString(dir.resolve("reference.csv"), ref);
    Files.writeString(dir.resolve("predictions.csv"), pred);
    Files.writeString(dir.resolve("labels.csv"), lab);
    Path p = dir.resolve("suite.yaml");
    Files.writeString(p, suite);
    return p;
  }

  static Subject fw(String feature, String window) {
    return Subject.feature(feature).with(Subject.Dim.WINDOW, window);
  }

  @Test
  void eachWindowsDriftAgainstTheReferenceMatchesScipy() throws Exception {
    CheckResult c = MonitorCheckTest.run(write(suite("")), dir.resolve("out"));
    assertNull(c.error(), c.error());
    // the unshifted window: nothing moved
    assertEquals(0.0, find(c, "psi", fw("x", "2024-01")).value(), 1e-12);
    assertEquals(0.0, find(c, "ks_d", fw("x", "2024-01")).value(), 1e-12);
    assertEquals(0.0, find(c, "psi", fw("g", "2024-01")).value(), 1e-12);
    assertEquals(0.0, find(c, "drifted_share", Subject.window("2024-01")).value());
    // x + 10: KS D = 10/40 and Wasserstein 10 in closed form; the KS p-value and PSI from SciPy / numpy
    assertEquals(0.25, find(c, "ks_d", fw("x", "2024-02")).value(), 1e-12);
    assertEquals(10.0, find(c, "wasserstein", fw("x", "2024-02")).value(), 1e-9);
    assertEquals(0.16497269950224194, find(c, "ks_p", fw("x", "2024-02")).value(), 1e-9);
    assertEquals(0.16497269950224194, find(c, "drift_score", fw("x", "2024-02")).value(), 1e-9, "a reference of 40 rows: the KS test decides");
    assertEquals(1.9545103352839803, find(c, "psi", fw("x", "2024-02")).value(), 1e-9);
    assertEquals(40, find(c, "psi", fw("x", "2024-02")).n());
    // g from 1:1 to 3:1
    assertEquals(5.333333333333334, find(c, "chi2", fw("g", "2024-02")).value(), 1e-9);
    assertEquals(0.020921335337794004, find(c, "chi2_p", fw("g", "2024-02")).value(), 1e-9);
    assertEquals(0.2746530721670274, find(c, "psi", fw("g", "2024-02")).value(), 1e-9);
    assertEquals(0.1839077909404743, find(c, "js", fw("g", "2024-02")).value(), 1e-9);
    // the served score halved, and so no decision is positive any more
    assertEquals(0.5, find(c, "ks_d", fw("score", "2024-02")).value(), 1e-12);
    assertEquals(6.5768913245274e-05, find(c, "ks_p", fw("score", "2024-02")).value(), 1e-12);
    assertEquals(3.5648764974037377, find(c, "psi", fw("score", "2024-02")).value(), 1e-9);
    assertEquals(26.666666666666668, find(c, "chi2", fw("prediction", "2024-02")).value(), 1e-9);
    assertEquals(4.604318466668949, find(c, "psi", fw("prediction", "2024-02")).value(), 1e-9);
    assertEquals(0.46450140402245893, find(c, "js", fw("prediction", "2024-02")).value(), 1e-9);
    // BH over the 4 columns of 2024-02 (p 2.4e-7, 6.6e-5, 0.0209, 0.165): g's q = 0.0209 * 4/3 < 0.05 drifts, x's q = 0.165 does not
    assertEquals(0.5, find(c, "drifted_share", Subject.window("2024-02")).value(), 1e-12);
    Evidence.Heatmap hm = c.evidence().stream().filter(e -> e instanceof Evidence.Heatmap).map(e -> (Evidence.Heatmap) e).findFirst().orElseThrow();
    assertEquals(java.util.List.of("x", "g", "score", "prediction"), hm.rowLabels());
    assertEquals(java.util.List.of("2024-01", "2024-02"), hm.columnLabels());
  }

  @Test
  void driftConditionsAreGatedLikeAnyMetric() throws Exception {
    CheckResult pass = MonitorCheckTest.run(write(suite("      - {metric: psi, subject: \"feature=x&window=2024-01\", atMost: 0.1}\n")),
        dir.resolve("out1"));
    assertEquals("PASS", pass.outcome().name());
    CheckResult fail = MonitorCheckTest.run(write(suite("      - {metric: psi, atMost: 0.25}\n")), dir.resolve("out2"));
    assertNull(fail.error(), fail.error());
    assertEquals("FAIL", fail.outcome().name(), "every window and column is judged; x's PSI 1.95 in 2024-02 is above 0.25");
  }

  @Test
  void aWindowBelowMinSliceRowsIsInconclusiveNotPassing() throws Exception {
    CheckResult c = MonitorCheckTest.run(write(suite("      - {metric: psi, subject: \"feature=x&window=2024-01\", atMost: 10}\n")
        .replace("minSliceRows: 10", "minSliceRows: 41")), dir.resolve("out"));
    assertNull(c.error(), c.error());
    assertNotNull(find(c, "psi", fw("x", "2024-01")).inconclusive());
    assertEquals("INCONCLUSIVE", c.outcome().name());
  }

  @Test
  void driftFeaturesNarrowTheColumnsAndAnUnknownOneIsRefusedAtItsItem() throws Exception {
    CheckResult c = MonitorCheckTest.run(write(suite("").replace("maxCalibrationError: 1", "maxCalibrationError: 1\n      driftFeatures: [g]")),
        dir.resolve("out"));
    assertNull(c.error(), c.error());
    assertTrue(c.measurements().stream().noneMatch(m -> m.subject().equals(fw("x", "2024-02"))), "x is not watched");
    assertEquals(1.0, find(c, "drifted_share", Subject.window("2024-02")).value(), 1e-12, "of the one watched feature g, which drifts");
    Path bad = write(suite("").replace("maxCalibrationError: 1", "maxCalibrationError: 1\n      driftFeatures: [g, risk]"));
    UsageException e = assertThrows(UsageException.class, () -> new SuiteLoader().load(bad, OptionalLong.empty(), null));
    assertTrue(e.getMessage().contains("risk") && e.getMessage().contains("suite.yaml:"), e.getMessage());
  }
}

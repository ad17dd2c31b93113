package dev.gauntlet.drift;

import static dev.gauntlet.drift.TemporalHoldoutCheckTest.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.drift.stats.MultipleTesting;
import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import java.util.List;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import org.junit.jupiter.api.Test;

class FeatureDriftCheckTest {
  static final DriftData SHIFTED = new DriftData(200, 1.0, 2);

  static FeatureDriftCheck check(WindowSpec.Origin origin) {
    return new FeatureDriftCheck(new WindowSpec("date", WindowUnit.MONTH, 0, 12, origin, 30), List.of(), 10, 0.05, MultipleTesting.BH,
        Double.NaN, 2, true);
  }

  @Test
  void theShiftedFeatureDriftsAndTheStationaryOnesDoNot() {
    CheckValue v = check(WindowSpec.Origin.FIXED).run(DriftData.context(SHIFTED.table, null));
    // x moves by one standard deviation: under N(0,1) vs N(1,1) over decile bins the PSI is about 1.
    assertTrue(find(v, "max_psi", Subject.feature("x")).value() > 0.5, "x: " + find(v, "max_psi", Subject.feature("x")));
    assertTrue(find(v, "psi", Subject.feature("x").with(Dim.WINDOW, "2024-06")).value() > 0.25);
    assertTrue(find(v, "max_psi", Subject.feature("z")).value() < 0.25, "z is stationary: " + find(v, "max_psi", Subject.feature("z")));
    assertTrue(find(v, "max_psi", Subject.feature("g")).value() < 0.05);
    // Reference of 2,400 rows: Evidently's default for a numeric column is the normed Wasserstein distance, about 1 for x.
    assertEquals(1.0, find(v, "drift_score", Subject.feature("x").with(Dim.WINDOW, "2024-12")).value(), 0.25);
    // On 200-row months sampling noise alone gives normed Wasserstein distances near 0.1 (z drifts "by default"
    // in some months); on 600-row quarters only x crosses the 0.1 threshold.
    CheckValue quarterly = new FeatureDriftCheck(new WindowSpec("date", WindowUnit.QUARTER, 0, 4, WindowSpec.Origin.FIXED, 30), List.of(), 10, 0.05,
        MultipleTesting.BH, Double.NaN, 2, true).run(DriftData.context(SHIFTED.table, null));
    assertEquals(1.0 / 3, find(quarterly, "last_window_drifted_share", Subject.all()).value(), 1e-12, "x drifts, z and g do not");
    // The decisions follow x > 0, so the prediction drifts too.
    assertTrue(find(v, "max_prediction_psi", Subject.all()).value() > 0.25);
    Evidence.Heatmap h = v.evidence().stream().filter(e -> e instanceof Evidence.Heatmap).map(e -> (Evidence.Heatmap) e).findFirst().orElseThrow();
    assertEquals(List.of("x", "z", "g", FeatureDriftCheck.DECISION), h.rowLabels());
    assertEquals(12, h.columnLabels().size());
    assertTrue(v.evidence().stream().anyMatch(e -> e.title().startsWith("#1 drifted: x")), "x is the most drifted feature");
  }

  CheckValue shiftedRun() {
    return check(WindowSpec.Origin.FIXED).run(DriftData.context(SHIFTED.table, null));
  }

  @Test
  void noShiftMeansNoDriftedFeatureAndSmallPsi() {
    DriftData still = new DriftData(200, 0.0, 3);
    CheckValue v = check(WindowSpec.Origin.FIXED).run(DriftData.context(still.table, null));
    // With 10 bins, a 200-row window and a 2,400-row reference, PSI under no shift is about
    // (bins - 1)(1/200 + 1/2400) = 0.049 with SD about 0.023; the largest of 12 windows stays well below 0.2.
    for (String f : List.of("x", "z")) {
      assertTrue(find(v, "max_psi", Subject.feature(f)).value() < 0.2, f + ": " + find(v, "max_psi", Subject.feature(f)));
    }
    assertTrue(find(v, "max_psi", Subject.feature("g")).value() < 0.05, "two categories: PSI noise is about 1/200");
    assertTrue(find(v, "max_psi", Subject.feature("x")).value() < 0.5 * find(new FeatureDriftCheckTest().shiftedRun(), "max_psi", Subject.feature("x")).value());
  }

  @Test
  void rollingOriginComparesWithThePreviousWindow() {
    CheckValue v = check(WindowSpec.Origin.ROLLING).run(DriftData.context(SHIFTED.table, null));
    // The first window is compared with the reference (x jumps); later windows with their predecessor (x stays).
    assertTrue(find(v, "psi", Subject.feature("x").with(Dim.WINDOW, "2024-01")).value() > 0.5);
    assertTrue(find(v, "psi", Subject.feature("x").with(Dim.WINDOW, "2024-07")).value() < 0.25);
  }

  @Test
  void smallReferenceUsesPValueTestsWithAdjustedPValues() {
    DriftData small = new DriftData(40, 1.0, 4);
    CheckValue v = new FeatureDriftCheck(new WindowSpec("date", WindowUnit.QUARTER, 0, 4, WindowSpec.Origin.FIXED, 30), List.of("x", "z"), 10, 0.05,
        MultipleTesting.HOLM, Double.NaN, 1, false).run(DriftData.context(small.table, null));
    // 480 reference rows (<= 1000): KS p-values; x shifted by 1 SD over 120 rows is unmistakable.
    assertTrue(find(v, "drift_score", Subject.feature("x").with(Dim.WINDOW, "2024Q4")).value() < 1e-6);
    Evidence.Table t = v.evidence().stream().filter(e -> e instanceof Evidence.Table).map(e -> (Evidence.Table) e).findFirst().orElseThrow();
    assertEquals("KS p-value", t.rows().get(0).get(1));
    assertTrue(t.rows().get(0).get(5).startsWith("KS D"), "effect size beside the p-value");
  }
}

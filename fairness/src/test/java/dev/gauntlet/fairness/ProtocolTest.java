package dev.gauntlet.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Judgement;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.config.CheckType;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.ParamException;
import dev.gauntlet.harness.metric.Subject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fairness check under the typed metric protocol: declarations, subjects, interval levels, evidence rules, one validator. */
class ProtocolTest {
  private static final double EPS = 1e-12;

  private static CheckType type() {
    return new FairnessChecks().types().get(0);
  }

  private static SliceCheck fromYaml(String yaml) {
    return (SliceCheck) type().create(ConfigNode.parse("suite.yaml", yaml), Fixtures.schema());
  }

  @Test
  void everyMeasurementIsDeclaredWithItsSubjectShape() {
    assertSame(SliceCheck.METRICS, type().metrics());
    SliceCheck check = fromYaml("attributes: [sex, region]\nintersections: 2\nbootstrap: 200");
    assertSame(SliceCheck.METRICS, check.metrics());
    CheckValue v = Fixtures.run(check, Fixtures.small());
    for (Measurement m : v.measurements()) {
      SliceCheck.METRICS.validate(m.metric(), m.subject(), "fairness.slices");
    }
    // Names generated from the enums are all declared; fpr_diff and fnr_diff by these names.
    for (Rate r : Rate.values()) {
      assertTrue(SliceCheck.METRICS.find(r.metric()).isPresent(), r.metric());
    }
    for (Disparity d : Disparity.values()) {
      for (String suffix : List.of("_diff", "_ratio", "_maxmin")) {
        assertTrue(SliceCheck.METRICS.find(d.key() + suffix).isPresent(), d.key() + suffix);
      }
    }
    assertTrue(SliceCheck.METRICS.find("fpr_diff").get().interval());
    assertTrue(SliceCheck.METRICS.find("fnr_diff").get().interval());
    // Intersections: attribute order as configured, a typed subject.
    assertNotNull(Fixtures.find(v, "n", Subject.slice("sex", "F").and("region", "north")));
    assertNotNull(Fixtures.find(v, "demographic_parity_maxmin", Subject.all().with(Subject.Dim.FEATURE, "region")));
    // an intersection's across-slice metrics are addressable in a condition: feature=sex*region
    assertNotNull(Fixtures.find(v, "demographic_parity_maxmin", Subject.parse("feature=sex*region")));
    // Conditions are validated against the declarations: a slice metric takes no whole-data subject.
    assertThrows(IllegalArgumentException.class, () -> SliceCheck.METRICS.validate("disparate_impact", Subject.all(), "fairness.slices"));
    assertThrows(IllegalArgumentException.class, () -> SliceCheck.METRICS.validate("disparate_impact_sex", null, "fairness.slices"));
  }

  @Test
  void overallRowAndFprFnrDifferencesMatchAHandCount() {
    CheckValue v = Fixtures.run(fromYaml("attributes: [sex]\nreference: {sex: M}\nbootstrap: 200"), Fixtures.small());
    // Hand count of Fixtures.small: F tn 18, fp 2, fn 12, tp 8; M tn 24, fp 6, fn 6, tp 24; all: tn 42, fp 8, fn 18, tp 32.
    Subject all = Subject.all();
    assertEquals(100, Fixtures.find(v, "n", all).value(), EPS);
    assertEquals(40.0 / 100, Fixtures.find(v, "selection_rate", all).value(), EPS);
    assertEquals(74.0 / 100, Fixtures.find(v, "accuracy", all).value(), EPS);
    assertEquals(32.0 / 50, Fixtures.find(v, "tpr", all).value(), EPS);
    assertEquals(8.0 / 50, Fixtures.find(v, "fpr", all).value(), EPS);
    Measurement fnrAll = Fixtures.find(v, "fnr", all);
    assertEquals(18.0 / 50, fnrAll.value(), EPS);
    assertEquals(Interval.Method.WILSON, fnrAll.interval().method());
    assertEquals(0.95, fnrAll.interval().level(), 0);
    // FPR: 2/20 against 6/30; FNR: 12/20 against 6/30.
    Subject f = Fixtures.slice("sex", "F");
    Measurement fpr = Fixtures.find(v, "fpr_diff", f);
    Measurement fnr = Fixtures.find(v, "fnr_diff", f);
    assertEquals(2.0 / 20 - 6.0 / 30, fpr.value(), EPS);
    assertEquals(12.0 / 20 - 6.0 / 30, fnr.value(), EPS);
    for (Measurement m : List.of(fpr, fnr)) {
      assertNull(m.inconclusive());
      assertEquals(Interval.Method.BOOTSTRAP, m.interval().method());
      assertTrue(m.interval().contains(m.value()), m.toString());
    }
    // Equalized odds is the larger of the TPR and FPR gaps; the FNR gap is the TPR gap's mirror.
    assertEquals(Math.abs(fnr.value()), Fixtures.find(v, "equalized_odds_diff", f).value(), EPS);
  }

  @Test
  void theConfiguredLevelIsTheOneEveryLabelShows() {
    SliceCheck check = fromYaml("attributes: [sex, region]\nreference: {sex: M}\nbootstrap: 200\nconfidence: 0.5");
    CheckValue v = Fixtures.run(check, Fixtures.small());
    int intervals = 0;
    for (Measurement m : v.measurements()) {
      if (m.interval() != null) {
        assertEquals(0.5, m.interval().level(), 0, m.key());
        intervals++;
      }
    }
    assertTrue(intervals > 20, "intervals: " + intervals);
    List<String> texts = new ArrayList<>();
    texts.add(v.summary());
    v.evidence().forEach(e -> texts.add(e.toString()));
    List<Judgement> js = MetricCondition.between("disparate_impact", 0.8, 1.25).forSubject(Fixtures.slice("sex", "F")).judge(v, null);
    js.forEach(j -> texts.add(j.sentence()));
    MetricCondition.atMost("tpr", 2).judge(v, null).forEach(j -> texts.add(j.sentence()));
    for (String t : texts) {
      assertFalse(t.contains("95%"), t);
    }
    assertTrue(texts.stream().anyMatch(t -> t.contains("50%")), String.join("\n", texts));
  }

  @Test
  void singleClassLabelsAreInconclusiveNeverAPass() {
    // Every label is "no": F selects 10 of 40, M 15 of 60, so the disparate impact is 1.0, inside any band.
    List<String[]> rows = new ArrayList<>();
    Fixtures.add(rows, "F", "north", 30, 10, 0, 0);
    Fixtures.add(rows, "M", "south", 45, 15, 0, 0);
    CheckValue v = Fixtures.run(fromYaml("attributes: [sex]\nreference: {sex: M}\nbootstrap: 200"), Fixtures.table(rows));
    Subject f = Fixtures.slice("sex", "F");
    Measurement di = Fixtures.find(v, "disparate_impact", f);
    assertNotNull(di.inconclusive());
    assertTrue(di.inconclusive().contains("only class 'no'"), di.inconclusive());
    for (String metric : List.of("fpr", "accuracy", "tnr", "fpr_diff", "demographic_parity_diff")) {
      assertNotNull(Fixtures.find(v, metric, f).inconclusive(), metric);
    }
    assertNotNull(Fixtures.find(v, "accuracy", Subject.all()).inconclusive());
    assertNotNull(Fixtures.find(v, "significant_disparities", Subject.all()).inconclusive());
    // What the labels and decisions alone describe stays measured.
    assertNull(Fixtures.find(v, "selection_rate", f).inconclusive());
    assertEquals(0.25, Fixtures.find(v, "selection_rate", f).value(), EPS);
    List<Judgement> js = MetricCondition.between("disparate_impact", 0.8, 1.25).forSubject(f).judge(v, null);
    assertEquals(Outcome.INCONCLUSIVE, js.get(0).outcome());
    assertNotEquals(Outcome.PASS, js.get(0).outcome());
    assertTrue(v.summary().startsWith("Inconclusive: the labels hold only class 'no'"), v.summary());
  }

  @Test
  void slicesBelowTheMinimumAreInconclusiveWithTheReason() {
    CheckValue v = Fixtures.run(fromYaml("attributes: [region]\nbootstrap: 0"), Fixtures.small());
    Measurement east = Fixtures.find(v, "tpr", Fixtures.slice("region", "east"));
    assertTrue(east.inconclusive().contains("below the minimum of 30"), east.inconclusive());
  }

  @Test
  void javaAndYamlShareOneValidatorAndYamlPointsAtTheParameter() {
    List<SliceConfig.Attribute> sex = List.of(SliceConfig.Attribute.categorical("sex"));
    Map<String, String> yaml = Map.of(
        "minSize", "attributes: [sex]\nminSize: 0",
        "confidence", "attributes: [sex]\nconfidence: 1.5",
        "bootstrap", "attributes: [sex]\nbootstrap: 50",
        "intersections", "attributes: [sex]\nintersections: 2",
        "alpha", "attributes: [sex]\nalpha: 0",
        "diffBand", "attributes: [sex]\ndiffBand: 2");
    Map<String, Runnable> java = Map.of(
        "minSize", () -> SliceConfig.of(sex).withMinSize(0),
        "confidence", () -> new SliceConfig(sex, 1, 30, Map.of(), EnumSet.allOf(Disparity.class), 1000, 1.5, 0.05, Double.NaN, new double[] {0.8, 1.25}, 0.1),
        "bootstrap", () -> SliceConfig.of(sex).withBootstrap(50),
        "intersections", () -> SliceConfig.of(sex).withDepth(2),
        "alpha", () -> new SliceConfig(sex, 1, 30, Map.of(), EnumSet.allOf(Disparity.class), 1000, 0.95, 0, Double.NaN, new double[] {0.8, 1.25}, 0.1),
        "diffBand", () -> new SliceConfig(sex, 1, 30, Map.of(), EnumSet.allOf(Disparity.class), 1000, 0.95, 0.05, Double.NaN, new double[] {0.8, 1.25}, 2));
    for (String param : yaml.keySet()) {
      ParamException j = assertThrows(ParamException.class, () -> java.get(param).run(), param);
      assertEquals(param, j.param());
      UsageException y = assertThrows(UsageException.class, () -> fromYaml(yaml.get(param)), param);
      int column = param.length() + 3; // "<param>: <value>" on line 2
      assertTrue(y.getMessage().startsWith("suite.yaml:2:" + column), y.getMessage());
      assertTrue(y.getMessage().endsWith(j.getMessage()), y.getMessage() + " vs " + j.getMessage());
    }
    // confidence 0.5 is allowed (the level the label test uses).
    fromYaml("attributes: [sex]\nconfidence: 0.5");
  }
}

package dev.gauntlet.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Judgement;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-slice rates and disparities on a table whose confusion cells are known by construction. */
class SliceCheckTest {
  private static final double EPS = 1e-12;

  private static SliceCheck fromYaml(String yaml) {
    return (SliceCheck) new FairnessChecks().types().get(0).create(ConfigNode.parse("suite.yaml", yaml), Fixtures.schema());
  }

  @Test
  void selectionRateAndRatioAgainstTheConfiguredReference() {
    CheckValue v = Fixtures.run(fromYaml("attributes: [sex]\nreference: {sex: M}\nbootstrap: 0"), Fixtures.small());
    // F selects fp+tp = 2+8 of 40; M 6+24 of 60 (hand counts from Fixtures.small).
    assertEquals(10.0 / 40, Fixtures.find(v, "selection_rate", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(30.0 / 60, Fixtures.find(v, "selection_rate", Fixtures.slice("sex", "M")).value(), EPS);
    assertEquals(0.25 / 0.5, Fixtures.find(v, "selection_rate_ratio", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(0.25 / 0.5, Fixtures.find(v, "disparate_impact", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(0.25 - 0.5, Fixtures.find(v, "demographic_parity_diff", Fixtures.slice("sex", "F")).value(), EPS);
    // The reference has no disparity against itself.
    assertTrue(v.measurements().stream().noneMatch(m -> m.metric().equals("disparate_impact") && m.subject().equals(Fixtures.slice("sex", "M"))));
  }

  @Test
  void everyRateMatchesTheHandCounts() {
    CheckValue v = Fixtures.run(fromYaml("attributes: [sex]\nreference: {sex: M}\nbootstrap: 0"), Fixtures.small());
    // F: tn 18, fp 2, fn 12, tp 8.
    assertEquals(40, Fixtures.find(v, "n", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(20.0 / 40, Fixtures.find(v, "base_rate", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(26.0 / 40, Fixtures.find(v, "accuracy", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(8.0 / 20, Fixtures.find(v, "tpr", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(2.0 / 20, Fixtures.find(v, "fpr", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(12.0 / 20, Fixtures.find(v, "fnr", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(18.0 / 20, Fixtures.find(v, "tnr", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(8.0 / 10, Fixtures.find(v, "ppv", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(18.0 / 30, Fixtures.find(v, "npv", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(2.0 / 10, Fixtures.find(v, "fdr", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(12.0 / 30, Fixtures.find(v, "for", Fixtures.slice("sex", "F")).value(), EPS);
    // M: tn 24, fp 6, fn 6, tp 24. Equal opportunity: 0.4 - 0.8; equalized odds: max(|0.4-0.8|, |0.1-0.2|).
    assertEquals(0.4 - 0.8, Fixtures.find(v, "equal_opportunity_diff", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(0.4 / 0.8, Fixtures.find(v, "equal_opportunity_ratio", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(0.4, Fixtures.find(v, "equalized_odds_diff", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(0.0, Fixtures.find(v, "predictive_parity_diff", Fixtures.slice("sex", "F")).value(), EPS);
    assertEquals(26.0 / 40 - 48.0 / 60, Fixtures.find(v, "accuracy_diff", Fixtures.slice("sex", "F")).value(), EPS);
  }

  @Test
  void theLargestSliceIsTheDefaultReference() {
    CheckValue v = Fixtures.run(fromYaml("attributes: [sex]\nbootstrap: 0"), Fixtures.small());
    assertNotNull(Fixtures.find(v, "disparate_impact", Fixtures.slice("sex", "F")));
    assertTrue(v.measurements().stream().noneMatch(m -> m.metric().equals("disparate_impact") && m.subject().equals(Fixtures.slice("sex", "M"))));
  }

  @Test
  void smallAndEmptySlicesAreInconclusiveNeverDropped() {
    CheckValue v = Fixtures.run(fromYaml("attributes: [sex, region]\nintersections: 2\nbootstrap: 0"), Fixtures.small());
    Measurement east = Fixtures.find(v, "selection_rate", Fixtures.slice("region", "east"));
    assertNotNull(east.inconclusive(), "5 rows is below the default minimum of 30");
    assertEquals(5, Fixtures.find(v, "n", Fixtures.slice("region", "east")).value(), EPS);
    Measurement empty = Fixtures.find(v, "selection_rate", Fixtures.slice("sex", "M", "region", "north"));
    assertNotNull(empty.inconclusive());
    assertEquals(0, Fixtures.find(v, "n", Fixtures.slice("sex", "M", "region", "north")).value(), EPS);
    assertNotNull(Fixtures.find(v, "disparate_impact", Fixtures.slice("region", "east")).inconclusive());
    assertNull(Fixtures.find(v, "selection_rate", Fixtures.slice("sex", "F", "region", "north")).inconclusive(), "35 rows is enough");
    // A condition on an inconclusive slice is INCONCLUSIVE, not PASS.
    List<Judgement> js = MetricCondition.between("disparate_impact", 0.8, 1.25).forSubject(Fixtures.slice("region", "east")).judge(v, null);
    assertEquals(Outcome.INCONCLUSIVE, js.get(0).outcome());
  }

  @Test
  void theYamlTypeIsRegisteredAndRejectsBadParameters() {
    assertTrue(new SuiteLoader().checkTypes().containsKey("fairness.slices"));
    UsageException e = assertThrows(UsageException.class, () -> fromYaml("attributes: [gender]"));
    assertTrue(e.getMessage().contains("no column 'gender'"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("attributes: [sex]\nreference: {sex: X}"));
    assertTrue(e.getMessage().contains("'X' is not a value of 'sex'"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("attributes: [sex]\nminSize: 0"));
    assertTrue(e.getMessage().contains("minSize"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("attributes: [sex]\nintersections: 2"));
    assertTrue(e.getMessage().contains("intersections"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("attributes: [sex]\ncolour: red"));
    assertTrue(e.getMessage().contains("no parameter 'colour'"), e.getMessage());
  }
}

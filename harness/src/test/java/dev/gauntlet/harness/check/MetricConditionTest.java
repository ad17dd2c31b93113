package dev.gauntlet.harness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricConditionTest {

  static Measured value(Measurement... ms) {
    return new CheckValue(List.of(ms), List.of(), "");
  }

  static Outcome one(MetricCondition c, Measured v, Measured base) {
    List<Judgement> js = c.judge(v, base);
    assertEquals(1, js.size());
    return js.get(0).outcome();
  }

  @Test
  void atLeastWithWarnLevel() {
    MetricCondition c = MetricCondition.atLeast("accuracy", 0.8).warnAt(0.85);
    assertEquals(Outcome.FAIL, one(c, value(Measurement.of("accuracy", 0.79)), null));
    assertEquals(Outcome.WARN, one(c, value(Measurement.of("accuracy", 0.83)), null));
    assertEquals(Outcome.PASS, one(c, value(Measurement.of("accuracy", 0.85)), null));
    assertEquals(Outcome.WARN, one(c, value(Measurement.of("accuracy", 0.80)), null), "the fail threshold itself does not fail");
    assertEquals(Outcome.PASS, one(MetricCondition.atLeast("accuracy", 0.8), value(Measurement.of("accuracy", 0.80)), null));
  }

  @Test
  void bandJudgesEverySubjectAndUsesTheWholeIntervalWhenAsked() {
    Measured v = value(
        Measurement.of("di", dev.gauntlet.harness.metric.Subject.slice("sex", "F"), 0.70, dev.gauntlet.harness.metric.Interval.of(0.60, 0.78, 0.95, dev.gauntlet.harness.metric.Interval.Method.WILSON), 500),
        Measurement.of("di", dev.gauntlet.harness.metric.Subject.slice("sex", "M"), 1.00, dev.gauntlet.harness.metric.Interval.of(0.90, 1.10, 0.95, dev.gauntlet.harness.metric.Interval.Method.WILSON), 500),
        Measurement.of("di", dev.gauntlet.harness.metric.Subject.slice("region", "e"), 0.85, dev.gauntlet.harness.metric.Interval.of(0.75, 0.95, 0.95, dev.gauntlet.harness.metric.Interval.Method.WILSON), 80),
        Measurement.inconclusive("di", dev.gauntlet.harness.metric.Subject.slice("region", "w"), 0.5, 12, "only 12 rows; the minimum is 30"));
    List<Judgement> point = MetricCondition.between("di", 0.8, 1.25).judge(v, null);
    assertEquals(List.of(Outcome.FAIL, Outcome.PASS, Outcome.PASS, Outcome.INCONCLUSIVE), point.stream().map(Judgement::outcome).toList());
    List<Judgement> whole = MetricCondition.between("di", 0.8, 1.25).using(MetricCondition.IntervalRule.WHOLE_INTERVAL).judge(v, null);
    assertEquals(List.of(Outcome.FAIL, Outcome.PASS, Outcome.WARN, Outcome.INCONCLUSIVE), whole.stream().map(Judgement::outcome).toList());
    assertTrue(whole.get(2).sentence().contains("crosses the edge of the band [0.8, 1.25]"), whole.get(2).sentence());
    assertEquals("sex=F", point.get(0).subject().toString());
  }

  @Test
  void changeAgainstTheBaseline() {
    MetricCondition drop = MetricCondition.maxDrop("accuracy", 0.02);
    assertEquals(Outcome.FAIL, one(drop, value(Measurement.of("accuracy", 0.80)), value(Measurement.of("accuracy", 0.83))));
    assertEquals(Outcome.PASS, one(drop, value(Measurement.of("accuracy", 0.81)), value(Measurement.of("accuracy", 0.83))));
    assertEquals(Outcome.PASS, one(drop, value(Measurement.of("accuracy", 0.90)), value(Measurement.of("accuracy", 0.83))));
    assertEquals(Outcome.INCONCLUSIVE, one(drop, value(Measurement.of("accuracy", 0.9)), null), "no baseline: cannot compare, never a pass");
    MetricCondition rise = MetricCondition.maxRise("gap", 0.05);
    assertEquals(Outcome.FAIL, one(rise, value(Measurement.of("gap", 0.20)), value(Measurement.of("gap", 0.10))));
  }

  @Test
  void aMissingMetricIsAnErrorNotAPass() {
    Judgement j = MetricCondition.atLeast("recall", 0.5).judge(value(Measurement.of("accuracy", 0.9)), null).get(0);
    assertEquals(Outcome.ERROR, j.outcome());
    assertTrue(j.sentence().contains("measured no 'recall'; it measured: accuracy"), j.sentence());
  }

  @Test
  void contradictoryThresholdsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> MetricCondition.atLeast("a", 0.9).warnAt(0.8));
    assertThrows(IllegalArgumentException.class, () -> MetricCondition.between("a", 1.2, 0.8));
    assertThrows(IllegalArgumentException.class, () -> MetricCondition.maxDrop("a", -0.1));
    assertThrows(IllegalArgumentException.class, () -> Measurement.of("a", Double.NaN));
  }
}

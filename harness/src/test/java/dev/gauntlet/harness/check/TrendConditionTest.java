package dev.gauntlet.harness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.TrendConditions;
import dev.gauntlet.harness.history.History;
import dev.gauntlet.harness.history.HistoryPoint;
import dev.gauntlet.harness.metric.Subject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Trend conditions on hand-made histories; every expected outcome is worked out by hand in the comments. */
class TrendConditionTest {

  static Measured value(double accuracy) {
    return new CheckValue(List.of(Measurement.of("accuracy", Subject.all(), accuracy, 1000)), List.of(), "");
  }

  /** Runs 1..n of check 'perf', one day apart, with these accuracies; the runs in {@code promoted} are marked. */
  static History history(double[] values, int... promoted) {
    List<HistoryPoint> ps = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      boolean p = false;
      for (int k : promoted) {
        p |= k == i + 1;
      }
      ps.add(new HistoryPoint(i + 1, String.format("2026-01-%02dT00:00:00Z", i + 1), "sha", true, p, "perf", "accuracy", Subject.all(), values[i], null));
    }
    return History.of(ps);
  }

  static Judgement one(TrendCondition c, Measured v, History h) {
    List<Judgement> js = c.judge(v, h, "perf");
    assertEquals(1, js.size());
    return js.get(0);
  }

  @Test
  void maxDropFromPromotedComparesWithTheLastPromotedRun() {
    // promoted runs: #1 (0.90) and #3 (0.88); #2 (0.95) is not promoted -> the reference is 0.88
    History h = history(new double[] {0.90, 0.95, 0.88, 0.99}, 1, 3);
    TrendCondition c = TrendCondition.maxDropFromPromoted("accuracy", 0.03);
    Judgement j = one(c, value(0.84), h); // drop 0.04 > 0.03
    assertEquals(Outcome.FAIL, j.outcome());
    assertEquals(0.88, j.baseline());
    assertTrue(j.sentence().contains("#3"), j.sentence());
    assertEquals(Outcome.PASS, one(c, value(0.86), h).outcome()); // drop 0.02
    assertEquals(Outcome.PASS, one(c, value(0.85), h).outcome(), "exactly the allowed drop passes"); // drop 0.03
    assertEquals(Outcome.WARN, one(c.warnAt(0.01), value(0.86), h).outcome()); // 0.02 > 0.01
    assertEquals(Outcome.PASS, one(c, value(0.95), h).outcome()); // a rise
  }

  @Test
  void withoutAPromotedRunTheTrendIsInconclusiveNotPass() {
    Judgement j = one(TrendCondition.maxDropFromPromoted("accuracy", 0.03), value(0.5), history(new double[] {0.9, 0.9}));
    assertEquals(Outcome.INCONCLUSIVE, j.outcome());
    assertTrue(j.sentence().contains("no promoted run"), j.sentence());
    // a promoted run whose value was inconclusive is no reference either
    History h = History.of(List.of(new HistoryPoint(1, "2026-01-01T00:00:00Z", "sha", true, true, "perf", "accuracy", Subject.all(), 0.9, "too few rows")));
    assertEquals(Outcome.INCONCLUSIVE, one(TrendCondition.maxDropFromPromoted("accuracy", 0.03), value(0.5), h).outcome());
  }

  @Test
  void sustainedDropNeedsEveryOneOfTheLastWindowsDown() {
    TrendCondition c = TrendCondition.sustainedDrop("accuracy", 3, 0.04);
    // reference 0.90; span 0.85, 0.84 and now 0.83: drops 0.05, 0.06, 0.07 all >= 0.04
    assertEquals(Outcome.FAIL, one(c, value(0.83), history(new double[] {0.90, 0.85, 0.84})).outcome());
    // an older value before the reference changes nothing: reference is still 0.90
    Judgement j = one(c, value(0.83), history(new double[] {0.50, 0.90, 0.85, 0.84}));
    assertEquals(Outcome.FAIL, j.outcome());
    assertEquals(0.90, j.baseline());
    // span 0.89 (drop 0.01), 0.84, 0.83: not sustained
    assertEquals(Outcome.PASS, one(c, value(0.83), history(new double[] {0.90, 0.89, 0.84})).outcome());
    // this run recovered: 0.90 - 0.87 = 0.03 < 0.04
    assertEquals(Outcome.PASS, one(c, value(0.87), history(new double[] {0.90, 0.85, 0.84})).outcome());
    // two earlier values, three needed
    Judgement few = one(c, value(0.5), history(new double[] {0.85, 0.84}));
    assertEquals(Outcome.INCONCLUSIVE, few.outcome());
    assertTrue(few.sentence().contains("needs 3") && few.sentence().contains("has 2"), few.sentence());
  }

  @Test
  void controlChartFlagsAValueOutsideMeanPlusMinusKSd() {
    // mean 0.8025, sample sd sqrt(0.00075 / 7) = 0.010351, 3 sd = 0.031053: limits [0.771447, 0.833553]
    double[] v = {0.80, 0.82, 0.81, 0.79, 0.80, 0.81, 0.80, 0.79};
    TrendCondition c = TrendCondition.controlChart("accuracy", 3, 8);
    assertEquals(Outcome.FAIL, one(c, value(0.77), history(v)).outcome());
    assertEquals(Outcome.PASS, one(c, value(0.775), history(v)).outcome());
    assertEquals(Outcome.PASS, one(c, value(0.833), history(v)).outcome());
    assertEquals(Outcome.FAIL, one(c, value(0.834), history(v)).outcome());
    assertEquals(0.8025, one(c, value(0.8), history(v)).baseline(), 1e-12);
    // 7 values, 8 needed
    assertEquals(Outcome.INCONCLUSIVE, one(c, value(0.8), history(java.util.Arrays.copyOf(v, 7))).outcome());
    // at sigma 1: limits [0.792149, 0.812851]
    assertEquals(Outcome.FAIL, one(TrendCondition.controlChart("accuracy", 1, 8), value(0.79), history(v)).outcome());
  }

  @Test
  void noHistoryOrAnUnreadableOneIsAnError() {
    TrendCondition c = TrendCondition.sustainedDrop("accuracy", 3, 0.04);
    assertEquals(Outcome.ERROR, one(c, value(0.8), History.none()).outcome());
    Judgement j = one(c, value(0.8), History.unreachable("database is locked"));
    assertEquals(Outcome.ERROR, j.outcome());
    assertTrue(j.sentence().contains("database is locked"), j.sentence());
    assertEquals(Outcome.ERROR, c.judge(value(0.8), null).get(0).outcome(), "judged without a history (plain Condition API): ERROR");
  }

  @Test
  void seriesAreMatchedPerSubjectAndWindowsFormOneSeries() {
    Subject f = Subject.slice("sex", "F");
    List<HistoryPoint> ps = new ArrayList<>();
    String[] months = {"2024-01", "2024-02", "2024-03"};
    for (int i = 0; i < 3; i++) {
      ps.add(new HistoryPoint(1, "2026-01-01T00:00:00Z", "sha", true, false, "perf", "accuracy", f.with(Subject.Dim.WINDOW, months[i]), 0.90 - 0.05 * i, null));
      ps.add(new HistoryPoint(1, "2026-01-01T00:00:00Z", "sha", true, false, "perf", "accuracy", Subject.slice("sex", "M").with(Subject.Dim.WINDOW, months[i]), 0.9, null));
    }
    History h = History.of(ps);
    // F: 0.90, 0.85, 0.80 then now 0.79 -> reference 0.90, drops 0.05, 0.10, 0.11 -> FAIL
    Measured now = new CheckValue(List.of(Measurement.of("accuracy", f.with(Subject.Dim.WINDOW, "2024-04"), 0.79, 100),
        Measurement.of("accuracy", Subject.slice("sex", "M").with(Subject.Dim.WINDOW, "2024-04"), 0.9, 100)), List.of(), "");
    List<Judgement> js = TrendCondition.sustainedDrop("accuracy", 3, 0.04).judge(now, h, "perf");
    assertEquals(List.of(Outcome.FAIL, Outcome.PASS), js.stream().map(Judgement::outcome).toList());
    List<Judgement> onlyF = TrendCondition.sustainedDrop("accuracy", 3, 0.04).forSubject(f.with(Subject.Dim.WINDOW, "2024-04")).judge(now, h, "perf");
    assertEquals(1, onlyF.size());
    assertEquals(Outcome.ERROR, TrendCondition.sustainedDrop("auc", 3, 0.04).judge(now, h, "perf").get(0).outcome(), "a metric not measured");
  }

  @Test
  void theYamlFormsParseAndBadOnesAreRefusedAtTheirNode() {
    TrendCondition a = TrendConditions.parse(ConfigNode.parse("s.yaml", "{metric: accuracy, maxDropFromPromoted: 0.02, warn: 0.01}"));
    assertEquals(TrendCondition.Kind.MAX_DROP_FROM_PROMOTED, a.kind());
    TrendCondition b = TrendConditions.parse(ConfigNode.parse("s.yaml", "{metric: accuracy, subject: sex=F, sustainedDrop: {windows: 3, by: 0.05}}"));
    assertEquals(Subject.slice("sex", "F"), b.subject());
    assertTrue(b.describe().contains("for 3 runs"), b.describe());
    TrendCondition c = TrendConditions.parse(ConfigNode.parse("s.yaml", "{metric: accuracy, controlChart: {}}"));
    assertTrue(c.describe().contains("3 sd") && c.describe().contains("at least 8"), c.describe());
    UsageException e = assertThrows(UsageException.class,
        () -> TrendConditions.parse(ConfigNode.parse("s.yaml", "{metric: accuracy,\n sustainedDrop: {windows: 0, by: 0.05}}")));
    assertTrue(e.getMessage().startsWith("s.yaml:2:") && e.getMessage().contains("windows must be in [1, 1000]"), e.getMessage());
    assertThrows(UsageException.class, () -> TrendConditions.parse(ConfigNode.parse("s.yaml", "{metric: accuracy, controlChart: {sigma: 3, minimum: 8}}")));
    assertThrows(UsageException.class, () -> TrendConditions.parse(ConfigNode.parse("s.yaml", "{metric: a, controlChart: {}, maxDropFromPromoted: 1}")));
    assertThrows(UsageException.class, () -> TrendConditions.parse(ConfigNode.parse("s.yaml", "{metric: a, controlChart: {}, warn: 0.1}")));
  }
}

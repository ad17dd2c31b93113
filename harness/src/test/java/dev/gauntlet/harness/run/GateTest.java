package dev.gauntlet.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.check.Trial;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateTest {

  static CheckResult result(String id, boolean required, Outcome... outcomes) {
    List<Finding> fs = Arrays.stream(outcomes).map(o -> Finding.of("c", null, o, id + " was " + o, Double.NaN, Double.NaN)).toList();
    Outcome worst = Outcome.PASS;
    for (Outcome o : outcomes) {
      worst = worst.worse(o);
    }
    return new CheckResult(id, "T " + id, Trial.PERFORMANCE, "", required, worst, "", List.of("c"), fs, List.of(), List.of(), List.of(), null, null, 0);
  }

  @Test
  void passesOnlyWhenNothingBlocks() {
    Verdict v = Gate.standard().decide(List.of(result("a", true, Outcome.PASS), result("b", true, Outcome.WARN, Outcome.PASS))).verdict();
    assertTrue(v.passed());
    assertEquals(0, v.exitCode());
    assertTrue(v.headline().contains("1 with warnings"), v.headline());
  }

  @Test
  void anErrorAlwaysFailsEvenInAnAdvisoryCheck() {
    Verdict v = Gate.standard().decide(List.of(result("a", true, Outcome.PASS), result("b", false, Outcome.ERROR))).verdict();
    assertFalse(v.passed());
    assertEquals(1, v.exitCode());
    assertEquals(1, v.reasons().size());
    assertTrue(v.reasons().get(0).startsWith("T b [b]: b was ERROR"), v.reasons().get(0));
  }

  @Test
  void requiredFailuresFailAdvisoryOnesDoNot() {
    assertFalse(Gate.standard().decide(List.of(result("a", true, Outcome.FAIL, Outcome.FAIL, Outcome.PASS))).verdict().passed());
    assertTrue(Gate.standard().decide(List.of(result("a", false, Outcome.FAIL))).verdict().passed());
    Verdict v = Gate.standard().decide(List.of(result("a", true, Outcome.FAIL, Outcome.FAIL))).verdict();
    assertTrue(v.reasons().get(0).endsWith("(and 1 more)"), v.reasons().get(0));
  }

  @Test
  void policiesForWarningsAndInconclusiveFindings() {
    List<CheckResult> rs = List.of(result("a", true, Outcome.WARN), result("b", true, Outcome.INCONCLUSIVE, Outcome.PASS));
    assertTrue(new Gate(false, false).decide(rs).verdict().passed());
    assertFalse(new Gate(true, false).decide(rs).verdict().passed());
    assertFalse(new Gate(false, true).decide(rs).verdict().passed());
  }

  @Test
  void aRequiredCheckThatJudgedNothingFailsClosed() {
    assertFalse(Gate.standard().decide(List.of(result("a", true, Outcome.INCONCLUSIVE, Outcome.INCONCLUSIVE))).verdict().passed());
    assertTrue(Gate.standard().decide(List.of(result("a", false, Outcome.INCONCLUSIVE))).verdict().passed());
  }
}

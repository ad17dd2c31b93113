package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Condition;
import dev.gauntlet.harness.check.Judgement;
import dev.gauntlet.harness.check.Measured;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.run.CheckSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The robustness check judges gradient masking by default: a suite that names only robust accuracy
 * still gets {@link MaskingCondition}, which passes when no masking test failed and WARNs (never
 * FAILs) that the robustness figure may be inflated when some did; a suite condition on
 * {@code masking_violations} replaces it, and {@link CheckSpec#withoutDefaultConditions} (YAML
 * {@code defaultConditions: false}) removes it.
 */
class MaskingConditionTest {

  private static final RobustnessCheck CHECK = RobustnessCheck.of(AttackSpec.pgd(Norm.LINF, 10, 1), 0.05, 0.1);

  private static CheckValue value(int violations) {
    return new CheckValue(List.of(Measurement.of("robust_accuracy", Subject.eps(0.05), 0.8, 100),
        Measurement.of("masking_violations", Subject.all(), violations, 100)), List.of(), "");
  }

  @Test
  void robustnessChecksCarryTheMaskingConditionUnlessTurnedOff() {
    CheckSpec<CheckValue> spec = CheckSpec.of("robust", CHECK, AdversarialConditions.robustAccuracyAtLeast(0.05, 0.5));
    assertEquals(2, spec.conditions().size());
    assertTrue(spec.conditions().get(1) instanceof MaskingCondition, spec.conditions().toString());
    assertEquals(1, spec.withoutDefaultConditions().conditions().size());
    assertFalse(spec.withoutDefaultConditions().conditions().get(0) instanceof MaskingCondition);

    Condition<Measured> own = MetricCondition.atMost("masking_violations", 0);
    CheckSpec<CheckValue> strict = CheckSpec.of("robust", CHECK, own);
    assertEquals(List.of(own), strict.conditions(), "a suite condition on masking_violations replaces the default");
  }

  @Test
  void passesWithoutViolationsAndWarnsWithThem() {
    MaskingCondition c = new MaskingCondition();
    List<Judgement> ok = c.judge(value(0), null);
    assertEquals(Outcome.PASS, ok.get(0).outcome());
    List<Judgement> bad = c.judge(value(2), null);
    assertEquals(Outcome.WARN, bad.get(0).outcome(), "masking is a warning, not a failure");
    assertTrue(bad.get(0).sentence().contains("2 of the four gradient-masking tests failed")
        && bad.get(0).sentence().contains("the robustness figure may be inflated"), bad.get(0).sentence());
    CheckValue none = new CheckValue(List.of(Measurement.of("robust_accuracy", Subject.eps(0.05), 0.8, 100)), List.of(), "");
    assertEquals(Outcome.INCONCLUSIVE, c.judge(none, null).get(0).outcome(), "not measured is never a pass");
  }
}

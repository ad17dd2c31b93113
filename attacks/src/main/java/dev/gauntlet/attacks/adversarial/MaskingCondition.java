package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.check.DefaultCondition;
import dev.gauntlet.harness.check.Judgement;
import dev.gauntlet.harness.check.Measured;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.metric.MetricId;
import java.util.List;

/**
 * The robustness check's default condition: every gradient-masking test (Carlini et al. 2019)
 * holds, else a WARN that the robustness figure may be inflated. It never fails a check; a suite
 * that wants masking to fail writes its own condition on {@code masking_violations} (which
 * replaces this one) or turns defaults off ({@code defaultConditions: false}).
 */
record MaskingCondition() implements DefaultCondition {

  static final String METRIC = "masking_violations";

  @Override
  public String metric() {
    return METRIC;
  }

  @Override
  public String describe() {
    return "masking_violations = 0 (default: the gradient-masking tests of Carlini et al. 2019 hold; WARN otherwise)";
  }

  @Override
  public List<Judgement> judge(Measured candidate, Measured baseline) {
    for (Measurement m : candidate.measurements()) {
      if (!m.metric().equals(METRIC)) {
        continue;
      }
      MetricId id = m.id();
      double base = Double.NaN;
      if (baseline != null) {
        for (Measurement b : baseline.measurements()) {
          if (b.metric().equals(METRIC)) {
            base = b.value();
          }
        }
      }
      if (m.inconclusive() != null || Double.isNaN(m.value())) {
        return List.of(new Judgement(id, Outcome.INCONCLUSIVE, "The gradient-masking tests could not be judged: "
            + (m.inconclusive() != null ? m.inconclusive() : "no value") + ".", m.value(), base));
      }
      if (m.value() == 0) {
        return List.of(new Judgement(id, Outcome.PASS, "No gradient-masking test failed.", 0, base));
      }
      return List.of(new Judgement(id, Outcome.WARN, String.format(java.util.Locale.ROOT,
          "%d of the four gradient-masking tests failed (see the Gradient-masking tests table): the robustness figure may be inflated.",
          (long) m.value()), m.value(), base));
    }
    return List.of(Judgement.of(Outcome.INCONCLUSIVE, "The check measured no masking_violations, so gradient masking was not judged."));
  }
}

package dev.gauntlet.harness.run;

import dev.gauntlet.harness.ExitCode;
import dev.gauntlet.harness.check.Outcome;
import java.util.List;
import java.util.Map;

/**
 * The gate's decision.
 *
 * @param passed whether the model may be promoted
 * @param headline one sentence for the report banner and the console
 * @param reasons one sentence per check that stops promotion
 * @param checksByOutcome how many checks ended with each outcome
 * @param gate the policy that decided
 */
public record Verdict(boolean passed, String headline, List<String> reasons, Map<Outcome, Integer> checksByOutcome, Gate gate) {
  public Verdict {
    reasons = List.copyOf(reasons);
    checksByOutcome = Map.copyOf(checksByOutcome);
  }

  /** 0 when passed, 1 when failed. */
  public int exitCode() {
    return passed ? ExitCode.PASSED : ExitCode.GATE_FAILED;
  }
}

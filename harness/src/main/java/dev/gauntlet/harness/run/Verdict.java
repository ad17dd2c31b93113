package dev.gauntlet.harness.run;

import dev.gauntlet.harness.ExitCode;
import dev.gauntlet.harness.check.Outcome;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The gate's decision, made once: every renderer and the console read it and never recompute it.
 *
 * @param passed whether the model may be promoted
 * @param headline one sentence for the report banner and the console, e.g. {@code FAILED: 5 of 13
 *     checks stop this model from being promoted.}
 * @param blockers the checks that stop promotion, with why; empty exactly when {@code passed}
 * @param checksByOutcome how many checks ended with each outcome
 * @param gate the policy that decided
 */
public record Verdict(boolean passed, String headline, List<Blocker> blockers, Map<Outcome, Integer> checksByOutcome, Gate gate) {

  /** One check that stops promotion. */
  public record Blocker(String checkId, String title, String reason) {
    public Blocker {
      Objects.requireNonNull(checkId, "checkId");
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(reason, "reason");
    }

    /** {@code Title [id]: reason}. */
    public String line() {
      return title + " [" + checkId + "]: " + reason;
    }
  }

  public Verdict {
    blockers = List.copyOf(blockers);
    checksByOutcome = Map.copyOf(checksByOutcome);
    if (passed != blockers.isEmpty()) {
      throw new IllegalArgumentException("a verdict passes exactly when nothing blocks it");
    }
  }

  /** One line per blocking check: {@code Title [id]: reason} (also in report.json, for readers of the lines). */
  @com.fasterxml.jackson.annotation.JsonProperty("reasons")
  public List<String> reasons() {
    return blockers.stream().map(Blocker::line).toList();
  }

  /** {@code PASSED} or {@code FAILED}. */
  public String status() {
    return passed ? "PASSED" : "FAILED";
  }

  /** The headline without its status word. */
  public String summary() {
    String prefix = status() + ": ";
    return headline.startsWith(prefix) ? headline.substring(prefix.length()) : headline;
  }

  /** 0 when passed, 1 when failed. */
  public int exitCode() {
    return passed ? ExitCode.PASSED : ExitCode.GATE_FAILED;
  }
}

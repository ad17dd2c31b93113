package dev.gauntlet.harness.run;

import dev.gauntlet.harness.check.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns check results into one {@link Verdict}. Fails closed: any ERROR fails the gate, and so does
 * any FAIL of a required check, and a required check that could not judge anything (all
 * INCONCLUSIVE). Warnings fail only with {@code failOnWarn}; inconclusive findings only with
 * {@code failOnInconclusive}. Thresholds live in the checks' conditions.
 */
public record Gate(boolean failOnWarn, boolean failOnInconclusive) {

  public static Gate standard() {
    return new Gate(false, false);
  }

  public Verdict decide(List<CheckResult> results) {
    List<String> reasons = new ArrayList<>();
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      counts.put(o, 0);
    }
    for (CheckResult r : results) {
      counts.merge(r.outcome(), 1, Integer::sum);
      blockingReason(r).ifPresent(reasons::add);
    }
    boolean passed = reasons.isEmpty();
    String headline;
    if (passed) {
      int warn = counts.get(Outcome.WARN);
      int inc = counts.get(Outcome.INCONCLUSIVE);
      headline = "PASSED: all " + results.size() + " checks met their conditions"
          + (warn + inc > 0 ? " (" + warn + " with warnings, " + inc + " inconclusive)" : "") + ".";
    } else {
      headline = "FAILED: " + reasons.size() + " of " + results.size() + " checks stop this model from being promoted.";
    }
    return new Verdict(passed, headline, reasons, counts, this);
  }

  /**
   * Why a result stops promotion, in one sentence (the text of its entry in
   * {@link Verdict#reasons()}), or empty when it does not. Renderers use it to name the same failing
   * checks as the verdict.
   */
  public Optional<String> blockingReason(CheckResult r) {
    Finding worst = null;
    int failing = 0;
    for (Finding f : r.findings()) {
      if (blocks(r, f.outcome())) {
        failing++;
        if (worst == null || f.outcome().severity() > worst.outcome().severity()) {
          worst = f;
        }
      }
    }
    if (worst != null) {
      return Optional.of(r.title() + " [" + r.id() + "]: " + worst.sentence() + (failing > 1 ? " (and " + (failing - 1) + " more)" : ""));
    }
    if (r.required() && !r.findings().isEmpty() && r.findings().stream().allMatch(f -> f.outcome() == Outcome.INCONCLUSIVE)) {
      return Optional.of(r.title() + " [" + r.id() + "]: a required check could not judge anything: " + r.findings().get(0).sentence());
    }
    return Optional.empty();
  }

  /** Whether a finding with outcome {@code o} of check {@code r} stops promotion under this policy. */
  public boolean blocks(CheckResult r, Outcome o) {
    return switch (o) {
      case ERROR -> true;
      case FAIL -> r.required() || failOnWarn;
      case WARN -> failOnWarn;
      case INCONCLUSIVE -> failOnInconclusive;
      case PASS -> false;
    };
  }
}

package dev.gauntlet.harness.run;

import dev.gauntlet.harness.check.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Turns check results into one {@link Verdict}, deciding once which findings stop promotion. Fails
 * closed: any ERROR fails the gate, and so does any FAIL of a required check, and a required check
 * that could judge nothing (no finding, or all INCONCLUSIVE). Warnings fail only with {@code
 * failOnWarn}; inconclusive findings only with {@code failOnInconclusive}. Thresholds live in the
 * checks' conditions.
 */
public record Gate(boolean failOnWarn, boolean failOnInconclusive) {

  public static Gate standard() {
    return new Gate(false, false);
  }

  /**
   * The result with the gate's decisions written in: each finding's blocker and the check's
   * blocker (the reason line the verdict lists). Idempotent.
   */
  public CheckResult annotate(CheckResult r) {
    List<Finding> fs = new ArrayList<>();
    Finding worst = null;
    int blocking = 0;
    for (Finding f : r.findings()) {
      String why = why(r, f.outcome());
      Finding g = f.withBlocker(why);
      fs.add(g);
      if (why != null) {
        blocking++;
        if (worst == null || g.outcome().severity() > worst.outcome().severity()) {
          worst = g;
        }
      }
    }
    String blocker = null;
    if (worst != null) {
      blocker = worst.sentence() + (blocking > 1 ? " (and " + (blocking - 1) + " more)" : "");
    } else if (r.required() && (fs.isEmpty() || fs.stream().allMatch(f -> f.outcome() == Outcome.INCONCLUSIVE))) {
      blocker = "a required check could not judge anything: " + (fs.isEmpty() ? "it has no findings." : fs.get(0).sentence());
    }
    return r.withDecision(fs, blocker);
  }

  /** Annotates every result (see {@link #annotate}) and decides. */
  public Decision decide(List<CheckResult> results) {
    List<CheckResult> annotated = new ArrayList<>();
    List<Verdict.Blocker> blockers = new ArrayList<>();
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      counts.put(o, 0);
    }
    for (CheckResult raw : results) {
      CheckResult r = annotate(raw);
      annotated.add(r);
      counts.merge(r.outcome(), 1, Integer::sum);
      if (r.blocker() != null) {
        blockers.add(new Verdict.Blocker(r.id(), r.title(), r.blocker()));
      }
    }
    boolean passed = blockers.isEmpty();
    String headline;
    if (passed) {
      int warn = counts.get(Outcome.WARN);
      int inc = counts.get(Outcome.INCONCLUSIVE);
      headline = "PASSED: all " + results.size() + " checks met their conditions"
          + (warn + inc > 0 ? " (" + warn + " with warnings, " + inc + " inconclusive)" : "") + ".";
    } else {
      headline = "FAILED: " + blockers.size() + " of " + results.size() + " checks stop this model from being promoted.";
    }
    return new Decision(annotated, new Verdict(passed, headline, blockers, counts, this));
  }

  /** The annotated results and the verdict. */
  public record Decision(List<CheckResult> results, Verdict verdict) {
    public Decision {
      results = List.copyOf(results);
    }
  }

  /** Why a finding with outcome {@code o} of check {@code r} stops promotion under this policy, or null. */
  String why(CheckResult r, Outcome o) {
    return switch (o) {
      case ERROR -> "an ERROR always stops promotion";
      case FAIL -> r.required() ? "a required check failed" : failOnWarn ? "an advisory check failed and the gate fails on warnings" : null;
      case WARN -> failOnWarn ? "the gate fails on warnings" : null;
      case INCONCLUSIVE -> failOnInconclusive ? "the gate fails on inconclusive findings" : null;
      case PASS -> null;
    };
  }
}

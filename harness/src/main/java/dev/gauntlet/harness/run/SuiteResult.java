package dev.gauntlet.harness.run;

import java.util.List;

/**
 * The immutable outcome of running a suite: every check's result, the verdict, and provenance.
 * Renderers turn it into files; it never renders itself.
 *
 * @param schemaVersion the version of the report.json format
 */
public record SuiteResult(int schemaVersion, String suite, Verdict verdict, List<CheckResult> checks, Provenance provenance) {
  /** The current report.json format version; bumped on incompatible changes. */
  public static final int SCHEMA_VERSION = 2;

  public SuiteResult {
    checks = List.copyOf(checks);
  }

  /** The result of these checks under this gate: the gate annotates every check and decides. */
  public static SuiteResult decided(int schemaVersion, String suite, Gate gate, List<CheckResult> checks, Provenance provenance) {
    Gate.Decision d = gate.decide(checks);
    return new SuiteResult(schemaVersion, suite, d.verdict(), d.results(), provenance);
  }
}

package dev.gauntlet.harness.run;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.check.Trial;
import java.util.List;

/**
 * What one check found.
 *
 * @param outcome the worst outcome among the findings
 * @param measurements the candidate's numbers
 * @param baselineMeasurements the baseline's numbers (empty without a baseline)
 * @param error why the check could not run, or null
 * @param blocker why this check stops promotion (the verdict's line for it), or null; set by the
 *     {@link Gate}
 * @param durationMillis wall time (volatile: differs between runs)
 */
public record CheckResult(
    String id,
    String title,
    Trial trial,
    String description,
    boolean required,
    Outcome outcome,
    String summary,
    List<String> conditions,
    List<Finding> findings,
    List<Measurement> measurements,
    List<Measurement> baselineMeasurements,
    List<Evidence> evidence,
    String error,
    String blocker,
    long durationMillis) {

  public CheckResult {
    conditions = List.copyOf(conditions);
    findings = List.copyOf(findings);
    measurements = List.copyOf(measurements);
    baselineMeasurements = List.copyOf(baselineMeasurements);
    evidence = List.copyOf(evidence);
  }

  /** Whether the gate decided that this check stops promotion. */
  public boolean blocks() {
    return blocker != null;
  }

  CheckResult withDecision(List<Finding> decided, String why) {
    return new CheckResult(id, title, trial, description, required, outcome, summary, conditions, decided, measurements,
        baselineMeasurements, evidence, error, why, durationMillis);
  }
}

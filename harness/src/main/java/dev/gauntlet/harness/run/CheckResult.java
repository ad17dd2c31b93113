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
    long durationMillis) {

  public CheckResult {
    conditions = List.copyOf(conditions);
    findings = List.copyOf(findings);
    measurements = List.copyOf(measurements);
    baselineMeasurements = List.copyOf(baselineMeasurements);
    evidence = List.copyOf(evidence);
  }
}

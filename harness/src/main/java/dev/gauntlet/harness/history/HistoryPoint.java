package dev.gauntlet.harness.history;

import dev.gauntlet.harness.metric.Subject;
import java.util.Objects;

/**
 * One recorded measurement of an earlier run.
 *
 * @param runId the run's id in the store
 * @param startedAt ISO-8601 start time of the run
 * @param modelSha256 the candidate model's SHA-256, or null when it had no file
 * @param passed whether that run's gate passed
 * @param promoted whether that run was marked promoted ({@code gauntlet promote})
 * @param checkId the check's id
 * @param metric the metric's name
 * @param subject the full subject (with its window part, if any)
 * @param value the value (NaN when none)
 * @param inconclusive why the value could not be judged, or null when it could
 */
public record HistoryPoint(long runId, String startedAt, String modelSha256, boolean passed, boolean promoted, String checkId, String metric,
    Subject subject, double value, String inconclusive) {
  public HistoryPoint {
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(checkId, "checkId");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(subject, "subject");
  }

  /** The window part of the subject, or null for a whole run. */
  public String window() {
    return subject.get(Subject.Dim.WINDOW);
  }

  /** Whether the value can be used in a trend: conclusive and finite. */
  public boolean usable() {
    return inconclusive == null && Double.isFinite(value);
  }
}

package dev.gauntlet.harness.run;

import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.metric.MetricId;
import dev.gauntlet.harness.metric.Subject;
import java.util.Objects;

/**
 * One judgement of one condition of one check: the unit a reviewer reads and CI counts. Whether it
 * stops promotion is decided once, by the {@link Gate}, and carried here; renderers read it.
 *
 * @param condition what the condition demands, in words
 * @param metric the measurement judged (metric and subject), or null for a finding about the check
 *     as a whole (it could not run, it measured nothing the condition names)
 * @param outcome the outcome
 * @param sentence one sentence saying what was found
 * @param value the candidate's value, or NaN
 * @param baseline the baseline's value, or NaN
 * @param blocker why this finding stops promotion under the gate's policy, or null when it does not
 */
public record Finding(String condition, MetricId metric, Outcome outcome, String sentence, double value, double baseline, String blocker) {
  public Finding {
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(sentence, "sentence");
  }

  /** A finding not yet seen by the gate. */
  public static Finding of(String condition, MetricId metric, Outcome outcome, String sentence, double value, double baseline) {
    return new Finding(condition, metric, outcome, sentence, value, baseline, null);
  }

  /** The subject judged, or the whole data. */
  public Subject subject() {
    return metric == null ? Subject.all() : metric.subject();
  }

  /** Whether the gate decided that this finding stops promotion. */
  public boolean blocks() {
    return blocker != null;
  }

  Finding withBlocker(String why) {
    return new Finding(condition, metric, outcome, sentence, value, baseline, why);
  }
}

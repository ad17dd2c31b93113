package dev.gauntlet.harness.check;

import dev.gauntlet.harness.metric.MetricId;
import dev.gauntlet.harness.metric.Subject;
import java.util.Objects;

/**
 * One verdict of a condition on one measurement.
 *
 * @param metric the measurement judged (metric and subject), or null when the condition judged no
 *     single measurement (e.g. the check measured nothing it names)
 * @param outcome the outcome
 * @param sentence one sentence a reviewer understands: what was measured, against what, and so what
 * @param value the measured value judged, or NaN
 * @param baseline the baseline model's value, or NaN when there is no baseline
 */
public record Judgement(MetricId metric, Outcome outcome, String sentence, double value, double baseline) {
  public Judgement {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(sentence, "sentence");
  }

  public static Judgement of(Outcome outcome, String sentence) {
    return new Judgement(null, outcome, sentence, Double.NaN, Double.NaN);
  }

  /** The subject judged, or the whole data. */
  public Subject subject() {
    return metric == null ? Subject.all() : metric.subject();
  }
}

package dev.gauntlet.harness.check;

import java.util.Objects;

/**
 * One verdict of a condition on one subject.
 *
 * @param subject what was judged (a slice, an epsilon), or the empty string
 * @param outcome the outcome
 * @param sentence one sentence a reviewer understands: what was measured, against what, and so what
 * @param value the measured value judged, or NaN
 * @param baseline the baseline model's value, or NaN when there is no baseline
 */
public record Judgement(String subject, Outcome outcome, String sentence, double value, double baseline) {
  public Judgement {
    subject = subject == null ? "" : subject;
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(sentence, "sentence");
  }

  public static Judgement of(Outcome outcome, String sentence) {
    return new Judgement("", outcome, sentence, Double.NaN, Double.NaN);
  }
}

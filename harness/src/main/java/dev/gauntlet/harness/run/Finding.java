package dev.gauntlet.harness.run;

import dev.gauntlet.harness.check.Outcome;

/**
 * One judgement of one condition of one check: the unit a reviewer reads and CI counts.
 *
 * @param condition what the condition demands, in words
 * @param subject the slice, feature or setting judged, or empty
 * @param outcome the outcome
 * @param sentence one sentence saying what was found
 * @param value the candidate's value, or NaN
 * @param baseline the baseline's value, or NaN
 */
public record Finding(String condition, String subject, Outcome outcome, String sentence, double value, double baseline) {}

package dev.gauntlet.harness.check;

import java.util.List;

/**
 * Judges a check's value: PASS, WARN or FAIL per subject (INCONCLUSIVE when the value cannot be
 * judged). A condition never computes; it only compares.
 *
 * @param <V> the check's value type
 */
public interface Condition<V> {

  /** What the condition demands, in plain words with its thresholds. */
  String describe();

  /**
   * @param candidate the candidate model's value
   * @param baseline the baseline model's value, or null when the suite has no baseline
   * @return at least one judgement
   */
  List<Judgement> judge(V candidate, V baseline);
}

package dev.gauntlet.attacks.adversarial;

/**
 * What an attack did to each row of a batch.
 *
 * @param adversarial the valid point the attack ended at, per row (the clean row when not attacked)
 * @param attacked whether the row was attacked (a targeted attack skips rows already in the target
 *     class; a zero epsilon leaves a row alone)
 * @param success whether the model's decision on {@code adversarial[i]} reached the attack's goal
 *     (left the reference class, or reached the target class), confirmed by a final model call
 * @param decisions the model's decision on {@code adversarial[i]}
 * @param probabilities the model's class probabilities on {@code adversarial[i]} (from the same
 *     final call that confirmed {@code decisions})
 * @param norms the size of {@code adversarial[i] - x0[i]} in the attack's norm
 * @param queries how many rows the model was evaluated on in total (forward passes, including those
 *     inside gradient computations)
 */
public record AttackResult(double[][] adversarial, boolean[] attacked, boolean[] success, int[] decisions, double[][] probabilities, double[] norms,
    long queries) {

  /** How many rows were attacked. */
  public int attackedCount() {
    int n = 0;
    for (boolean a : attacked) {
      n += a ? 1 : 0;
    }
    return n;
  }

  /** How many attacked rows the attack broke. */
  public int successCount() {
    int n = 0;
    for (boolean s : success) {
      n += s ? 1 : 0;
    }
    return n;
  }
}

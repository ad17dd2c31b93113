package dev.gauntlet.attacks.adversarial;

/** What an attack on a regression model maximises ({@link ShiftCheck}). */
public enum ShiftObjective {
  /** |f(x') - f(x)|: how far the prediction moves. */
  SHIFT,
  /** (f(x') - y)^2: how wrong the prediction becomes against the row's label. */
  ERROR
}

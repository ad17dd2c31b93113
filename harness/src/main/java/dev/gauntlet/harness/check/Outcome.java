package dev.gauntlet.harness.check;

/**
 * How a condition judged a measured value. ERROR (the check could not run) is different from FAIL
 * (it ran and the model fell short); INCONCLUSIVE means there was too little data to judge.
 */
public enum Outcome {
  PASS,
  WARN,
  INCONCLUSIVE,
  FAIL,
  ERROR;

  /** The worse of two outcomes, in the order PASS &lt; INCONCLUSIVE &lt; WARN &lt; FAIL &lt; ERROR. */
  public Outcome worse(Outcome other) {
    return severity(other) > severity(this) ? other : this;
  }

  public int severity() {
    return severity(this);
  }

  private static int severity(Outcome o) {
    return switch (o) {
      case PASS -> 0;
      case INCONCLUSIVE -> 1;
      case WARN -> 2;
      case FAIL -> 3;
      case ERROR -> 4;
    };
  }
}

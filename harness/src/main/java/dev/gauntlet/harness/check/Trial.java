package dev.gauntlet.harness.check;

/** The trials a candidate goes through; the report groups checks by trial. */
public enum Trial {
  /** Plain predictive performance on the evaluation data (holdout accuracy and the like). */
  PERFORMANCE("Performance"),
  /** Property-based input perturbation. */
  PERTURBATION("Perturbation properties"),
  /** Gradient and query attacks. */
  ADVERSARIAL("Adversarial robustness"),
  /** Demographic-slice fairness. */
  FAIRNESS("Slice fairness"),
  /** Temporal holdout and drift. */
  DRIFT("Temporal drift"),
  /** A promoted model in production: prediction and label logs, realized and estimated performance per window. */
  PRODUCTION("Production monitoring");

  private final String title;

  Trial(String title) {
    this.title = title;
  }

  public String title() {
    return title;
  }
}

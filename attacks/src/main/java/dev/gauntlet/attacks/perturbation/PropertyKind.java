package dev.gauntlet.attacks.perturbation;

/**
 * What a {@link Property} demands of the model when its input is perturbed (CheckList's INV and DIR
 * test types, Ribeiro et al., ACL 2020, plus a tolerance and a counterfactual fairness form).
 */
public enum PropertyKind {
  /** The decision does not change. */
  INVARIANCE,
  /** The score (positive-class probability) moves by at most {@code tolerance}. */
  TOLERANCE,
  /** The score does not move against {@code direction} by more than {@code tolerance}. */
  DIRECTIONAL,
  /** Swapping a protected attribute does not change the decision. */
  COUNTERFACTUAL
}

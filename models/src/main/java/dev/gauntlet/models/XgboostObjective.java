package dev.gauntlet.models;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an XGBoost objective (the {@code learner.objective.name} of a saved model) means to Gauntlet:
 * how the booster's output becomes class probabilities or a predicted number, or why the model
 * cannot be audited.
 */
enum XgboostObjective {
  /** binary:logistic: one probability of the positive class per row. */
  BINARY_PROBABILITY,
  /** binary:logitraw: one raw margin per row; the probability is its sigmoid. */
  BINARY_MARGIN,
  /** multi:softprob: one probability per class. */
  MULTI_PROBABILITY,
  /** multi:softmax: the predicted class only; Gauntlet reads the margins and applies the softmax. */
  MULTI_MARGIN,
  /** reg:*, count:poisson and the like: one predicted number per row (the objective's own transform applied). */
  REGRESSION;

  private static final Set<String> REGRESSION_OBJECTIVES = Set.of("reg:squarederror", "reg:squaredlogerror", "reg:logistic",
      "reg:pseudohubererror", "reg:absoluteerror", "reg:quantileerror", "reg:gamma", "reg:tweedie", "count:poisson", "reg:linear");

  boolean classifier() {
    return this != REGRESSION;
  }

  /** Whether the booster must be asked for margins (the probabilities are computed here). */
  boolean margins() {
    return this == BINARY_MARGIN || this == MULTI_MARGIN;
  }

  /**
   * The meaning of an objective name, or empty with {@code why[0]} set to the reason it cannot be
   * audited (ranking, survival, hinge decisions).
   */
  static Optional<XgboostObjective> of(String name, String[] why) {
    String n = name.toLowerCase(Locale.ROOT);
    switch (n) {
      case "binary:logistic":
        return Optional.of(BINARY_PROBABILITY);
      case "binary:logitraw":
        return Optional.of(BINARY_MARGIN);
      case "multi:softprob":
        return Optional.of(MULTI_PROBABILITY);
      case "multi:softmax":
        return Optional.of(MULTI_MARGIN);
      case "binary:hinge":
        why[0] = "objective binary:hinge gives 0/1 decisions, not probabilities; retrain with binary:logistic";
        return Optional.empty();
      default:
        if (REGRESSION_OBJECTIVES.contains(n)) {
          return Optional.of(REGRESSION);
        }
        why[0] = "objective " + name + (n.startsWith("rank:") ? " is a ranking objective"
            : n.startsWith("survival:") ? " is a survival objective" : " is not one Gauntlet knows")
            + "; Gauntlet audits classifiers (binary:logistic, binary:logitraw, multi:softprob, multi:softmax) and regression models ("
            + String.join(", ", REGRESSION_OBJECTIVES.stream().sorted().toList()) + ")";
        return Optional.empty();
    }
  }
}

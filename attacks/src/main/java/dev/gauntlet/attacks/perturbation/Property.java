package dev.gauntlet.attacks.perturbation;

import dev.gauntlet.harness.metric.ParamException;
import java.util.List;
import java.util.Objects;

/**
 * A perturbation property: how the model must behave when its input changes in a way that should not
 * matter, or should matter in a known direction. It runs {@code cases} generated cases from one seed;
 * every failing case can be replayed from that seed and its case index, and the first {@code shrink}
 * failing cases are shrunk to minimal counterexamples.
 *
 * <p>Build one with the static factories and the {@code with...} methods:
 * <pre>{@code
 * Property p = Property.invariance(Perturbation.noise(0.1)).withCases(2000);
 * Property fair = Property.counterfactual("sex");
 * Property mono = Property.directional(Direction.UP, Perturbation.monotone(0.5));
 * }</pre>
 *
 * @param name the property's name, shown in the check's title and sentences (measurements are about the whole data)
 * @param kind what is demanded
 * @param perturbations applied in order to each case's row; at least one
 * @param cases how many cases to generate, in [1, 10,000,000]
 * @param tolerance for TOLERANCE the largest allowed change of the score (in (0, 1)) or, for a
 *     regression model, of the prediction (label units, positive); for DIRECTIONAL the allowed move
 *     against the direction (at least 0); for COUNTERFACTUAL on a regression model the allowed change
 *     of the prediction (at least 0; a classifier's counterfactual takes 0); 0 for INVARIANCE
 * @param direction for DIRECTIONAL the way the score must move; null otherwise
 * @param rows where each case's starting row comes from
 * @param shrink how many failing cases to shrink and show, in [0, 100]
 * @param maxShrinkSteps how many batched model calls the shrinker may make per counterexample, at least 0
 * @param seed a seed that overrides the check's derived seed (to replay a reported failure), or null
 * @param replayCase run only this case index (to replay a reported failure), or null
 * @param confidence the confidence level of the failure rate's Wilson interval, in (0, 1)
 */
public record Property(
    String name,
    PropertyKind kind,
    List<Perturbation> perturbations,
    int cases,
    double tolerance,
    Direction direction,
    Rows rows,
    int shrink,
    int maxShrinkSteps,
    Long seed,
    Integer replayCase,
    double confidence) {

  /** The way a DIRECTIONAL property's score must move. */
  public enum Direction {
    /** The score must not go down. */
    UP,
    /** The score must not go up. */
    DOWN
  }

  /** Where the starting rows of cases come from. */
  public enum Rows {
    /** Rows drawn from the evaluation data. */
    DATA,
    /** Rows synthesised within each feature's valid range and category set. */
    SYNTHETIC
  }

  /** Validates the parameters; the one validator for Java and YAML ({@link ParamException} names the YAML key). */
  public Property {
    ParamException.require(name != null && !name.isBlank(), "name", "a property needs a name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(rows, "rows");
    perturbations = List.copyOf(perturbations);
    ParamException.require(!perturbations.isEmpty(), "perturb", "property '" + name + "' has no perturbation");
    ParamException.inRange("cases", cases, 1, 10_000_000);
    switch (kind) {
      case TOLERANCE -> ParamException.require(tolerance > 0 && !Double.isInfinite(tolerance), "tolerance",
          "tolerance is the largest allowed score change (a probability: below 1) or, for a regression model, prediction change "
              + "(in the label's units), and must be positive, got " + tolerance);
      case DIRECTIONAL -> {
        ParamException.require(direction != null, "direction", "a directional property needs a direction (up or down)");
        ParamException.require(tolerance >= 0 && !Double.isInfinite(tolerance), "tolerance",
            "tolerance must be non-negative (below 1 for a classifier's score; in the label's units for a regression model), got " + tolerance);
      }
      case COUNTERFACTUAL -> {
        ParamException.require(perturbations.stream().anyMatch(p -> p instanceof Perturbation.ProtectedSwap), "attribute",
            "a counterfactual property needs 'attribute: <protected column>' to swap");
        ParamException.require(tolerance >= 0 && !Double.isInfinite(tolerance), "tolerance",
            "tolerance (the allowed change of a regression model's prediction) must be non-negative, got " + tolerance);
      }
      default -> { }
    }
    ParamException.require(kind == PropertyKind.DIRECTIONAL || direction == null, "direction", "'direction' applies only to directional properties");
    ParamException.require(kind != PropertyKind.INVARIANCE || tolerance == 0, "tolerance",
        "'tolerance' applies only to tolerance, directional and (regression) counterfactual properties");
    ParamException.inRange("shrink", shrink, 0, 100);
    ParamException.inRange("maxShrinkSteps", maxShrinkSteps, 0, 100_000);
    ParamException.require(replayCase == null || replayCase >= 0 && replayCase < cases, "replayCase",
        "replayCase must be in [0, " + (cases - 1) + "], got " + replayCase);
    ParamException.inRange("confidence", confidence, 0.5, 0.999);
  }

  private static final int CASES = 1000;
  private static final int SHRINK = 3;
  private static final int STEPS = 300;

  /** The decision must not change under the perturbations. */
  public static Property invariance(Perturbation... perturbations) {
    return of(PropertyKind.INVARIANCE, 0, null, perturbations);
  }

  /** The score must not move by more than {@code tolerance}. */
  public static Property tolerance(double tolerance, Perturbation... perturbations) {
    return of(PropertyKind.TOLERANCE, tolerance, null, perturbations);
  }

  /** The score must not move against {@code direction}. */
  public static Property directional(Direction direction, Perturbation... perturbations) {
    return of(PropertyKind.DIRECTIONAL, 0, direction, perturbations);
  }

  /** Swapping the protected {@code attribute} must not change the decision. */
  public static Property counterfactual(String attribute) {
    return of(PropertyKind.COUNTERFACTUAL, 0, null, new Perturbation.ProtectedSwap(attribute));
  }

  /**
   * Regression: swapping the protected {@code attribute} must not move the prediction by more than
   * {@code tolerance} (label units).
   */
  public static Property counterfactual(String attribute, double tolerance) {
    return of(PropertyKind.COUNTERFACTUAL, tolerance, null, new Perturbation.ProtectedSwap(attribute));
  }

  private static Property of(PropertyKind kind, double tolerance, Direction direction, Perturbation... ps) {
    List<Perturbation> list = List.of(ps);
    return new Property(defaultName(kind, list), kind, list, CASES, tolerance, direction, Rows.DATA, SHRINK, STEPS, null, null, 0.95);
  }

  /** A name such as {@code invariance under gaussian noise 0.1 sd}. */
  static String defaultName(PropertyKind kind, List<Perturbation> ps) {
    List<String> d = ps.stream().map(Perturbation::describe).toList();
    return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " under " + String.join(" + ", d);
  }

  public Property named(String n) {
    return new Property(n, kind, perturbations, cases, tolerance, direction, rows, shrink, maxShrinkSteps, seed, replayCase, confidence);
  }

  public Property withCases(int n) {
    return new Property(name, kind, perturbations, n, tolerance, direction, rows, shrink, maxShrinkSteps, seed, replayCase, confidence);
  }

  /** The largest allowed score change (tolerance) or move against the direction (directional). */
  public Property withTolerance(double t) {
    return new Property(name, kind, perturbations, cases, t, direction, rows, shrink, maxShrinkSteps, seed, replayCase, confidence);
  }

  public Property withRows(Rows r) {
    return new Property(name, kind, perturbations, cases, tolerance, direction, r, shrink, maxShrinkSteps, seed, replayCase, confidence);
  }

  public Property withShrinking(int counterexamples, int steps) {
    return new Property(name, kind, perturbations, cases, tolerance, direction, rows, counterexamples, steps, seed, replayCase, confidence);
  }

  /** Uses this seed instead of the check's derived one. */
  public Property withSeed(long s) {
    return new Property(name, kind, perturbations, cases, tolerance, direction, rows, shrink, maxShrinkSteps, s, replayCase, confidence);
  }

  /** Runs only the case with this index (with {@link #withSeed}, replays a reported failure). */
  public Property replaying(int caseIndex) {
    return new Property(name, kind, perturbations, cases, tolerance, direction, rows, shrink, maxShrinkSteps, seed, caseIndex, confidence);
  }

  public Property withConfidence(double c) {
    return new Property(name, kind, perturbations, cases, tolerance, direction, rows, shrink, maxShrinkSteps, seed, replayCase, c);
  }
}

package dev.gauntlet.attacks.perturbation;

import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.model.Capability;
import java.util.Objects;
import java.util.Set;

/**
 * Runs a {@link Property} as a suite check. The value is a {@link PerturbationResult}; judge it with
 * a {@link dev.gauntlet.harness.check.MetricCondition} on {@code failure_rate}, e.g.
 * {@code CheckSpec.of("noise", new PerturbationCheck(p), MetricCondition.atMost("failure_rate", 0.05))}.
 * Needs a model that can be run on new inputs ({@link Capability#PREDICT}).
 */
public final class PerturbationCheck implements Check<PerturbationResult> {
  private final Property property;

  public PerturbationCheck(Property property) {
    this.property = Objects.requireNonNull(property, "property");
  }

  public Property property() {
    return property;
  }

  @Override
  public String title() {
    return "Perturbation property: " + property.name();
  }

  @Override
  public Trial trial() {
    return Trial.PERTURBATION;
  }

  @Override
  public String description() {
    String demand = switch (property.kind()) {
      case INVARIANCE -> "the decision must not change";
      case TOLERANCE -> "the score must not move by more than " + property.tolerance();
      case DIRECTIONAL -> "the score must not go " + (property.direction() == Property.Direction.UP ? "down" : "up")
          + (property.tolerance() > 0 ? " by more than " + property.tolerance() : "");
      case COUNTERFACTUAL -> "the decision must not change when only the protected attribute changes (counterfactual fairness)";
    };
    String from = property.rows() == Property.Rows.DATA ? "rows drawn from the evaluation data" : "rows synthesised within the schema";
    return property.cases() + " generated cases on " + from + ", each perturbed by "
        + String.join(" + ", property.perturbations().stream().map(Perturbation::describe).toList()) + ": " + demand
        + ". Failing cases are shrunk to a minimal counterexample.";
  }

  @Override
  public Set<Capability> requires() {
    return Set.of(Capability.PREDICT);
  }

  @Override
  public PerturbationResult run(CheckContext ctx) {
    return new Engine(ctx, property).run();
  }
}

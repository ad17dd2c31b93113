package dev.gauntlet.attacks.perturbation;

import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.ParamDecl;
import dev.gauntlet.harness.metric.Subject.Dim;
import dev.gauntlet.harness.metric.SubjectShape;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Task;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Runs a {@link Property} as a suite check. The value is a {@link PerturbationResult}; judge it with
 * a {@link dev.gauntlet.harness.check.MetricCondition} on {@code failure_rate}, e.g.
 * {@code CheckSpec.of("noise", new PerturbationCheck(p), MetricCondition.atMost("failure_rate", 0.05))}.
 * Needs a model that can be run on new inputs ({@link Capability#PREDICT}).
 */
public final class PerturbationCheck implements Check<PerturbationResult> {
  /** The metrics, published with the {@code perturbation.property} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("failure_rate", Direction.LOWER_IS_BETTER, "share of the generated cases that changed the input and break the property; INCONCLUSIVE when fewer than 30 cases (or all cases, if fewer were asked for) changed the input").withInterval(),
      MetricDecl.of("failures", Direction.LOWER_IS_BETTER, "number of failing cases"),
      MetricDecl.of("changed_rate", Direction.NEUTRAL, "share of cases whose perturbation changed the model input at all"),
      MetricDecl.of("mean_abs_score_change", Direction.LOWER_IS_BETTER, "classification: mean absolute change of the compared score"),
      MetricDecl.of("max_abs_score_change", Direction.LOWER_IS_BETTER, "classification: largest absolute change of the compared score"),
      MetricDecl.of("mean_abs_prediction_change", Direction.LOWER_IS_BETTER, "regression: mean absolute change of the predicted value (label units)"),
      MetricDecl.of("max_abs_prediction_change", Direction.LOWER_IS_BETTER, "regression: largest absolute change of the predicted value (label units)"),
      MetricDecl.of("failure_rate_from", Direction.LOWER_IS_BETTER, "counterfactual: failure rate of the cases starting in one group")
          .withInterval().about(SubjectShape.of(Dim.SLICE)));

  /** The parameters, published with the {@code perturbation.property} type. */
  public static final List<ParamDecl> PARAMS = List.of(
      ParamDecl.of("kind", "invariance | tolerance | directional | counterfactual", "required", "what the property demands"),
      ParamDecl.of("perturb", "list of noise | swap | protected | monotone | missing | imageNoise | brightness | shift", "required but for counterfactual",
          "the perturbations applied in order to each case"),
      ParamDecl.of("attribute", "a protected categorical feature", "none", "counterfactual: the attribute to swap"),
      ParamDecl.of("tolerance", "classifier: number in (0, 1) (tolerance), [0, 1) (directional); regression: label units",
          "required (tolerance), 0 (directional, counterfactual)",
          "largest allowed change of the score or prediction, or allowed move against the direction; regression counterfactual: allowed change"),
      ParamDecl.of("direction", "up | down", "required (directional)", "the way the score must move"),
      ParamDecl.of("rows", "data | synthetic", "data", "where each case's starting row comes from"),
      ParamDecl.of("cases", "integer in [1, 10000000]", "1000", "generated cases"),
      ParamDecl.of("shrink", "integer in [0, 100]", "3", "failing cases shrunk to minimal counterexamples"),
      ParamDecl.of("maxShrinkSteps", "integer in [0, 100000]", "300", "batched model calls per shrunk counterexample"),
      ParamDecl.of("seed", "integer", "derived from the suite seed and check id", "replay: overrides the derived seed"),
      ParamDecl.of("replayCase", "integer in [0, cases - 1]", "none", "replay: run only this case"),
      ParamDecl.of("name", "text", "derived from kind and perturbations", "the property's name in titles and sentences"),
      ParamDecl.of("confidence", "number in [0.5, 0.999]", "0.95", "level of the Wilson intervals"));

  private final Property property;

  public PerturbationCheck(Property property) {
    this.property = Objects.requireNonNull(property, "property");
  }

  public Property property() {
    return property;
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
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
      case TOLERANCE -> "the score (a regression model: the prediction) must not move by more than " + property.tolerance();
      case DIRECTIONAL -> "the score (a regression model: the prediction) must not go " + (property.direction() == Property.Direction.UP ? "down" : "up")
          + (property.tolerance() > 0 ? " by more than " + property.tolerance() : "");
      case COUNTERFACTUAL -> property.tolerance() > 0
          ? "the prediction must not move by more than " + property.tolerance() + " when only the protected attribute changes (counterfactual fairness)"
          : "the decision (a regression model: the prediction) must not change when only the protected attribute changes (counterfactual fairness)";
    };
    String from = property.rows() == Property.Rows.DATA ? "rows drawn from the evaluation data" : "rows synthesised within the schema";
    return property.cases() + " generated cases on " + from + ", each perturbed by "
        + String.join(" + ", property.perturbations().stream().map(Perturbation::describe).toList()) + ": " + demand
        + ". Failing cases are shrunk to a minimal counterexample.";
  }

  @Override
  public Set<Task> tasks() {
    return Set.of(Task.CLASSIFICATION, Task.REGRESSION);
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

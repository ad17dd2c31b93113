package dev.gauntlet.attacks.perturbation;

import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.util.Objects;
import org.opentest4j.AssertionFailedError;

/**
 * Perturbation properties as JUnit 5 test methods, without a suite: a fluent assertion that fails the
 * test with the failure rate, the shrunk counterexamples and the line that replays them.
 *
 * <pre>{@code
 * @Test
 * void smallNoiseRarelyFlipsADecision() {
 *   PropertyAssert.given(model, data).seed(7)
 *       .failureRateAtMost(Property.invariance(Perturbation.noise(0.05)).withCases(2000), 0.01);
 * }
 *
 * @Test
 * void sexNeverFlipsADecision() {
 *   PropertyAssert.given(model, data).holds(Property.counterfactual("sex"));
 * }
 * }</pre>
 *
 * <p>Throws {@link AssertionFailedError} (what JUnit 5 reports as a test failure); a property that
 * cannot run (bad schema, no rows, a model that cannot be run) throws the underlying exception.
 */
public final class PropertyAssert {
  private final ModelUnderTest model;
  private final Table data;
  private long seed = 42;
  private double threshold = 0.5;

  private PropertyAssert(ModelUnderTest model, Table data) {
    this.model = Objects.requireNonNull(model, "model");
    this.data = Objects.requireNonNull(data, "data");
  }

  /** Properties of {@code model} on rows from {@code data} (the seed defaults to 42, the threshold to 0.5). */
  public static PropertyAssert given(ModelUnderTest model, Table data) {
    return new PropertyAssert(model, data);
  }

  /** The seed that generates the cases (a property's own {@link Property#withSeed} wins). */
  public PropertyAssert seed(long s) {
    this.seed = s;
    return this;
  }

  /** The decision threshold on the positive-class probability, in (0, 1). */
  public PropertyAssert threshold(double t) {
    if (!(t > 0 && t < 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1), got " + t);
    }
    this.threshold = t;
    return this;
  }

  /** Runs the property and returns what it measured; never fails the test. */
  public PerturbationResult run(Property property) {
    if (!model.can(Capability.PREDICT)) {
      throw new IllegalArgumentException("model '" + model.name() + "' cannot be run on new inputs; perturbation properties need PREDICT");
    }
    CheckContext ctx = new CheckContext(model, false, data, null, seed, threshold, null, null, new CheckContext.Cache());
    return new Engine(ctx, property).run();
  }

  /** Fails the test if any case fails. */
  public PerturbationResult holds(Property property) {
    return failureRateAtMost(property, 0);
  }

  /** Fails the test if more than {@code maxRate} of the cases fail. */
  public PerturbationResult failureRateAtMost(Property property, double maxRate) {
    if (!(maxRate >= 0 && maxRate < 1)) {
      throw new IllegalArgumentException("maxRate must be in [0, 1), got " + maxRate);
    }
    PerturbationResult r = run(property);
    if (r.changed() == 0) {
      throw new AssertionFailedError("Property '" + property.name() + "' was not exercised: no case changed the model input.");
    }
    if (r.failureRate() > maxRate) {
      throw new AssertionFailedError(message(r, maxRate));
    }
    return r;
  }

  /** The failure message: rate against the limit, each shrunk counterexample, and how to replay. */
  static String message(PerturbationResult r, double maxRate) {
    StringBuilder sb = new StringBuilder();
    sb.append("Property '").append(r.property().name()).append("' failed in ").append(r.failures()).append(" of ").append(r.cases())
        .append(" cases (").append(MetricCondition.fmt(100 * r.failureRate())).append("%), above the allowed ")
        .append(MetricCondition.fmt(100 * maxRate)).append("%.");
    for (Counterexample c : r.counterexamples()) {
      sb.append("\n  Shrunk counterexample, ").append(c.describe());
    }
    if (!r.failingCases().isEmpty()) {
      int c = r.failingCases().get(0);
      sb.append("\n  Replay: property.withSeed(").append(r.seed()).append("L).replaying(").append(c).append(")");
    }
    return sb.toString();
  }
}

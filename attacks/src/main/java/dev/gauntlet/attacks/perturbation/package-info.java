/**
 * The perturbation trial: property-based input perturbation with Gauntlet's own generation and
 * shrinking (no jqwik).
 *
 * <p>A {@link dev.gauntlet.attacks.perturbation.Property} says how the model must behave when its
 * input changes: {@code INVARIANCE} (the decision does not change), {@code TOLERANCE} (the score moves
 * by at most d), {@code DIRECTIONAL} (the score does not move against a direction) or
 * {@code COUNTERFACTUAL} (swapping a protected attribute does not change the decision). Its
 * {@link dev.gauntlet.attacks.perturbation.Perturbation}s come from the schema: noise scaled to each
 * feature's spread, category swaps, protected-attribute swaps, monotone steps, missing values
 * (imputed), image noise, brightness and shifts; immutable features, valid ranges, whole numbers and
 * one-hot groups are respected.
 *
 * <p>Every case is generated from the property's seed and its case index through a recorded
 * sequence of choices (which row, which features, which category, how far). A failing case is shrunk
 * by lowering those choices (Hypothesis-style) while it fails the same way: fewest features changed,
 * smallest change, most typical row. Model calls are batched: the cases in chunks of 4,096, and each
 * shrink step tests up to 64 candidates in one call.
 *
 * <p>Three ways to author a property:
 * <ul>
 *   <li>YAML suites: check type {@code perturbation.property} (parameters in
 *       {@link dev.gauntlet.attacks.perturbation.PerturbationChecks}), judged by
 *       {@code {metric: failure_rate, atMost: 0.05}};</li>
 *   <li>Java suites: {@code CheckSpec.of("id", new PerturbationCheck(property), MetricCondition.atMost("failure_rate", 0.05))};</li>
 *   <li>JUnit 5 tests: {@code PropertyAssert.given(model, data).failureRateAtMost(property, 0.05)} fails
 *       the test with the shrunk counterexamples and the line that replays them.</li>
 * </ul>
 *
 * <p>To replay a reported failure, give the property the reported seed and case index
 * ({@code seed:} and {@code replayCase:} in YAML, {@code withSeed(..).replaying(..)} in Java): the
 * case and its shrunk counterexample come back exactly.
 */
package dev.gauntlet.attacks.perturbation;

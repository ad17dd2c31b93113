package dev.gauntlet.attacks.perturbation;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measured;
import dev.gauntlet.harness.check.Measurement;
import java.util.List;

/**
 * What a {@link Property} measured on a model: how many of its cases failed (with a Wilson interval),
 * the shrunk counterexamples, and the seed that replays every case.
 *
 * @param property the property
 * @param seed the seed its cases were generated from
 * @param cases how many cases ran
 * @param changed how many cases changed the model input at all (a perturbation can be a no-op on a row)
 * @param failures how many cases failed
 * @param failingCases the indexes of the first failing cases (at most 100), ascending
 * @param counterexamples the shrunk counterexamples, at most {@code property.shrink()}
 * @param measurements the numbers conditions judge ({@code failure_rate} about the whole data, ...; see {@link PerturbationCheck#METRICS})
 * @param evidence tables of counterexamples and a replay note
 * @param summary one sentence
 */
public record PerturbationResult(Property property, long seed, int cases, int changed, int failures, List<Integer> failingCases,
    List<Counterexample> counterexamples, List<Measurement> measurements, List<Evidence> evidence, String summary) implements Measured {

  public PerturbationResult {
    failingCases = List.copyOf(failingCases);
    counterexamples = List.copyOf(counterexamples);
    measurements = List.copyOf(measurements);
    evidence = List.copyOf(evidence);
  }

  /** The share of cases that failed. */
  public double failureRate() {
    return cases == 0 ? Double.NaN : (double) failures / cases;
  }
}

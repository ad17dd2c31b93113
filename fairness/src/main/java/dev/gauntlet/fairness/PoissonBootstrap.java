package dev.gauntlet.fairness;

import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * The Poisson bootstrap of confusion cells. Resampling rows with independent Poisson(1) weights
 * (Hanley and MacGibbon 2006; Chamandy et al. 2012) gives each cell a weighted count that is a sum
 * of {@code count} independent Poisson(1) variables, i.e. exactly Poisson({@code count}), and the
 * cells of disjoint slices are independent. So a resample of a slicing's cells is one Poisson draw
 * per cell: the same distribution as weighting every row, at a cost independent of the number of
 * rows, and with no per-row memory for any number of resamples.
 */
final class PoissonBootstrap {
  private final PoissonDistribution[] cells;
  private final long[] counts;

  PoissonBootstrap(long[] counts, RandomGenerator rng) {
    this.counts = counts.clone();
    this.cells = new PoissonDistribution[counts.length];
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        cells[i] = new PoissonDistribution(rng, counts[i], PoissonDistribution.DEFAULT_EPSILON, PoissonDistribution.DEFAULT_MAX_ITERATIONS);
      }
    }
  }

  /** Fills {@code out} with one resample of the cells. */
  void resample(long[] out) {
    for (int i = 0; i < counts.length; i++) {
      out[i] = cells[i] == null ? 0 : cells[i].sample();
    }
  }
}

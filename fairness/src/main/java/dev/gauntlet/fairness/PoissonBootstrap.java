package dev.gauntlet.fairness;

import java.util.SplittableRandom;

/**
 * The Poisson bootstrap of confusion cells. Resampling rows with independent Poisson(1) weights
 * (Hanley and MacGibbon 2006; Chamandy et al. 2012) gives each cell a weighted count that is a sum
 * of {@code count} independent Poisson(1) variables, i.e. exactly Poisson({@code count}), and the
 * cells of disjoint slices are independent. So a resample of a slicing's cells is one Poisson draw
 * per cell: the same distribution as weighting every row, at a cost independent of the number of
 * rows, and with no per-row memory for any number of resamples.
 */
final class PoissonBootstrap {
  private final long[] counts;
  private final SplittableRandom rng;

  PoissonBootstrap(long[] counts, SplittableRandom rng) {
    this.counts = counts.clone();
    this.rng = rng;
  }

  /** Fills {@code out} with one resample of the cells. */
  void resample(long[] out) {
    for (int i = 0; i < counts.length; i++) {
      out[i] = counts[i] == 0 ? 0 : poisson(rng, counts[i]);
    }
  }

  /** One Poisson({@code mean}) draw ({@link dev.gauntlet.harness.stats.Poisson#draw}). */
  static long poisson(SplittableRandom rng, double mean) {
    return dev.gauntlet.harness.stats.Poisson.draw(rng, mean);
  }
}

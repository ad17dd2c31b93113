package dev.gauntlet.harness.stats;

import java.util.SplittableRandom;
import org.apache.commons.math3.special.Gamma;

/**
 * Poisson draws for the Poisson bootstrap: resampling rows with independent Poisson(1) weights
 * (Hanley and MacGibbon 2006; Chamandy et al. 2012). A value seen {@code c} times gets the weight
 * Poisson({@code c}), the sum of its rows' weights, so a resample of a summary of distinct values
 * costs one draw per distinct value and no per-row memory.
 *
 * @since 0.5
 */
public final class Poisson {
  private Poisson() {}

  /**
   * One Poisson({@code mean}) draw: by multiplying uniforms for means under 10, else by Hörmann's
   * transformed rejection with squeeze (PTRS, 1993), which takes a bounded expected number of
   * uniforms for any mean (the method NumPy uses).
   */
  public static long draw(SplittableRandom rng, double mean) {
    if (mean < 10) {
      double limit = Math.exp(-mean);
      long x = 0;
      double prod = rng.nextDouble();
      while (prod > limit) {
        x++;
        prod *= rng.nextDouble();
      }
      return x;
    }
    double slam = Math.sqrt(mean);
    double loglam = Math.log(mean);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2);
    while (true) {
      double u = rng.nextDouble() - 0.5;
      double v = rng.nextDouble();
      double us = 0.5 - Math.abs(u);
      long k = (long) Math.floor((2 * a / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) {
        return k;
      }
      if (k < 0 || (us < 0.013 && v > us)) {
        continue;
      }
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - Gamma.logGamma(k + 1)) {
        return k;
      }
    }
  }
}

package dev.gauntlet.fairness.discover;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.metric.Subject;
import org.junit.jupiter.api.Test;

/**
 * Power on planted slices and false discoveries on null data, over many seeds. Stated power: a
 * planted conjunction of two predicates (1/9 of 3,000 rows, error 0.45 against 0.15) is reported in
 * at least 95% of seeds; one of three predicates (1/27 of 4,000 rows, error 0.6) in at least 90%.
 * On data without a planted slice, every reported slice is a false discovery, so the share of
 * seeds with any report estimates the FDR (= the family-wise error under the complete null): it
 * must stay within the FDR of 0.05 plus binomial slack.
 */
class DiscoveryStatisticsTest {

  private static boolean found(DiscoveryConfig cfg, Synth.Data d, Subject planted) {
    SliceDiscoveryCheck.Discovery v = SliceDiscoveryCheck.discover(cfg, d.table(), d.labels(), d.decisions(), 1);
    return v.slices().stream().anyMatch(s -> s.subject().equals(planted));
  }

  @Test
  void plantedPairsAreFoundAtTheStatedPower() {
    DiscoveryConfig cfg = DiscoveryConfig.defaults();
    int seeds = 40;
    int hits = 0;
    for (long seed = 100; seed < 100 + seeds; seed++) {
      Synth.Data d = Synth.make(seed, 3000, 0.15, 0.45, new int[] {1, 3}, new int[] {0, 2});
      hits += found(cfg, d, Subject.slice("f1", "a").and("f3", "c")) ? 1 : 0;
    }
    assertTrue(hits >= 0.95 * seeds, "planted pair found in " + hits + " of " + seeds + " seeds");
  }

  @Test
  void plantedTriplesAreFoundAtTheStatedPower() {
    DiscoveryConfig cfg = DiscoveryConfig.defaults();
    int seeds = 30;
    int hits = 0;
    for (long seed = 200; seed < 200 + seeds; seed++) {
      Synth.Data d = Synth.make(seed, 4000, 0.15, 0.6, new int[] {0, 2, 4}, new int[] {0, 1, 2});
      hits += found(cfg, d, Subject.slice("f0", "a").and("f2", "b").and("f4", "c")) ? 1 : 0;
    }
    assertTrue(hits >= 0.9 * seeds, "planted triple found in " + hits + " of " + seeds + " seeds");
  }

  @Test
  void nullDataReportsNoMoreThanTheFdrAllows() {
    int seeds = 200;
    for (double effect : new double[] {0.05, 0.01}) {
      DiscoveryConfig cfg = DiscoveryConfig.defaults().withEffect(effect).withMinSize(20);
      int any = 0;
      for (long seed = 1000; seed < 1000 + seeds; seed++) {
        Synth.Data d = Synth.make(seed, 800, 0.2, 0.2, new int[0], new int[0]);
        any += SliceDiscoveryCheck.discover(cfg, d.table(), d.labels(), d.decisions(), 1).slices().isEmpty() ? 0 : 1;
      }
      // 0.05 * 200 = 10 expected at worst; 19 is above the 99.5% binomial quantile.
      assertTrue(any <= 18, "effect " + effect + ": slices reported on null data in " + any + " of " + seeds + " seeds");
    }
  }
}

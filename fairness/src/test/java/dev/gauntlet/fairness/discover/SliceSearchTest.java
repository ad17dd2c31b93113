package dev.gauntlet.fairness.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pruned SliceLine search against brute force over the whole lattice, and the family count. */
class SliceSearchTest {

  private static String describe(SliceSearch.Candidate c) {
    return c.key() + " n=" + c.size() + " bad=" + c.bad() + " sc=" + c.score() + " p=" + c.p();
  }

  @Test
  void prunedSearchReturnsExactlyWhatBruteForceReturns() {
    int checked = 0;
    long evaluatedPruned = 0;
    long evaluatedBrute = 0;
    for (long seed = 1; seed <= 12; seed++) {
      boolean planted = seed % 3 != 0;
      Synth.Data d = Synth.make(seed, 1500, 0.15, 0.5, planted ? new int[] {1, 3} : new int[0], planted ? new int[] {0, 2} : new int[0]);
      for (Target t : Target.values()) {
        for (double alpha : new double[] {0.95, 0.99, 1.0}) {
          for (int depth : new int[] {2, 3}) {
            DiscoveryConfig cfg = DiscoveryConfig.defaults().withTarget(t).withDepth(depth).withMinSize(seed % 2 == 0 ? 10 : 40).withEffect(0.02);
            cfg = new DiscoveryConfig(cfg.columns(), t, depth, cfg.minSize(), cfg.bins(), cfg.effect(), cfg.fdr(), alpha, cfg.confidence(), cfg.top(), Double.NaN);
            List<SliceSearch.Feature> fs = SliceDiscoveryCheck.features(cfg, d.table(), new java.util.ArrayList<>());
            SliceSearch.Problem pb = SliceDiscoveryCheck.problem(t, fs, d.labels(), d.decisions(), 1);
            SliceSearch.Settings st = new SliceSearch.Settings(depth, cfg.minSize(), cfg.effect(), alpha);
            SliceSearch.Result p = SliceSearch.pruned(pb, st);
            SliceSearch.Result b = SliceSearch.bruteForce(pb, st);
            String where = "seed " + seed + ", " + t + ", alpha " + alpha + ", depth " + depth;
            assertEquals(b.candidates().stream().map(SliceSearchTest::describe).toList(), p.candidates().stream().map(SliceSearchTest::describe).toList(), where);
            assertEquals(b.family(), p.family(), where);
            assertEquals(SliceDiscoveryCheck.select(cfg, pb, b), SliceDiscoveryCheck.select(cfg, pb, p), where);
            assertTrue(p.evaluated() <= b.evaluated(), where);
            evaluatedPruned += p.evaluated();
            evaluatedBrute += b.evaluated();
            checked += b.candidates().size();
          }
        }
      }
    }
    assertTrue(checked > 1000, "the comparison must cover many candidates, got " + checked);
    // Small data and alpha = 1 leave the bounds little room; the bench shows the pruning at scale.
    assertTrue(evaluatedPruned < evaluatedBrute, "the bounds must prune: " + evaluatedPruned + " of " + evaluatedBrute);
  }

  @Test
  void theFamilyIsEveryConjunctionOfTheLattice() {
    // Levels 3, 3, 2: depth 1 = 8; depth 2 = 9 + 6 + 6 = 21; depth 3 = 18.
    List<SliceSearch.Feature> fs = List.of(
        new SliceSearch.Feature("a", new byte[0], List.of("1", "2", "3"), null),
        new SliceSearch.Feature("b", new byte[0], List.of("1", "2", "3"), null),
        new SliceSearch.Feature("c", new byte[0], List.of("1", "2"), null));
    assertEquals(8, SliceSearch.family(fs, 1));
    assertEquals(29, SliceSearch.family(fs, 2));
    assertEquals(47, SliceSearch.family(fs, 3));
  }

  @Test
  void qValuesAreBenjaminiHochbergWithTheRestOfTheFamilyAtOne() {
    List<SliceSearch.Candidate> cs = List.of(
        new SliceSearch.Candidate(new int[] {0}, new int[] {0}, 10, 5, 1, 0.001),
        new SliceSearch.Candidate(new int[] {1}, new int[] {0}, 10, 5, 1, 0.004),
        new SliceSearch.Candidate(new int[] {2}, new int[] {0}, 10, 5, 1, 0.03));
    double[] q = SliceSearch.qValues(cs, 100);
    // p * m / rank, made monotone: 0.1, 0.2, 1 (capped).
    assertEquals(0.1, q[0], 1e-12);
    assertEquals(0.2, q[1], 1e-12);
    assertEquals(1.0, q[2], 1e-12);
  }
}

package dev.gauntlet.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.drift.stats.MultipleTesting;
import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.metric.Subject.Dim;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.data.Table;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * drift.features past its memory budget: monthly windows of 2,000 continuous values against a
 * 360-row reference table (so the default test is KS), once exact and once with exactValues 1024
 * (each window's sample compressed). The exact D lies within the reported ks_bound of the
 * compressed D in every window, compression does change D (so a bound of 0 would fail), and every
 * drift decision the compressed run makes is the exact run's; the rest are INCONCLUSIVE.
 */
class CompressedDriftTest {

  static FeatureDriftCheck check(int exactValues) {
    return new FeatureDriftCheck(new WindowSpec("date", WindowUnit.MONTH, 0, 0, WindowSpec.Origin.FIXED, 30), List.of("x"), 10, 0.05,
        MultipleTesting.BH, Double.NaN, 0, false, exactValues);
  }

  static Measurement find(CheckValue v, String metric, Subject s) {
    return v.measurements().stream().filter(m -> m.metric().equals(metric) && m.subject().equals(s)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + "[" + s + "]"));
  }

  /** Whether the compressed run decided window {@code label}'s drifted share; if it did, it must be the exact run's. */
  private static boolean decidedAsExact(CheckValue exact, CheckValue approx, String label, double shift) {
    Measurement shareExact = find(exact, "drifted_share", Subject.window(label));
    Measurement shareApprox = find(approx, "drifted_share", Subject.window(label));
    if (shareApprox.inconclusive() != null) {
      return false;
    }
    assertEquals(shareExact.value(), shareApprox.value(), label + " shift " + shift + ": a decided window must decide as the exact run");
    return true;
  }

  @Test
  void theExactStatisticIsWithinTheBoundAndDecisionsWithinItAreTheExactOnes() {
    Table ref = new DriftData(30, 0, 5).firstYear();
    int changed = 0;
    int decided = 0;
    int undecided = 0;
    for (double shift : new double[] {0.05, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.25, 0.4}) {
      DriftData d = new DriftData(2000, shift, 9);
      CheckValue exact = check(FeatureDriftCheck.DEFAULT_EXACT_VALUES).run(DriftData.context(d.table, ref));
      CheckValue approx = check(1024).run(DriftData.context(d.table, ref));
      for (int m = 1; m <= 12; m++) {
        String label = String.format("2024-%02d", m);
        Subject s = Subject.feature("x").with(Dim.WINDOW, label);
        double dExact = find(exact, "ks_d", s).value();
        Measurement dApprox = find(approx, "ks_d", s);
        double b = find(approx, "ks_bound", s).value();
        assertTrue(b > 0 && b < 0.01, "bound " + b);
        assertTrue(Math.abs(dApprox.value() - dExact) <= b, label + " shift " + shift + ": exact D " + dExact + ", compressed " + dApprox.value() + " +- " + b);
        assertTrue(dApprox.inconclusive() != null, "a compressed KS D is never judged as exact");
        changed += dApprox.value() != dExact ? 1 : 0;
        if (decidedAsExact(exact, approx, label, shift)) {
          decided++;
        } else {
          undecided++;
        }
      }
    }
    assertTrue(changed > 0, "compression never changed D: the bound is not exercised");
    assertTrue(decided > 50, decided + " decided windows");
    System.out.println("compressed drift: " + decided + " windows decided, " + undecided + " undecided within the bound, " + changed + " with D changed");
  }

  /** A sample of many distinct values compressed the way the engine does it: per chunk, then merged pairwise and compressed again. */
  static dev.gauntlet.harness.summary.SortedCounts[] compressed(java.util.SplittableRandom r, double shift, double spread, int budget) {
    dev.gauntlet.harness.summary.SortedCounts exact = dev.gauntlet.harness.summary.SortedCounts.empty(1);
    java.util.List<dev.gauntlet.harness.summary.SortedCounts> parts = new java.util.ArrayList<>();
    for (int chunk = 0; chunk < 16; chunk++) {
      double[] v = new double[1500];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextInt(8) == 0 ? 3 + shift : shift + spread * r.nextGaussian() + (r.nextInt(20) == 0 ? 25 * r.nextDouble() : 0); // a heavy value and a long tail
      }
      dev.gauntlet.harness.summary.SortedCounts part = dev.gauntlet.harness.summary.SortedCounts.of(v, 0, v.length);
      exact = exact.merge(part);
      parts.add(part.compress(budget));
    }
    while (parts.size() > 1) {
      java.util.List<dev.gauntlet.harness.summary.SortedCounts> next = new java.util.ArrayList<>();
      for (int i = 0; i < parts.size(); i += 2) {
        next.add(i + 1 < parts.size() ? parts.get(i).merge(parts.get(i + 1)).compress(budget) : parts.get(i));
      }
      parts = next;
    }
    return new dev.gauntlet.harness.summary.SortedCounts[] {exact, parts.get(0)};
  }

  /**
   * The Wasserstein bound against exact values: for reference and current samples of 24,000 values
   * compressed to 512 entries, the exact W1 lies within wasserstein_bound of the compressed W1, the
   * exact reference SD within sdBound of the compressed one, the exact normed distance inside the
   * range the bounds allow; and compression does change W1 (a zero bound would fail).
   */
  @Test
  void theExactWassersteinAndSdAreWithinTheirBounds() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    int changed = 0;
    for (double shift : new double[] {0, 0.05, 0.2, 1}) {
      var ref = compressed(r, 0, 1, 512);
      var cur = compressed(r, shift, 1 + shift / 2, 512);
      var refE = dev.gauntlet.drift.stats.SortedSample.of(ref[0].expand(0), "ref");
      var curE = dev.gauntlet.drift.stats.SortedSample.of(cur[0].expand(0), "cur");
      var refA = dev.gauntlet.drift.stats.SortedSample.of(ref[1].expand(0), "ref");
      var curA = dev.gauntlet.drift.stats.SortedSample.of(cur[1].expand(0), "cur");
      ColumnDrift exact = ColumnDrift.numeric("x", refE, curE, 10, 0, 0);
      ColumnDrift approx = ColumnDrift.numeric("x", refA, curA, 10, ref[1].rankError(), cur[1].rankError());
      assertEquals(0, exact.wassersteinBound());
      assertTrue(approx.approximate() && approx.wassersteinBound() > 0, "compressed: " + approx.wassersteinBound());
      assertTrue(Math.abs(approx.wasserstein() - exact.wasserstein()) <= approx.wassersteinBound(),
          "shift " + shift + ": exact W1 " + exact.wasserstein() + ", compressed " + approx.wasserstein() + " +- " + approx.wassersteinBound());
      double sdExact = refE.std();
      double sdApprox = refA.std();
      assertTrue(Math.abs(sdApprox - sdExact) <= approx.sdBound(), "sd " + sdExact + " vs " + sdApprox + " +- " + approx.sdBound());
      double[] range = approx.normedWassersteinRange();
      assertTrue(range[0] <= exact.wassersteinNorm() && exact.wassersteinNorm() <= range[1],
          "normed " + exact.wassersteinNorm() + " outside [" + range[0] + ", " + range[1] + "]");
      assertTrue(approx.wassersteinBound() < 0.25 * refE.std(), "a vacuous bound: " + approx.wassersteinBound() + " (sd " + refE.std() + ")");
      changed += approx.wasserstein() != exact.wasserstein() ? 1 : 0;
    }
    assertTrue(changed > 0, "compression never changed W1: the bound is not exercised");
  }

  /**
   * The decision uses the Wasserstein bound: against a 1,200-row reference (so the default test is
   * the normed Wasserstein distance) with exactValues 1024, windows far from the 0.1 threshold are
   * decided, as the exact run decides them, and only those near it are INCONCLUSIVE (before the
   * bound, every compressed window was).
   */
  @Test
  void wassersteinDecisionsWithinTheBoundAreTheExactOnes() {
    Table ref = new DriftData(100, 0, 5).firstYear();
    int decided = 0;
    int undecided = 0;
    for (double shift : new double[] {0, 0.02, 0.1, 0.3, 0.6}) {
      DriftData d = new DriftData(2000, shift, 9);
      CheckValue exact = check(FeatureDriftCheck.DEFAULT_EXACT_VALUES).run(DriftData.context(d.table, ref));
      CheckValue approx = check(1024).run(DriftData.context(d.table, ref));
      for (int m = 1; m <= 12; m++) {
        String label = String.format("2024-%02d", m);
        Subject s = Subject.feature("x").with(Dim.WINDOW, label);
        double wExact = find(exact, "wasserstein", s).value();
        double w = find(approx, "wasserstein", s).value();
        double b = find(approx, "wasserstein_bound", s).value();
        assertTrue(b > 0 && Math.abs(w - wExact) <= b, label + " shift " + shift + ": exact W1 " + wExact + ", compressed " + w + " +- " + b);
        if (decidedAsExact(exact, approx, label, shift)) {
          decided++;
        } else {
          undecided++;
        }
      }
    }
    assertTrue(decided > 30, decided + " decided windows, " + undecided + " undecided");
    System.out.println("compressed Wasserstein drift: " + decided + " windows decided, " + undecided + " undecided within the bound");
  }
}

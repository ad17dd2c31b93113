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
        Measurement shareExact = find(exact, "drifted_share", Subject.window(label));
        Measurement shareApprox = find(approx, "drifted_share", Subject.window(label));
        if (shareApprox.inconclusive() == null) {
          decided++;
          assertEquals(shareExact.value(), shareApprox.value(), label + " shift " + shift + ": a decided window must decide as the exact run");
        } else {
          undecided++;
        }
      }
    }
    assertTrue(changed > 0, "compression never changed D: the bound is not exercised");
    assertTrue(decided > 50, decided + " decided windows");
    System.out.println("compressed drift: " + decided + " windows decided, " + undecided + " undecided within the bound, " + changed + " with D changed");
  }
}

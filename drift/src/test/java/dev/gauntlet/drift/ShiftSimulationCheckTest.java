package dev.gauntlet.drift;

import static dev.gauntlet.drift.TemporalHoldoutCheckTest.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.drift.simulate.Shift;
import dev.gauntlet.drift.simulate.Shifted;
import dev.gauntlet.drift.simulate.Simulator;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.data.Table;
import java.util.Arrays;
import java.util.SplittableRandom;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import org.junit.jupiter.api.Test;

class ShiftSimulationCheckTest {
  /** The first year only: the model is exact there (label and decision are both x > 0). */
  static final Table EXACT = new DriftData(100, 0.0, 5).firstYear();

  @Test
  void conceptShiftCostsExactlyTheShareOfRelabelledRows() {
    ShiftSimulationCheck c = new ShiftSimulationCheck("concept", t -> Shift.Concept.on(t, "x"), new double[] {0, 0.25, 0.5, 1}, null, 0.5, 0.1, 1, 10);
    CheckValue v = c.run(DriftData.context(EXACT, null));
    int n = EXACT.rowCount();
    // An exact model loses the rows in the top s share of x: accuracy 1 - floor(s n) / n.
    assertEquals(1.0, find(v, "accuracy", Subject.severity(0)).value());
    assertEquals(1 - Math.floor(0.25 * n) / n, find(v, "accuracy", Subject.severity(0.25)).value(), 1e-12);
    assertEquals(0.5, find(v, "accuracy", Subject.severity(0.5)).value(), 1.0 / n);
    assertEquals(0.0, find(v, "accuracy", Subject.severity(1)).value(), 1e-12);
    assertEquals(1.0, find(v, "max_accuracy_drop", Subject.all()).value(), 1e-12);
  }

  @Test
  void priorShiftMovesTheClassBalanceToTheTarget() {
    int[] y = EXACT.labels();
    Shifted s = Simulator.batch(new Shift.Prior(1, 0.9), EXACT, y, 2, 1.0, new SplittableRandom(1));
    double share = Arrays.stream(s.labels()).filter(l -> l == 1).count() / (double) s.labels().length;
    assertEquals(0.9, share, 0.03);
    Shifted none = Simulator.batch(new Shift.Prior(1, 0.9), EXACT, y, 2, 0.0, new SplittableRandom(1));
    double base = Arrays.stream(y).filter(l -> l == 1).count() / (double) y.length;
    assertEquals(base, Arrays.stream(none.labels()).filter(l -> l == 1).count() / (double) y.length, 0.03);
  }

  @Test
  void covariateShiftMovesTheFeatureMeanUpWithSeverity() {
    double[] x = EXACT.numeric("x");
    double prev = Double.NEGATIVE_INFINITY;
    for (double s : new double[] {0, 0.5, 1}) {
      Shifted sh = Simulator.batch(new Shift.Covariate("x", null), EXACT, EXACT.labels(), 2, s, new SplittableRandom(2));
      double mean = Arrays.stream(sh.rows()).mapToDouble(r -> x[r]).average().orElseThrow();
      assertTrue(mean > prev + 0.2, "mean " + mean + " at severity " + s);
      prev = mean;
      assertTrue(Arrays.equals(sh.labels(), Arrays.stream(sh.rows()).map(r -> EXACT.labels()[r]).toArray()), "labels follow their rows");
    }
    // Categorical: level B ten times as likely at severity 1 -> share 10/11 from about 1/2.
    Shifted cat = Simulator.batch(new Shift.Covariate("g", "B"), EXACT, EXACT.labels(), 2, 1.0, new SplittableRandom(3));
    int[] g = EXACT.categorical("g").codes();
    assertEquals(10.0 / 11, Arrays.stream(cat.rows()).filter(r -> g[r] == 1).count() / (double) cat.rows().length, 0.03);
  }

  @Test
  void suddenAndGradualStreamsInjectTheChangeWhereSaid() {
    int n = EXACT.rowCount();
    int[] order = java.util.stream.IntStream.range(0, n).toArray();
    Shift.Concept c = Shift.Concept.on(EXACT, "x");
    Shifted sudden = Simulator.stream(c, EXACT, EXACT.labels(), 2, order, 600, Simulator.Onset.SUDDEN, 1, 1.0, new SplittableRandom(4));
    double[] e = sudden.errors(EXACT.categorical("pred").codes());
    assertEquals(0.0, StreamRun.mean(e, 0, 600));
    assertEquals(1.0, StreamRun.mean(e, 600, n), "severity 1 relabels every row after the change");
    Shifted gradual = Simulator.stream(c, EXACT, EXACT.labels(), 2, order, 300, Simulator.Onset.GRADUAL, 600, 1.0, new SplittableRandom(4));
    double[] g = gradual.errors(EXACT.categorical("pred").codes());
    double early = StreamRun.mean(g, 300, 450);
    double late = StreamRun.mean(g, 750, 900);
    assertTrue(early < 0.35 && late > 0.65, "the shifted share ramps up: " + early + " then " + late);
  }

  @Test
  void detectorsOnASuddenConceptShiftReportTheirDelay() {
    ShiftSimulationCheck c = new ShiftSimulationCheck("concept", t -> Shift.Concept.on(t, "x"), new double[] {0, 1}, Simulator.Onset.SUDDEN, 0.5,
        0.1, 0.5, 10);
    CheckValue v = c.run(DriftData.context(EXACT, null));
    for (String d : new String[] {"page-hinkley", "ddm", "adwin"}) {
      assertNull(find(v, "detection_delay", Subject.detector(d)).inconclusive(), d);
      assertTrue(find(v, "detection_delay", Subject.detector(d)).value() < 300, d + " delay " + find(v, "detection_delay", Subject.detector(d)).value());
      assertEquals(0.0, find(v, "false_alarms", Subject.detector(d)).value(), d + ": an exact model makes no error before the change");
    }
  }
}

package dev.gauntlet.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import java.util.List;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import org.junit.jupiter.api.Test;

class TemporalHoldoutCheckTest {
  static final DriftData DATA = new DriftData(200, 0.0, 1);

  static Measurement find(CheckValue v, String metric, Subject subject) {
    return v.measurements().stream().filter(m -> m.metric().equals(metric) && m.subject().equals(subject)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + "[" + subject + "]"));
  }

  static TemporalHoldoutCheck check(WindowUnit unit, int reference, int minRows) {
    return new TemporalHoldoutCheck(new WindowSpec("date", unit, 0, reference, WindowSpec.Origin.FIXED, minRows), List.of("g"), 0.03, 12);
  }

  /** The model's accuracy on rows with date in [from, to), computed straight from the generated rows. */
  static double accuracy(String from, String to, String group) {
    long n = 0;
    long ok = 0;
    for (String[] r : DATA.rows) {
      if (r[0].compareTo(from) >= 0 && r[0].compareTo(to) < 0 && (group == null || r[3].equals(group))) {
        n++;
        ok += r[4].equals(r[5]) ? 1 : 0;
      }
    }
    return (double) ok / n;
  }

  @Test
  void monthlyWindowsAfterATwelveMonthReferenceShowTheDecayAndWhomItHits() {
    CheckValue v = check(WindowUnit.MONTH, 12, 30).run(DriftData.context(DATA.table, null));
    assertEquals(1.0, find(v, "reference_accuracy", Subject.all()).value(), "the model is exact in the first year by construction");
    assertEquals(accuracy("2024-03", "2024-04", null), find(v, "accuracy", Subject.window("2024-03")).value(), 1e-12);
    assertEquals(accuracy("2024-12", "2025", "A"), find(v, "accuracy", Subject.slice("g", "A").with(Dim.WINDOW, "2024-12")).value(), 1e-12);
    Measurement last = find(v, "last_window_accuracy_drop", Subject.all());
    assertEquals(1.0 - accuracy("2024-12", "2025", null), last.value(), 1e-12);
    assertTrue(last.lower() <= last.value() && last.value() <= last.upper(), "Newcombe interval brackets the drop");
    // Group A is wrong for 0 < x <= 1 (P = 0.3413 under N(0,1)); group B is untouched.
    assertTrue(find(v, "group_last_window_accuracy_drop", Subject.slice("g", "A")).value() > 0.2);
    assertEquals(0.0, find(v, "group_last_window_accuracy_drop", Subject.slice("g", "B")).value(), 1e-12);
    assertEquals(0.0, find(v, "windows_until_retrain", Subject.all()).value(), "the last window is already below the floor");
    long windows = v.measurements().stream().filter(m -> m.metric().equals("accuracy_drop")).count();
    assertEquals(12, windows);
    assertTrue(v.evidence().stream().anyMatch(e -> e instanceof Evidence.Chart c && c.title().startsWith("Accuracy per window by g")));
  }

  @Test
  void referenceTableGivesTheSameNumbersAsLeadingWindows() {
    CheckValue fromWindows = check(WindowUnit.QUARTER, 4, 30).run(DriftData.context(DATA.table, null));
    CheckValue fromTable = check(WindowUnit.QUARTER, 0, 30).run(DriftData.context(DATA.secondYear(), DATA.firstYear()));
    for (String q : List.of("2024Q1", "2024Q2", "2024Q3", "2024Q4")) {
      assertEquals(find(fromWindows, "accuracy_drop", Subject.window(q)).value(), find(fromTable, "accuracy_drop", Subject.window(q)).value(), 1e-12, q);
      assertEquals(accuracy(q.replace("Q1", "-01").replace("Q2", "-04").replace("Q3", "-07").replace("Q4", "-10"),
          q.replace("2024Q1", "2024-04").replace("2024Q2", "2024-07").replace("2024Q3", "2024-10").replace("2024Q4", "2025"), null),
          find(fromTable, "accuracy", Subject.window(q)).value(), 1e-12, q);
    }
  }

  @Test
  void tooSmallWindowsAreInconclusiveNeverPassing() {
    CheckValue v = check(WindowUnit.WEEK, 52, 1000).run(DriftData.context(DATA.table, DATA.firstYear().select(new int[] {0})));
    assertTrue(v.measurements().stream().filter(m -> m.metric().equals("accuracy_drop")).allMatch(m -> m.inconclusive() != null));
    assertNotNull(find(v, "windows_until_retrain", Subject.all()).inconclusive());
    assertNotNull(find(v, "last_window_accuracy_drop", Subject.all()).inconclusive());
  }

  @Test
  void aReferenceThatTakesEveryWindowIsAUsageError() {
    UsageException e = assertThrows(UsageException.class, () -> check(WindowUnit.QUARTER, 8, 30).run(DriftData.context(DATA.table, null)));
    assertTrue(e.getMessage().contains("takes 8 of the 8 quarter windows"), e.getMessage());
  }

  @Test
  void retrainEstimateOnAnExactLine() {
    // y = 0.9 - 0.01 x on x = 0..5; floor 0.82 is reached at x = 8, i.e. 3 periods after x = 5.
    double[] x = {0, 1, 2, 3, 4, 5};
    double[] y = {0.9, 0.89, 0.88, 0.87, 0.86, 0.85};
    double[] w = {1, 1, 1, 1, 1, 1};
    RetrainEstimate e = RetrainEstimate.fit(x, y, w, 0.82, 5, 0.85, 12);
    assertEquals(-0.01, e.slope(), 1e-12);
    assertEquals(3.0, e.windowsAhead(), 1e-9);
    assertTrue(e.crosses());
    RetrainEstimate flat = RetrainEstimate.fit(x, new double[] {0.9, 0.9, 0.9, 0.9, 0.9, 0.9}, w, 0.82, 5, 0.9, 12);
    assertEquals(12, flat.windowsAhead());
    assertTrue(!flat.crosses());
  }
}

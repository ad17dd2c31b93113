package dev.gauntlet.drift;

import static dev.gauntlet.drift.TemporalHoldoutCheckTest.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.drift.stats.MultipleTesting;
import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The drift statistics reach the report as measurements at full double precision, equal to the
 * SciPy values of src/test/python/reference_values.out (the same literals DriftStatsTest holds),
 * named by fixed metric names with the feature and window in the subject.
 */
class DriftMeasurementsTest {
  static final Schema SCHEMA = SchemaLoader.parse(ConfigNode.parse("s.yaml", """
      name: precision
      columns:
        - {name: date, type: timestamp, role: time}
        - {name: x, type: numeric, role: feature}
        - {name: c, type: categorical, role: feature, categories: [a, b, c]}
        - {name: y, type: binary, role: label, categories: ['no', 'yes']}
        - {name: pred, type: binary, role: prediction, categories: ['no', 'yes']}
      """));
  static final String[] HEADER = {"date", "x", "c", "y", "pred"};

  /** Rows dated in {@code month}, with x from {@code xs} and c from the category counts. */
  static Table table(String month, double[] xs, long[] cats, String name) {
    int n = xs != null ? xs.length : (int) java.util.Arrays.stream(cats).sum();
    List<String[]> rows = new ArrayList<>();
    int k = 0;
    long used = 0;
    for (int i = 0; i < n; i++) {
      if (cats != null) {
        while (used >= cats[k]) {
          k++;
          used = 0;
        }
        used++;
      }
      rows.add(new String[] {month + "-" + String.format("%02d", 1 + i % 28), xs == null ? "0" : Double.toString(xs[i]),
          cats == null ? "a" : List.of("a", "b", "c").get(k), "no", "no"});
    }
    return TableLoader.fromRows(SCHEMA, HEADER, rows, name);
  }

  /** The "large" samples of reference_values.py (as in DriftStatsTest). */
  static double[] largeA() {
    double[] a = new double[400];
    for (int i = 0; i < a.length; i++) {
      a[i] = (i * 37 % 101) / 10.0;
    }
    return a;
  }

  static double[] largeB() {
    double[] b = new double[300];
    for (int j = 0; j < b.length; j++) {
      b[j] = (j * 53 % 97) / 10.0 + 0.8;
    }
    return b;
  }

  static CheckValue run(String feature, Table data, Table reference) {
    FeatureDriftCheck c = new FeatureDriftCheck(new WindowSpec("date", WindowUnit.MONTH, 0, 0, WindowSpec.Origin.FIXED, 30), List.of(feature), 10,
        0.05, MultipleTesting.BH, Double.NaN, 1, false);
    return c.run(DriftData.context(data, reference));
  }

  @Test
  void numericStatisticsAreMeasurementsEqualToScipy() {
    CheckValue v = run("x", table("2024-03", largeB(), null, "cur"), table("2023-01", largeA(), null, "ref"));
    Subject s = Subject.feature("x").with(Dim.WINDOW, "2024-03");
    assertEquals("feature=x&window=2024-03", s.toString());
    assertEquals(0.08666666666666667, find(v, "ks_d", s).value(), 1e-15, "ks_2samp statistic");
    assertEquals(0.1447362977574377, find(v, "ks_p", s).value(), 0.1447362977574377 * 1e-10, "ks_2samp(method='auto').pvalue");
    assertEquals(0.5836666666666668, find(v, "wasserstein", s).value(), 1e-12, "wasserstein_distance");
    assertEquals(0.10868256857562394, find(v, "psi", s).value(), 1e-12, "PSI by hand in NumPy");
    assertEquals(find(v, "ks_p", s).value(), find(v, "drift_score", s).value(), "reference <= 1000 rows: the KS p-value is the default test");
    assertEquals(300, find(v, "ks_d", s).n());
    assertFalse(v.measurements().stream().anyMatch(m -> m.metric().startsWith("chi2") && m.subject().equals(s)), "no chi-square on a continuous column");
  }

  @Test
  void categoricalStatisticsAreMeasurementsEqualToScipy() {
    CheckValue v = run("c", table("2024-03", null, new long[] {20, 45, 35}, "cur"), table("2023-01", null, new long[] {30, 50, 20}, "ref"));
    Subject s = Subject.feature("c").with(Dim.WINDOW, "2024-03");
    assertEquals(6.354066985645932, find(v, "chi2", s).value(), 1e-10, "chi2_contingency(correction=False)");
    assertEquals(0.04170920242693336, find(v, "chi2_p", s).value(), 1e-10);
    assertEquals(2.0, find(v, "chi2_df", s).value());
    assertEquals(0.12668884729860694, find(v, "js", s).value(), 1e-12, "scipy.spatial.distance.jensenshannon");
    assertEquals(0.1297569047840211, find(v, "psi", s).value(), 1e-12);
    assertEquals(0.1297569047840211, find(v, "max_psi", Subject.feature("c")).value(), 1e-12);
    assertFalse(v.measurements().stream().anyMatch(m -> m.metric().startsWith("ks") && m.subject().equals(s)), "no KS on a categorical column");
  }

  @Test
  void everyMeasurementHasADeclaredNameAndSubjectShape() {
    CheckValue v = FeatureDriftCheckTest.check(WindowSpec.Origin.FIXED).run(DriftData.context(FeatureDriftCheckTest.SHIFTED.table, null));
    for (Measurement m : v.measurements()) {
      assertTrue(FeatureDriftCheck.METRICS.find(m.metric()).map(d -> d.accepts(m.subject())).orElse(false), m.metric() + "[" + m.subject() + "]");
    }
    assertTrue(find(v, "psi", Subject.feature("prediction").with(Dim.WINDOW, "2024-12")).value() > 0.1, "prediction drift: feature=prediction");
    CheckValue t = TemporalHoldoutCheckTest.check(WindowUnit.MONTH, 12, 30).run(DriftData.context(TemporalHoldoutCheckTest.DATA.table, null));
    for (Measurement m : t.measurements()) {
      assertTrue(TemporalHoldoutCheck.METRICS.find(m.metric()).map(d -> d.accepts(m.subject())).orElse(false), m.metric() + "[" + m.subject() + "]");
    }
    Interval ci = find(t, "accuracy", Subject.window("2024-03")).interval();
    assertEquals(0.95, ci.level());
    assertEquals(Interval.Method.WILSON, ci.method());
    assertEquals(Interval.Method.NEWCOMBE, find(t, "last_window_accuracy_drop", Subject.all()).interval().method());
  }
}

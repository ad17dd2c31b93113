package dev.gauntlet.drift;

import static dev.gauntlet.drift.TemporalHoldoutCheckTest.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.drift.simulate.Shift;
import dev.gauntlet.drift.simulate.ShiftedValues;
import dev.gauntlet.drift.simulate.Simulator;
import dev.gauntlet.drift.simulate.ValueShift;
import dev.gauntlet.drift.stats.MultipleTesting;
import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import dev.gauntlet.harness.model.FunctionModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, the drift trial's other checks on a regression model: drift.simulation scored by MAE and
 * RMSE, drift.detectors over absolute errors, drift.features with the prediction as a numeric column.
 * Every expected value is counted by hand from the data written here.
 */
class RegressionStreamsTest {
  static final String SCHEMA = """
      name: r
      columns:
        - {name: date, type: timestamp, role: time}
        - {name: x, type: numeric, role: feature}
        - {name: y, type: numeric, role: label}
      """;

  @TempDir
  Path dir;

  static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("r.schema.yaml", SCHEMA));
  }

  /** Rows with x[i], y[i], one day apart from 2024-01-01 (or on the given dates). */
  static Table table(double[] x, double[] y, String[] dates) {
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      rows.add(new String[] {dates != null ? dates[i] : LocalDate.of(2024, 1, 1).plusDays(i).toString(), Double.toString(x[i]), Double.toString(y[i])});
    }
    return TableLoader.fromRows(schema(), new String[] {"date", "x", "y"}, rows, "rows");
  }

  static CheckContext context(Table t, DoubleUnaryOperator f) {
    FunctionModel m = FunctionModel.regression("f", 1, in -> {
      double[] v = new double[in.length];
      for (int i = 0; i < in.length; i++) {
        v[i] = f.applyAsDouble(in[i][0]);
      }
      return v;
    });
    return new CheckContext(m, false, t, null, 7, 0.5, null, null, new CheckContext.Cache());
  }

  static double[] range(int from, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = from + i;
    }
    return v;
  }

  static RegressionShiftSimulationCheck simulation(ValueShift s, double[] severities, Simulator.Onset onset) {
    return new RegressionShiftSimulationCheck("test", t -> s, severities, onset, 0.5, 0.1, 1.0, 10, 200, 0.9);
  }

  /** x = y = 1..100 (distinct), the model predicts x + 1: every error is 1 before any shift. */
  static final Table LINE = table(range(1, 100), range(1, 100), null);

  @Test
  void conceptShiftRaisesMaeAndRmseByTheShareOfMovedLabels() {
    // Labels of the top s share of x move by 10: those rows are off by 9, the others by 1.
    // At s = 0.25: 25 of 100 rows -> MAE (75 + 25 * 9) / 100 = 3, RMSE sqrt((75 + 25 * 81) / 100) = sqrt(21).
    ValueShift s = new ValueShift.Concept(Shift.Concept.on(LINE, "x"), 10);
    CheckValue v = simulation(s, new double[] {0, 0.25, 1}, null).run(context(LINE, x -> x + 1));
    assertEquals(1.0, find(v, "unshifted_mae", Subject.all()).value(), 1e-12);
    assertEquals(1.0, find(v, "unshifted_rmse", Subject.all()).value(), 1e-12);
    assertEquals(1.0, find(v, "mae", Subject.severity(0)).value(), 1e-12);
    assertEquals(3.0, find(v, "mae", Subject.severity(0.25)).value(), 1e-12);
    assertEquals(Math.sqrt(21), find(v, "rmse", Subject.severity(0.25)).value(), 1e-12);
    assertEquals(2.0, find(v, "mae_rise", Subject.severity(0.25)).value(), 1e-12);
    assertEquals(9.0, find(v, "mae", Subject.severity(1)).value(), 1e-12);
    assertEquals(8.0, find(v, "max_mae_rise", Subject.all()).value(), 1e-12);
    assertEquals(8.0, find(v, "max_rmse_rise", Subject.all()).value(), 1e-12);
    Interval i = find(v, "mae", Subject.severity(0.25)).interval();
    assertEquals(Interval.Method.BOOTSTRAP, i.method());
    assertEquals(0.9, i.level());
    assertTrue(i.lower() < 3 && 3 < i.upper(), "the interval covers the MAE: " + i);
    // every error is 9 at severity 1: no spread
    assertEquals(9.0, find(v, "mae", Subject.severity(1)).interval().lower(), 1e-12);
    assertEquals(9.0, find(v, "mae", Subject.severity(1)).interval().upper(), 1e-12);
    assertTrue(v.summary().startsWith("Under concept shift: labels move by 10") && v.summary().contains("the MAE rises from 1 by up to 8"), v.summary());
    assertFalse(v.summary().toLowerCase().contains("accuracy"), v.summary());
  }

  @Test
  void labelShiftReweightsTheRowsAboveTheLabelQuantile() {
    double[] y = range(1, 1000);
    ValueShift.LabelQuantile s = new ValueShift.LabelQuantile(0.5, 0.8);
    assertEquals(500.0, s.cut(y), "the 0.5 quantile of 1..1000 is the 500th value");
    // 500 rows above the cut (share 0.5); at severity 1 their share is 0.8: weights 0.8/0.5 and 0.2/0.5.
    double[] w = s.weights(null, y, 1.0);
    assertEquals(0.4, w[0], 1e-12);
    assertEquals(0.4, w[499], 1e-12);
    assertEquals(1.6, w[500], 1e-12);
    // halfway: share 0.65 -> weights 1.3 and 0.7
    assertEquals(1.3, s.weights(null, y, 0.5)[999], 1e-12);
    // The model is off by 2 on the high rows only: MAE 1 unshifted, 0.8 * 2 = 1.6 expected at severity 1.
    Table t = table(y, y, null);
    CheckValue v = simulation(s, new double[] {0, 1}, null).run(context(t, x -> x > 500 ? x + 2 : x));
    assertEquals(1.0, find(v, "unshifted_mae", Subject.all()).value(), 1e-12);
    // a multinomial share of 1000 draws at p = 0.8 has sd 0.0126: 2 x 4 sd
    assertEquals(1.6, find(v, "mae", Subject.severity(1)).value(), 0.1);
    assertEquals(Math.sqrt(4 * 0.8), find(v, "rmse", Subject.severity(1)).value(), 0.1);
    // one side empty is a usage error naming the quantile
    String m = assertThrows(UsageException.class, () -> s.weights(null, new double[] {3, 3, 3}, 1)).getMessage();
    assertTrue(m.contains("both sides of their 0.5 quantile"), m);
  }

  @Test
  void covariateShiftMovesTheErrorByTheDocumentedWeights() {
    // x = 1..1000, error |x| / 1000 grows with x; covariate weights exp(2 s z), z = (x - mean) / sd clipped to +-3:
    // the expected MAE at severity 1 is sum w e / sum w, in closed form here.
    double[] x = range(1, 1000);
    double mean = 500.5;
    double sd = Math.sqrt((1000.0 * 1000 - 1) / 12);
    double sw = 0;
    double swe = 0;
    for (double v : x) {
      double w = Math.exp(2 * Math.max(-3, Math.min(3, (v - mean) / sd)));
      sw += w;
      swe += w * v / 1000;
    }
    Table t = table(x, x, null);
    ValueShift s = new ValueShift.Covariate(new Shift.Covariate("x", null));
    CheckValue v = simulation(s, new double[] {0, 1}, null).run(context(t, a -> a + a / 1000));
    assertEquals(0.5005, find(v, "unshifted_mae", Subject.all()).value(), 1e-12);
    assertEquals(swe / sw, find(v, "mae", Subject.severity(1)).value(), 0.03);
    assertTrue(swe / sw > 0.7, "the shift moves weight to large x: " + swe / sw);
  }

  @Test
  void aSuddenConceptShiftOnTheStreamIsFoundByPageHinkleyAfterSixRows() {
    // 1000 rows in time order, errors 1 before row 500 and 9 after (labels +10, severity 1); in units of the unshifted MAE (1).
    // Page-Hinkley (delta 0.005, lambda 50): after j shifted rows m_t - min m = sum_{i<=j} (8 * 500 / (500 + i) - 0.005):
    // 47.6 at j = 6, 55.5 at j = 7 -> the alarm is the 7th shifted row, delay 6.
    Table t = table(range(1, 1000), range(1, 1000), null);
    ValueShift s = new ValueShift.Concept(Shift.Concept.on(t, "x"), 10);
    CheckValue v = simulation(s, new double[] {0}, Simulator.Onset.SUDDEN).run(context(t, x -> x + 1));
    assertEquals(6.0, find(v, "detection_delay", Subject.detector("page-hinkley")).value());
    assertNull(find(v, "detection_delay", Subject.detector("adwin")).inconclusive());
    assertTrue(find(v, "detection_delay", Subject.detector("adwin")).value() <= 64, "ADWIN checks every 32 rows");
    for (String d : List.of("page-hinkley", "adwin")) {
      assertEquals(0.0, find(v, "false_alarms", Subject.detector(d)).value(), d + ": constant errors before the change");
    }
    assertTrue(v.measurements().stream().noneMatch(m -> m.subject().toString().contains("ddm")), "DDM reads 0/1 errors and is not run");
    ShiftedValues st = Simulator.stream(s, t, range(1, 1000), java.util.stream.IntStream.range(0, 1000).toArray(), 500, Simulator.Onset.SUDDEN, 1, 1.0,
        new SplittableRandom(1));
    double[] e = st.absoluteErrors(range(2, 1000));
    assertEquals(1.0, StreamRun.mean(e, 0, 500));
    assertEquals(9.0, StreamRun.mean(e, 500, 1000));
  }

  /** 900 rows with error 1, then 100 with error 1000, a day apart. */
  static Table jump() {
    double[] x = range(0, 1000);
    double[] y = new double[1000];
    for (int i = 0; i < 1000; i++) {
      y[i] = i < 900 ? x[i] - 1 : x[i] - 1000;
    }
    return table(x, y, null);
  }

  @Test
  void detectorsOverAbsoluteErrorsAndTheirBinarisedStream() {
    // The MAE over the stream is (900 + 100 * 1000) / 1000 = 100.9: errors 1 / 100.9 = 0.0099 then 9.9108.
    // Page-Hinkley after j rows of the jump: sum (9.9009 * 900 / (900 + j) - 0.005) = 49.3 at j = 5, 59.1 at j = 6: alarm at row 905.
    DetectorCheck real = new DetectorCheck(DetectorCheck.Source.MODEL, 0);
    CheckValue v = real.run(context(jump(), x -> x));
    assertEquals(905.0, find(v, "first_alarm_row", Subject.detector("page-hinkley")).value());
    assertEquals(1.0, find(v, "alarms", Subject.detector("page-hinkley")).value(), "it starts over after the alarm on a constant stream");
    assertTrue(find(v, "first_alarm_row", Subject.detector("adwin")).value() >= 900, "no ADWIN alarm before the jump");
    assertTrue(v.measurements().stream().noneMatch(m -> m.subject().toString().contains("ddm")));
    assertTrue(v.summary().contains("absolute errors in units of their mean, MAE 100.9"), v.summary());
    // errorAbove 5: 0 x 900 then 1 x 100. DDM's minimum p + s is 0 on the error-free start; the first error makes p + s > 0: row 900.
    DetectorCheck binary = new DetectorCheck(DetectorCheck.Source.MODEL, 0, List.of("ddm", "page-hinkley"), 5);
    CheckValue b = binary.run(context(jump(), x -> x));
    assertEquals(900.0, find(b, "first_alarm_row", Subject.detector("ddm")).value());
    assertTrue(find(b, "alarms", Subject.detector("page-hinkley")).value() >= 1, "page-hinkley fires on the 0/1 stream too");
    assertTrue(find(b, "first_alarm_row", Subject.detector("page-hinkley")).value() > 900);
    assertTrue(b.summary().contains("absolute errors above 5 counted as errors"), b.summary());
    for (Evidence e : v.evidence()) {
      if (e instanceof Evidence.Chart c) {
        assertFalse(c.title().toLowerCase().contains("error rate"), "a regression stream has no error rate: " + c.title());
      }
    }
  }

  @Test
  void predictionDriftOfARegressionModelIsNumeric() {
    // Months 1 (reference) and 2: x = 0..29; month 3: x = 100..129. The model predicts 2x: its predictions drift with x.
    double[] x = new double[90];
    String[] dates = new String[90];
    for (int i = 0; i < 90; i++) {
      x[i] = i < 60 ? i % 30 : 100 + i % 30;
      dates[i] = "2024-0" + (1 + i / 30) + "-" + String.format("%02d", 1 + i % 28);
    }
    Table t = table(x, x, dates);
    FeatureDriftCheck c = new FeatureDriftCheck(new WindowSpec("date", WindowUnit.MONTH, 0, 1, WindowSpec.Origin.FIXED, 30), List.of("x"), 10, 0.05,
        MultipleTesting.BH, Double.NaN, 3, true);
    CheckValue v = c.run(context(t, a -> 2 * a));
    Subject p2 = Subject.feature(FeatureDriftCheck.DECISION).with(Dim.WINDOW, "2024-02");
    Subject p3 = Subject.feature(FeatureDriftCheck.DECISION).with(Dim.WINDOW, "2024-03");
    assertEquals(0.0, find(v, "ks_d", p2).value(), 0, "the same predictions as the reference");
    assertEquals(1.0, find(v, "ks_d", p3).value(), 0, "every prediction above the reference's largest");
    // Wasserstein: every prediction moves by 2 x 100
    assertEquals(200.0, find(v, "wasserstein", p3).value(), 1e-9);
    assertEquals(find(v, "psi", p3).value(), find(v, "max_prediction_psi", Subject.all()).value(), 0);
  }

  Path suite(String label, String checks) throws Exception {
    Files.writeString(dir.resolve("s.yaml"), SCHEMA.replace("- {name: y, type: numeric, role: label}", label));
    Path f = dir.resolve("suite.yaml");
    Files.writeString(f, "name: r\nmodel: {type: precomputed, prediction: x}\ndata: {path: missing.csv, schema: s.yaml}\nchecks:\n" + checks);
    return f;
  }

  String loadError(String label, String checks) throws Exception {
    Path f = suite(label, checks);
    return assertThrows(UsageException.class, () -> new SuiteLoader().load(f, OptionalLong.empty(), null)).getMessage();
  }

  static final String NUMERIC = "- {name: y, type: numeric, role: label}";
  static final String BINARY = "- {name: y, type: binary, role: label, categories: [a, b]}";

  @Test
  void badRegressionParamsAreExit2AtTheirNode() throws Exception {
    String m = loadError(NUMERIC, "  - {type: drift.detectors, params: {detectors: [ddm, adwin]}, conditions: [{metric: alarms, atMost: 0}]}\n");
    assertTrue(m.contains("suite.yaml:5:") && m.contains("detector 'ddm'") && m.contains("0/1 error stream") && m.contains("errorAbove"), m);
    m = loadError(BINARY, "  - {type: drift.detectors, params: {errorAbove: 3}, conditions: [{metric: alarms, atMost: 0}]}\n");
    assertTrue(m.contains("suite.yaml:5:") && m.contains("'errorAbove' applies to a regression suite"), m);
    m = loadError(BINARY, "  - {type: drift.simulation, params: {shift: prior, quantile: 0.5}, conditions: [{metric: max_accuracy_drop, atMost: 0.1}]}\n");
    assertTrue(m.contains("'quantile' applies to a regression suite"), m);
    m = loadError(NUMERIC, "  - {type: drift.simulation, params: {shift: concept, feature: x, offset: 0}, conditions: [{metric: max_mae_rise, atMost: 1}]}\n");
    assertTrue(m.contains("suite.yaml:5:") && m.contains("offset"), m);
    m = loadError(NUMERIC, "  - {type: drift.simulation, params: {shift: prior, target: 1.5}, conditions: [{metric: max_mae_rise, atMost: 1}]}\n");
    assertTrue(m.contains("target"), m);
    m = loadError(NUMERIC, "  - {type: drift.simulation, params: {shift: covariate, feature: x}, conditions: [{metric: max_accuracy_drop, atMost: 0.1}]}\n");
    assertTrue(m.contains("max_accuracy_drop") && m.contains("classification"), m);
  }
}

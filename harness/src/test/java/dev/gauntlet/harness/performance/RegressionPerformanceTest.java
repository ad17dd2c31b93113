package dev.gauntlet.harness.performance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.ParamException;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.RunFixtures;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import dev.gauntlet.harness.summary.InProcessEngine;
import dev.gauntlet.harness.summary.RandomSplitEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, regression performance: every metric against scikit-learn and NumPy literals (printed
 * by src/test/resources/dev/gauntlet/harness/performance/sklearn_regression_reference.py), quantiles
 * with ties by hand, intervals against the normal approximation, the same numbers however the rows
 * are split, and the suite's refusals.
 */
class RegressionPerformanceTest {
  // printed by sklearn_regression_reference.py
  static final double[] Y = {5111.5, 7185.3, 7963.4, 1064.4, 3477.9, 8660.8, 5104.9, 3546.3, 5313.6, 2770.0, 7451.9, 3738.0, 5311.1, 1047.0, 6385.2, 2680.2, 8460.5, 3994.0, 7019.4, 7105.1, 7964.0, 1880.9, 3400.7, 4799.2, 6383.5, 3060.7, 6609.2, 6256.0, 2456.1, 3576.5, 8100.3, 1666.8, 6972.5, 1498.8, 6851.8, 6940.1, 4263.3, 8931.1, 4617.1, 2519.0};
  static final double[] P = {6057.4, 6785.5, 7831.4, 1124.7, 3432.7, 7727.4, 4954.7, 3357.4, 5274.9, 2682.0, 7605.5, 3289.7, 6475.8, 1007.1, 7414.3, 3708.4, 8687.8, 3437.1, 5869.5, 6342.0, 7938.3, 2127.2, 3081.0, 4638.8, 8151.4, 3375.8, 6032.2, 6758.3, 2017.0, 2263.4, 8332.0, 1332.2, 7134.5, 2704.7, 7033.5, 6550.2, 5366.4, 7775.4, 4036.8, 3481.7};
  /** mae, rmse, r2, mean_error, median_absolute_error, q0.9, q0.75 of the first 40 rows. */
  static final double[] ALL = {537.9399999999999, 699.01955981217, 0.9068378434901968, 26.449999999999932, 394.85000000000036, 1156.6000000000006, 950.0999999999997};
  /** mae, rmse, r2, mean_error, median_absolute_error, q0.9, q0.75 of the first 39 rows. */
  static final double[] ODD = {527.048717948718, 690.936609025971, 0.9083782529938562, 2.4435897435896723, 389.90000000000055, 1157.5000000000007, 939.6499999999996};

  @TempDir
  Path dir;

  static void assertMetrics(double[] want, double[] p, double[] y) {
    RegressionSummary s = RegressionSummary.of(p, y);
    RegressionErrors.Estimate e9 = RegressionErrors.of(s, 0.9);
    RegressionErrors.Estimate e75 = RegressionErrors.of(s, 0.75);
    int[] order = {RegressionErrors.MAE, RegressionErrors.RMSE, RegressionErrors.R2, RegressionErrors.MEAN_ERROR, RegressionErrors.MEDIAN_ABS};
    for (int i = 0; i < order.length; i++) {
      assertEquals(want[i], e9.value(order[i]), 1e-9 * Math.max(1, Math.abs(want[i])), "metric " + RegressionPerformanceCheck.NAMES[order[i]]);
    }
    assertEquals(want[5], e9.value(RegressionErrors.QUANTILE_ABS), 1e-9 * want[5], "0.9 quantile");
    assertEquals(want[6], e75.value(RegressionErrors.QUANTILE_ABS), 1e-9 * want[6], "0.75 quantile");
  }

  @Test
  void everyMetricMatchesScikitLearnAndNumPy() {
    assertMetrics(ALL, P, Y);
    assertMetrics(ODD, Arrays.copyOf(P, 39), Arrays.copyOf(Y, 39));
  }

  @Test
  void sentencesNameTheErrorMetricsAsReviewersWriteThem() {
    assertEquals("MAE", MetricCondition.spoken("mae"));
    assertEquals("last window MAE rise", MetricCondition.spoken("last_window_mae_rise"));
    assertEquals("R-squared", MetricCondition.spoken("r2"));
    assertEquals("prediction KS", MetricCondition.spoken("prediction_ks"));
    // classification names read as before
    assertEquals("ks d", MetricCondition.spoken("ks_d"));
    assertEquals("balanced accuracy", MetricCondition.spoken("balanced_accuracy"));
    assertEquals("auc", MetricCondition.spoken("auc"));
  }

  @Test
  void quantilesOfTiedErrorsInterpolateByHand() {
    // errors +1, -1, +1, -3: |e| = 1, 1, 1, 3; type 7 at 0.9: h = 3 * 0.9 = 2.7, 1 + 0.7 * (3 - 1) = 2.4
    RegressionSummary s = RegressionSummary.of(new double[] {11, 9, 11, 7}, new double[] {10, 10, 10, 10});
    assertEquals(3, s.distinct(), "the two rows with error +1 and label 10 are one pair");
    RegressionErrors.Estimate e = RegressionErrors.of(s, 0.9);
    assertEquals(1.5, e.value(RegressionErrors.MAE), 0);
    assertEquals(Math.sqrt(3), e.value(RegressionErrors.RMSE), 1e-15);
    assertEquals(-0.5, e.value(RegressionErrors.MEAN_ERROR), 0);
    assertEquals(1, e.value(RegressionErrors.MEDIAN_ABS), 0);
    assertEquals(2.4, e.value(RegressionErrors.QUANTILE_ABS), 1e-15);
    assertTrue(Double.isNaN(e.value(RegressionErrors.R2)), "constant labels leave R-squared undefined");
    // |e| = 1, 2, 4, 8: the median of an even count is the mean of the middle two
    RegressionSummary even = RegressionSummary.of(new double[] {1, -2, 4, -8}, new double[] {0, 0, 0, 0});
    assertEquals(3, RegressionErrors.of(even, 0.9).value(RegressionErrors.MEDIAN_ABS), 0);
  }

  static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("r.schema.yaml", """
        name: r
        columns:
          - {name: x, type: numeric, role: feature}
          - {name: y, type: numeric, role: label}
        """));
  }

  /** {@code n} rows: x = i, y = x + N(0, sigma) noise. */
  static Table table(int n, double sigma, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double noise = sigma == 0 ? 0 : gaussian(r) * sigma;
      rows.add(new String[] {Integer.toString(i), Double.toString(i + noise)});
    }
    return TableLoader.fromRows(schema(), new String[] {"x", "y"}, rows, "rows");
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  static FunctionModel identity(String name, double shift) {
    return FunctionModel.regression(name, 1, x -> {
      double[] v = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        v[i] = x[i][0] + shift;
      }
      return v;
    });
  }

  static CheckValue run(RegressionPerformanceCheck c, Table t, FunctionModel m, dev.gauntlet.harness.summary.SummaryEngine engine) {
    CheckContext ctx = new CheckContext(m, false, t, null, 99, 0.5, null, null, new CheckContext.Cache()).withEngine(engine);
    return c.run(ctx);
  }

  static Measurement get(CheckValue v, String metric) {
    return v.measurements().stream().filter(m -> m.metric().equals(metric)).findFirst().orElseThrow();
  }

  @Test
  void theBootstrapIntervalOfTheMaeHasTheNormalApproximationsWidth() {
    // e ~ N(0, 100): |e| has mean 100 sqrt(2/pi) and sd 100 sqrt(1 - 2/pi); n = 4000 rows
    Table t = table(4000, 100, 5);
    CheckValue v = run(new RegressionPerformanceCheck(30, 0.95, 0.9, 2000), t, identity("m", 0), InProcessEngine.defaults());
    Measurement mae = get(v, "mae");
    assertEquals(100 * Math.sqrt(2 / Math.PI), mae.value(), 3, "sample MAE near its expectation");
    double half = 1.959964 * 100 * Math.sqrt(1 - 2 / Math.PI) / Math.sqrt(4000);
    Interval i = mae.interval();
    assertEquals(Interval.Method.BOOTSTRAP, i.method());
    assertEquals(0.95, i.level(), 0);
    assertTrue(i.lower() < mae.value() && mae.value() < i.upper(), i.toString());
    assertEquals(2 * half, i.upper() - i.lower(), 0.12 * 2 * half, "bootstrap width against the normal approximation " + i);
    Measurement bias = get(v, "mean_error");
    double biasHalf = 1.959964 * 100 / Math.sqrt(4000);
    assertEquals(2 * biasHalf, bias.interval().upper() - bias.interval().lower(), 0.12 * 2 * biasHalf, bias.interval().toString());
  }

  @Test
  void theSameNumbersAndIntervalsHoweverTheRowsAreSplitAndTheSameForTheSameSeed() {
    Table t = table(1500, 20, 8);
    RegressionPerformanceCheck c = new RegressionPerformanceCheck(30, 0.9, 0.8, 300);
    FunctionModel m = identity("m", 3);
    CheckValue whole = run(c, t, m, InProcessEngine.defaults());
    for (long seed = 1; seed <= 3; seed++) {
      CheckValue split = run(c, t, m, new RandomSplitEngine(7, seed));
      assertEquals(whole.measurements(), split.measurements(), "split " + seed);
    }
    CheckValue parts = run(c, t, m, InProcessEngine.partitions(13));
    assertEquals(whole.measurements(), parts.measurements());
    double[] p = new double[t.rowCount()];
    for (int i = 0; i < p.length; i++) {
      p[i] = i + 3;
    }
    RegressionSummary a = RegressionSummary.of(Arrays.copyOfRange(p, 0, 700), Arrays.copyOfRange(t.numeric("y"), 0, 700));
    RegressionSummary b = RegressionSummary.of(Arrays.copyOfRange(p, 700, p.length), Arrays.copyOfRange(t.numeric("y"), 700, p.length));
    assertArrayEquals(RegressionSummary.of(p, t.numeric("y")).bytes(), b.merge(a).bytes(), "merge is exact and commutative");
    // another seed gives another (close) interval: the seed is used
    CheckContext other = new CheckContext(m, false, t, null, 100, 0.5, null, null, new CheckContext.Cache());
    assertNotEquals(get(whole, "mae").interval(), get(c.run(other), "mae").interval());
  }

  @Test
  void fewRowsOrConstantLabelsAreInconclusiveAndParamsAreValidated() {
    CheckValue few = run(new RegressionPerformanceCheck(), table(10, 1, 1), identity("m", 0), InProcessEngine.defaults());
    assertTrue(few.measurements().stream().allMatch(m -> m.inconclusive() != null && m.inconclusive().contains("only 10 evaluation rows")));
    CheckValue flat = run(new RegressionPerformanceCheck(), table(50, 0, 1), identity("m", 0.5), InProcessEngine.defaults());
    // y = x exactly, so every prediction is 0.5 too high; the labels vary, R-squared is defined
    assertEquals(0.5, get(flat, "mae").value(), 1e-12);
    assertEquals(0.5, get(flat, "mean_error").value(), 1e-12);
    assertNull(get(flat, "r2").inconclusive());
    assertEquals("quantile", assertThrows(ParamException.class, () -> new RegressionPerformanceCheck(30, 0.95, 0.2, 1000)).param());
    assertEquals("resamples", assertThrows(ParamException.class, () -> new RegressionPerformanceCheck(30, 0.95, 0.9, 5)).param());
  }

  @Test
  void aWorseCandidateThanTheBaselineFailsAMaxRiseOnTheMae() {
    Table t = table(400, 10, 3);
    Suite s = Suite.builder("r").data(t).model(identity("new", 15)).baseline(identity("old", 0))
        .check(CheckSpec.of("perf", new RegressionPerformanceCheck(), MetricCondition.maxRise("mae", 2))).build();
    SuiteResult r = new SuiteRunner(null, null, null).run(s);
    CheckResult c = r.checks().stream().filter(x -> x.id().equals("perf")).findFirst().orElseThrow();
    assertEquals(Outcome.FAIL, c.outcome(), c.toString());
    assertTrue(c.findings().get(0).baseline() < c.findings().get(0).value());
    assertFalse(r.verdict().passed());
  }

  Path suite(String schemaLabel, String checks) throws Exception {
    Files.writeString(dir.resolve("s.yaml"), "columns:\n  - {name: x, type: numeric, role: feature}\n  - {name: p, type: numeric, role: prediction}\n  - " + schemaLabel + "\n");
    Path f = dir.resolve("suite.yaml");
    Files.writeString(f, "name: r\nmodel: {type: precomputed, prediction: p}\ndata: {path: missing.csv, schema: s.yaml}\nchecks:\n" + checks);
    return f;
  }

  @Test
  void aClassificationMetricInARegressionSuiteIsExit2WithTheValidNames() throws Exception {
    Path f = suite("{name: y, type: numeric, role: label}", "  - type: performance\n    conditions: [{metric: accuracy, atLeast: 0.8}]\n");
    UsageException e = assertThrows(UsageException.class, () -> new SuiteLoader().load(f, OptionalLong.empty(), null));
    assertEquals(2, e.exitCode());
    String m = e.getMessage();
    assertTrue(m.contains("suite.yaml:6:") && m.contains("measures no metric 'accuracy'"), m);
    assertTrue(m.contains("mae, rmse, r2, median_absolute_error, quantile_absolute_error, mean_error"), "the valid names: " + m);
    assertTrue(m.contains("this is a regression suite: the label 'y' is numeric"), m);
    Path q = suite("{name: y, type: binary, role: label, categories: [a, b]}",
        "  - type: performance\n    params: {quantile: 0.8}\n    conditions: [{metric: accuracy, atLeast: 0.8}]\n");
    m = assertThrows(UsageException.class, () -> new SuiteLoader().load(q, OptionalLong.empty(), null)).getMessage();
    assertTrue(m.contains("suite.yaml:6:") && m.contains("'quantile' applies to a regression suite"), m);
    Path mae = suite("{name: y, type: binary, role: label, categories: [a, b]}", "  - type: performance\n    conditions: [{metric: mae, atMost: 3}]\n");
    m = assertThrows(UsageException.class, () -> new SuiteLoader().load(mae, OptionalLong.empty(), null)).getMessage();
    assertTrue(m.contains("'mae' is measured in a regression suite; this is a classification suite"), m);
  }

  @Test
  void aRegressionYamlSuiteRunsThePerformanceCheck() throws Exception {
    Files.writeString(dir.resolve("s.yaml"), "columns:\n  - {name: x, type: numeric, role: feature}\n  - {name: p, type: numeric, role: prediction}\n"
        + "  - {name: y, type: numeric, role: label}\n");
    StringBuilder csv = new StringBuilder("x,p,y\n");
    for (int i = 0; i < 40; i++) {
      csv.append(i).append(',').append(P[i]).append(',').append(Y[i]).append('\n');
    }
    Files.writeString(dir.resolve("d.csv"), csv.toString());
    Path f = dir.resolve("suite.yaml");
    Files.writeString(f, "name: r\nmodel: {type: precomputed, prediction: p}\ndata: {path: d.csv, schema: s.yaml}\nchecks:\n"
        + "  - type: performance\n    params: {quantile: 0.75, resamples: 200}\n    conditions:\n      - {metric: mae, atMost: 600}\n"
        + "      - {metric: quantile_absolute_error, atMost: 900}\n");
    SuiteResult r = new SuiteRunner(null, null, null).run(new SuiteLoader().load(f, OptionalLong.empty(), null));
    CheckResult c = r.checks().stream().filter(x -> x.id().equals("performance")).findFirst().orElseThrow();
    assertEquals(ALL[0], c.findings().get(0).value(), 1e-9);
    assertEquals(ALL[6], c.findings().get(1).value(), 1e-9);
    assertEquals(Outcome.FAIL, c.findings().get(1).outcome(), "NumPy's 0.75 quantile 950.1 is above 900");
    assertTrue(c.summary().startsWith("Mean absolute error 537.9"), c.summary());
  }
}

package dev.gauntlet.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.summary.InProcessEngine;
import dev.gauntlet.harness.summary.RandomSplitEngine;
import dev.gauntlet.harness.summary.SummaryEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, slice fairness of a regression model: per-slice errors by hand, the Welch p-values and
 * KS statistic against SciPy (src/test/resources/dev/gauntlet/fairness/scipy_regression_slices.py),
 * a planted bias found with its interval covering the planted value, the same numbers however the
 * rows are split, and the refusals.
 */
class RegressionSliceCheckTest {
  static final String SCHEMA = """
      name: r
      columns:
        - {name: x, type: numeric, role: feature}
        - {name: sex, type: categorical, role: protected, categories: [F, M]}
        - {name: region, type: categorical, role: protected, categories: [north, south]}
        - {name: y, type: numeric, role: label}
      """;
  // printed by scipy_regression_slices.py
  static final double MAE_P = 0.025182011694535926;
  static final double MEAN_ERROR_P = 0.3915577003560211;
  static final double KS = 0.55;

  @TempDir
  Path dir;

  static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("r.schema.yaml", SCHEMA));
  }

  /** The model predicts x: so each row's prediction is its x. */
  static final FunctionModel IDENTITY = FunctionModel.regression("id", 1, x -> {
    double[] v = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      v[i] = x[i][0];
    }
    return v;
  });

  static Table rows(List<String[]> rows) {
    return TableLoader.fromRows(schema(), new String[] {"x", "sex", "region", "y"}, rows, "rows");
  }

  static CheckValue run(RegressionSliceCheck c, Table t, SummaryEngine engine) {
    return c.run(new CheckContext(IDENTITY, false, t, null, 7, 0.5, null, null, new CheckContext.Cache()).withEngine(engine));
  }

  static Measurement get(CheckValue v, String metric, String subject) {
    Subject s = subject == null ? Subject.all() : Subject.parse(subject);
    return v.measurements().stream().filter(m -> m.metric().equals(metric) && m.subject().equals(s)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + "[" + subject + "]"));
  }

  static Table handTable() {
    List<String[]> r = new ArrayList<>();
    for (String p : new String[] {"8", "9", "12", "7"}) {
      r.add(new String[] {p, "F", "north", "10"});
    }
    for (String p : new String[] {"10", "11", "9", "10.5", "10"}) {
      r.add(new String[] {p, "M", "south", "10"});
    }
    return rows(r);
  }

  @Test
  void perSliceErrorsGapsTestsAndKsMatchAHandCountAndSciPy() {
    RegressionSliceCheck c = new RegressionSliceCheck(List.of(SliceConfig.Attribute.categorical("sex")), 1, 2, Map.of(), 200, 0.95, 0.1,
        RegressionSliceCheck.Loss.MAE);
    CheckValue v = run(c, handTable(), InProcessEngine.defaults());
    // F: errors -2, -1, 2, -3; M: 0, 1, -1, 0.5, 0 (label 10 everywhere); M is the larger slice, the reference
    assertEquals(2.0, get(v, "mae", "sex=F").value(), 1e-15);
    assertEquals(0.5, get(v, "mae", "sex=M").value(), 1e-15);
    assertEquals(Math.sqrt(4.5), get(v, "rmse", "sex=F").value(), 1e-15);
    assertEquals(-1.0, get(v, "mean_error", "sex=F").value(), 1e-15);
    assertEquals(0.1, get(v, "mean_error", "sex=M").value(), 1e-15);
    assertEquals(1.5, get(v, "mae_diff", "sex=F").value(), 1e-15);
    assertEquals(4.0, get(v, "mae_ratio", "sex=F").value(), 1e-15);
    assertEquals(Math.sqrt(4.5) - Math.sqrt(0.45), get(v, "rmse_diff", "sex=F").value(), 1e-15);
    assertEquals(-1.1, get(v, "mean_error_diff", "sex=F").value(), 1e-15);
    assertEquals(MAE_P, get(v, "mae_p", "sex=F").value(), 1e-9);
    assertEquals(MEAN_ERROR_P, get(v, "mean_error_p", "sex=F").value(), 1e-9);
    // two tests: BH q of the smaller p is 2p, of the larger its own p
    assertEquals(2 * MAE_P, get(v, "mae_q", "sex=F").value(), 1e-9);
    assertEquals(MEAN_ERROR_P, get(v, "mean_error_q", "sex=F").value(), 1e-9);
    assertEquals(1, get(v, "significant_disparities", null).value(), "q 0.0504 is at most alpha 0.1, q 0.39 is not");
    assertEquals(KS, get(v, "prediction_ks", "sex=F").value(), 1e-15);
    assertEquals(KS, get(v, "prediction_ks", "sex=M").value(), 1e-15);
    assertEquals(2.0, get(v, "worst_slice_loss", null).value(), 1e-15);
    assertEquals(9, get(v, "n", null).value());
    assertNotNull(get(v, "mae_diff", "sex=F").interval());
    assertTrue(v.summary().contains("sex=F against sex=M"), v.summary());
    // RMSE as the bounded loss; a slice below minSize is inconclusive and not the worst
    RegressionSliceCheck big = new RegressionSliceCheck(List.of(SliceConfig.Attribute.categorical("sex")), 1, 5, Map.of(), 200, 0.95, 0.05,
        RegressionSliceCheck.Loss.RMSE);
    CheckValue w = run(big, handTable(), InProcessEngine.defaults());
    assertTrue(get(w, "mae", "sex=F").inconclusive().contains("below the minimum of 5"));
    assertTrue(get(w, "mean_error_diff", "sex=F").inconclusive() != null);
    assertEquals(Math.sqrt(0.45), get(w, "worst_slice_loss", null).value(), 1e-15);
  }

  /**
   * 3,000 rows, y ~ U(1000, 9000); the model predicts y + N(0, 200) and, for women, 300 less: the
   * planted bias. Region is independent of everything.
   */
  static Table planted(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      boolean f = r.nextDouble() < 0.4;
      double y = r.nextDouble(1000, 9000);
      double noise = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()) * 200;
      double pred = y + noise - (f ? 300 : 0);
      rows.add(new String[] {Double.toString(pred), f ? "F" : "M", r.nextBoolean() ? "north" : "south", Double.toString(y)});
    }
    return rows(rows);
  }

  @Test
  void aPlantedBiasIsFoundWithItsIntervalCoveringThePlantedValue() {
    RegressionSliceCheck c = new RegressionSliceCheck(List.of(SliceConfig.Attribute.categorical("sex"), SliceConfig.Attribute.categorical("region")),
        2, 30, Map.of("sex", "M"), 1000, 0.95, 0.05, RegressionSliceCheck.Loss.MAE);
    CheckValue v = run(c, planted(11), InProcessEngine.defaults());
    Measurement gap = get(v, "mean_error_diff", "sex=F");
    assertTrue(gap.interval().lower() <= -300 && -300 <= gap.interval().upper(), "the interval covers the planted -300: " + gap.interval());
    assertEquals(-300, gap.value(), 30);
    assertTrue(get(v, "mean_error_q", "sex=F").value() < 1e-6, "found, after multiple-testing control");
    // region carries no bias: its gap's interval covers 0 and it is not significant
    Measurement none = get(v, "mean_error_diff", "region=south");
    assertTrue(none.interval().lower() <= 0 && 0 <= none.interval().upper(), none.interval().toString());
    assertTrue(get(v, "mean_error_q", "region=south").value() > 0.05);
    // the intersections are measured too, against the largest slice with sex=M
    assertTrue(get(v, "mean_error_diff", "sex=F&region=north").value() < -200);
    assertTrue(get(v, "prediction_ks", "sex=F").value() > 0, "the predictions of F differ from the rest's");
  }

  @Test
  void theSameNumbersHoweverTheRowsAreSplit() {
    RegressionSliceCheck c = new RegressionSliceCheck(List.of(SliceConfig.Attribute.categorical("sex"), SliceConfig.Attribute.categorical("region")),
        2, 30, Map.of(), 200, 0.9, 0.05, RegressionSliceCheck.Loss.MAE);
    Table t = planted(3);
    CheckValue whole = run(c, t, InProcessEngine.defaults());
    assertEquals(whole.measurements(), run(c, t, new RandomSplitEngine(5, 9)).measurements());
    assertEquals(whole.measurements(), run(c, t, InProcessEngine.partitions(7)).measurements());
  }

  Path suite(String label, String checks) throws Exception {
    Files.writeString(dir.resolve("s.yaml"), SCHEMA.replace("- {name: y, type: numeric, role: label}", label));
    Path f = dir.resolve("suite.yaml");
    Files.writeString(f, "name: r\nmodel: {type: precomputed, prediction: x}\ndata: {path: missing.csv, schema: s.yaml}\nchecks:\n" + checks);
    return f;
  }

  @Test
  void theWrongTaskOrParametersAreExit2AtTheirLine() throws Exception {
    Path cls = suite("- {name: y, type: binary, role: label, categories: [a, b]}",
        "  - {type: fairness.regression, conditions: [{metric: worst_slice_loss, atMost: 5}]}\n");
    String m = assertThrows(UsageException.class, () -> new SuiteLoader().load(cls, OptionalLong.empty(), null)).getMessage();
    assertTrue(m.contains("suite.yaml:5:") && m.contains("needs a numeric label") && m.contains("use fairness.slices"), m);
    Path reg = suite("- {name: y, type: numeric, role: label}", "  - {type: fairness.slices, conditions: [{metric: disparate_impact, atLeast: 0.8}]}\n");
    m = assertThrows(UsageException.class, () -> new SuiteLoader().load(reg, OptionalLong.empty(), null)).getMessage();
    assertTrue(m.contains("suite.yaml:5:") && m.contains("the label 'y' is numeric") && m.contains("use fairness.regression"), m);
    Path loss = suite("- {name: y, type: numeric, role: label}",
        "  - {type: fairness.regression, params: {loss: mse}, conditions: [{metric: worst_slice_loss, atMost: 5}]}\n");
    m = assertThrows(UsageException.class, () -> new SuiteLoader().load(loss, OptionalLong.empty(), null)).getMessage();
    assertTrue(m.contains("suite.yaml:5:") && m.contains("mse"), m);
    Path boot = suite("- {name: y, type: numeric, role: label}",
        "  - {type: fairness.regression, params: {bootstrap: 5}, conditions: [{metric: worst_slice_loss, atMost: 5}]}\n");
    m = assertThrows(UsageException.class, () -> new SuiteLoader().load(boot, OptionalLong.empty(), null)).getMessage();
    assertTrue(m.contains("bootstrap"), m);
  }
}

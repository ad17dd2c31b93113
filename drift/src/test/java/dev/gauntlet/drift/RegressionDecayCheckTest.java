package dev.gauntlet.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.drift.window.WindowUnit;
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
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.FunctionModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14, drift of a regression model: error decay, bias and KS drift per window by hand, the retrain estimate in closed form. */
class RegressionDecayCheckTest {
  static final String SCHEMA = """
      name: r
      columns:
        - {name: date, type: timestamp, role: time}
        - {name: x, type: numeric, role: feature}
        - {name: sex, type: categorical, role: protected, categories: [F, M]}
        - {name: y, type: numeric, role: label}
      """;

  @TempDir
  Path dir;

  static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("r.schema.yaml", SCHEMA));
  }

  static final FunctionModel IDENTITY = FunctionModel.regression("id", 1, x -> {
    double[] v = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      v[i] = x[i][0];
    }
    return v;
  });

  /**
   * Label 100 everywhere; month 1 (the reference) and 2 have errors +10 and -10 (women +10), month 3
   * +-10.5, month 4 +-11: MAE 10, 10, 10.5, 11.
   */
  static Table table() {
    double[][] errors = {{10, -10}, {10, -10}, {10.5, -10.5}, {11, -11}};
    List<String[]> rows = new ArrayList<>();
    for (int m = 0; m < errors.length; m++) {
      for (int k = 0; k < 2; k++) {
        rows.add(new String[] {"2024-0" + (m + 1) + "-15", Double.toString(100 + errors[m][k]), k == 0 ? "F" : "M", "100"});
      }
    }
    return TableLoader.fromRows(schema(), new String[] {"date", "x", "sex", "y"}, rows, "rows");
  }

  static Measurement get(CheckValue v, String metric, Subject s) {
    return v.measurements().stream().filter(m -> m.metric().equals(metric) && m.subject().equals(s)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + "[" + s + "]"));
  }

  @Test
  void errorDecayBiasKsAndTheRetrainEstimateByHand() {
    RegressionDecayCheck c = new RegressionDecayCheck(new WindowSpec("date", WindowUnit.MONTH, 0, 1, WindowSpec.Origin.FIXED, 2), List.of("sex"),
        0.2, 12, 200, 0.95);
    CheckValue v = c.run(new CheckContext(IDENTITY, false, table(), null, 5, 0.5, null, null, new CheckContext.Cache()));
    assertEquals(10, get(v, "reference_mae", Subject.all()).value(), 1e-12);
    assertEquals(10.5, get(v, "mae", Subject.window("2024-03")).value(), 1e-12);
    assertEquals(1.0, get(v, "mae_rise", Subject.window("2024-04")).value(), 1e-12);
    assertEquals(1.0, get(v, "last_window_mae_rise", Subject.all()).value(), 1e-12);
    assertEquals(0.0, get(v, "mean_error", Subject.window("2024-03")).value(), 1e-12);
    // predictions {110, 90} in the reference, {110.5, 89.5} in March: the ECDFs differ by 1/2 at most
    assertEquals(0.0, get(v, "prediction_ks", Subject.window("2024-02")).value(), 0);
    assertEquals(0.5, get(v, "prediction_ks", Subject.window("2024-03")).value(), 0);
    assertEquals(0.5, get(v, "residual_ks", Subject.window("2024-04")).value(), 0);
    // MAE 10, 10.5, 11 at three consecutive months (equal weights): slope 0.5 a month; the ceiling
    // 10 x 1.2 = 12 is reached 2 months after the last window
    assertEquals(2.0, get(v, "windows_until_retrain", Subject.all()).value(), 1e-9);
    Interval i = get(v, "mae", Subject.window("2024-04")).interval();
    assertEquals(Interval.Method.BOOTSTRAP, i.method());
    // groups: 1 row per group and month, below minRows 2: inconclusive, never dropped
    assertTrue(get(v, "mae", Subject.slice("sex", "F").with(Subject.Dim.WINDOW, "2024-02")).inconclusive().contains("fewer than minRows 2"));
    assertTrue(get(v, "group_last_window_mae_rise", Subject.slice("sex", "F")).inconclusive() != null);
    assertTrue(v.summary().contains("reaches the ceiling 12 in 2 windows"), v.summary());
  }

  Path suite(String label, String checks) throws Exception {
    Files.writeString(dir.resolve("s.yaml"), SCHEMA.replace("- {name: y, type: numeric, role: label}", label));
    Path f = dir.resolve("suite.yaml");
    Files.writeString(f, "name: r\nmodel: {type: precomputed, prediction: x}\ndata: {path: missing.csv, schema: s.yaml}\nchecks:\n" + checks);
    return f;
  }

  @Test
  void theWrongTaskIsExit2AtTheCheck() throws Exception {
    Path cls = suite("- {name: y, type: binary, role: label, categories: [a, b]}",
        "  - {type: drift.regression, conditions: [{metric: last_window_mae_rise, atMost: 5}]}\n");
    String m = assertThrows(UsageException.class, () -> new SuiteLoader().load(cls, OptionalLong.empty(), null)).getMessage();
    assertTrue(m.contains("suite.yaml:5:") && m.contains("use drift.temporal"), m);
    Path reg = suite("- {name: y, type: numeric, role: label}", "  - {type: drift.temporal, conditions: [{metric: last_window_accuracy_drop, atMost: 0.1}]}\n");
    m = assertThrows(UsageException.class, () -> new SuiteLoader().load(reg, OptionalLong.empty(), null)).getMessage();
    assertTrue(m.contains("suite.yaml:5:") && m.contains("the label 'y' is numeric") && m.contains("use drift.regression"), m);
  }
}

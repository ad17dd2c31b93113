package dev.gauntlet.harness.run;

import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.performance.PerformanceCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Small schemas, tables and models for tests of the runner (no DL4J, no files). */
public final class RunFixtures {
  private RunFixtures() {}

  public static final String SCHEMA_YAML = """
      name: t
      columns:
        - {name: x, type: numeric, role: feature, range: [0, 1]}
        - {name: sex, type: binary, roles: [feature, protected], categories: [F, M]}
        - {name: y, type: binary, role: label, categories: ["no", "yes"]}
      """;

  public static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("t.schema.yaml", SCHEMA_YAML));
  }

  /** {@code n} rows; the label is "yes" exactly when x >= 0.5 (unless {@code oneClass}: always "no"). */
  public static Table table(int n, boolean oneClass) {
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = n == 1 ? 0.75 : (double) i / (n - 1);
      rows.add(new String[] {Double.toString(x), i % 2 == 0 ? "F" : "M", oneClass ? "no" : x >= 0.5 ? "yes" : "no"});
    }
    return TableLoader.fromRows(schema(), new String[] {"x", "sex", "y"}, rows, "rows");
  }

  public static int width() {
    return new Encoder(schema()).width();
  }

  /** A model from a function of the encoded batch. */
  public static FunctionModel model(String name, Function<double[][], double[][]> fn) {
    return new FunctionModel(name, width(), 2, fn);
  }

  /** The rule that generated the labels: P(yes) = x. */
  public static FunctionModel good(String name) {
    return model(name, x -> {
      double[][] p = new double[x.length][];
      for (int i = 0; i < x.length; i++) {
        double q = Math.min(1, Math.max(0, x[i][0]));
        p[i] = new double[] {1 - q, q};
      }
      return p;
    });
  }

  /** A suite with one performance check (accuracy at least 0.8, and at most 0.05 below the baseline). */
  public static Suite.Builder suite(Table data, FunctionModel candidate) {
    return Suite.builder("t").data(data).model(candidate)
        .check(CheckSpec.of("perf", new PerformanceCheck(), MetricCondition.atLeast("accuracy", 0.8), MetricCondition.maxDrop("accuracy", 0.05)));
  }
}

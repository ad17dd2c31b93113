package dev.gauntlet.attacks.perturbation;

import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.FunctionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small deterministic table for the perturbation tests. Encoded layout (width 10):
 * x1, x2, x3, x4 (unscaled), age (integer, immutable, range [18, 90]), group=a, group=b (protected,
 * immutable), region=n, region=s, region=e.
 */
final class TestData {
  static final int WIDTH = 10;
  static final int X1 = 0;
  static final int X2 = 1;
  static final int X3 = 2;
  static final int X4 = 3;
  static final int AGE = 4;
  static final int GROUP_B = 6;

  static final String SCHEMA = """
      name: test
      columns:
        - {name: id, type: text, role: id}
        - {name: x1, type: numeric, role: feature, monotone: increasing}
        - {name: x2, type: numeric, role: feature, monotone: decreasing}
        - {name: x3, type: numeric, role: feature, range: [-3, 3]}
        - {name: x4, type: numeric, role: feature}
        - {name: age, type: numeric, role: feature, integer: true, range: [18, 90], mutable: false}
        - {name: group, type: categorical, roles: [feature, protected], categories: [a, b]}
        - {name: region, type: categorical, role: feature, categories: [n, s, e]}
        - {name: y, type: categorical, role: label, categories: ["no", "yes"]}
      """;

  private TestData() {}

  static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("test-schema.yaml", SCHEMA));
  }

  /** {@code n} rows: x1..x4 standard normal (x3 clipped to [-3, 3]), age 18..90, group 50/50, region 50/30/20. */
  static Table table(int n) {
    SplittableRandom r = new SplittableRandom(1);
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x3 = Math.max(-3, Math.min(3, r.nextGaussian()));
      double u = r.nextDouble();
      rows.add(new String[] {"r" + i, num(r.nextGaussian()), num(r.nextGaussian()), num(x3), num(r.nextGaussian()),
          Integer.toString(18 + r.nextInt(73)), r.nextBoolean() ? "a" : "b", u < 0.5 ? "n" : u < 0.8 ? "s" : "e",
          r.nextBoolean() ? "yes" : "no"});
    }
    return TableLoader.fromRows(schema(), new String[] {"id", "x1", "x2", "x3", "x4", "age", "group", "region", "y"}, rows, "test-data");
  }

  private static String num(double v) {
    return String.format(java.util.Locale.ROOT, "%.6f", v);
  }

  /** A logistic model {@code P(yes) = sigmoid(w . x + b)}: decides yes exactly when {@code w . x + b >= 0}. */
  static FunctionModel linear(double[] w, double b) {
    return new FunctionModel("linear", WIDTH, 2, x -> {
      double[][] p = new double[x.length][2];
      for (int i = 0; i < x.length; i++) {
        double z = margin(w, b, x[i]);
        p[i][1] = 1 / (1 + Math.exp(-z));
        p[i][0] = 1 - p[i][1];
      }
      return p;
    });
  }

  static double margin(double[] w, double b, double[] x) {
    double z = b;
    for (int d = 0; d < w.length; d++) {
      z += w[d] * x[d];
    }
    return z;
  }

  static double[] weights(int... dimAndWeightPairsTimes100) {
    double[] w = new double[WIDTH];
    for (int i = 0; i < dimAndWeightPairsTimes100.length; i += 2) {
      w[dimAndWeightPairsTimes100[i]] = dimAndWeightPairsTimes100[i + 1] / 100.0;
    }
    return w;
  }

  /** Population standard deviation of column {@code d} of an encoded matrix. */
  static double sd(double[][] x, int d) {
    double mean = 0;
    for (double[] r : x) {
      mean += r[d] / x.length;
    }
    double ss = 0;
    for (double[] r : x) {
      ss += (r[d] - mean) * (r[d] - mean);
    }
    return Math.sqrt(ss / x.length);
  }
}

package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A tabular schema with every kind of feature constraint, and seeded rows for it. */
final class TabularFixture {
  private TabularFixture() {}

  static final String SCHEMA = """
      name: loans
      columns:
        - {name: id, type: text, role: id}
        - {name: income, type: numeric, role: feature, range: [0, 200000], encoding: {scale: standard, mean: 50000, std: 20000}}
        - {name: debt, type: numeric, role: feature, range: [0, 1]}
        - {name: age, type: numeric, role: feature, integer: true, mutable: false, range: [18, 90], encoding: {scale: standard, mean: 40, std: 12}}
        - {name: children, type: numeric, role: feature, integer: true, range: [0, 10], encoding: {scale: standard, mean: 2, std: 1.5}}
        - {name: sex, type: categorical, roles: [feature, protected], categories: [F, M]}
        - {name: region, type: categorical, roles: [feature, protected], mutable: true, categories: [north, south, east, west]}
        - {name: grade, type: categorical, role: feature, categories: [a, b, c], encoding: ordinal}
        - {name: flag, type: binary, role: feature, categories: ["no", "yes"]}
        - {name: approved, type: binary, role: label, categories: ["no", "yes"]}
      """;

  static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("loans.yaml", SCHEMA));
  }

  static Table rows(int n, long seed) {
    return rows(schema(), n, seed);
  }

  /**
   * The fixture's schema with income and debt immutable: every mutable feature is then integer,
   * ordinal, binary or categorical, so no perturbation below one whole step is valid.
   */
  static Schema discreteSchema() {
    return SchemaLoader.parse(ConfigNode.parse("loans.yaml", SCHEMA
        .replace("role: feature, range: [0, 200000]", "role: feature, mutable: false, range: [0, 200000]")
        .replace("{name: debt, type: numeric, role: feature,", "{name: debt, type: numeric, role: feature, mutable: false,")));
  }

  static Table rows(Schema schema, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] header = {"id", "income", "debt", "age", "children", "sex", "region", "grade", "flag", "approved"};
    String[] regions = {"north", "south", "east", "west"};
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new String[] {
          "a" + i,
          Integer.toString(r.nextInt(10_000, 150_000)),
          String.format(java.util.Locale.ROOT, "%.3f", r.nextDouble()),
          Integer.toString(r.nextInt(18, 91)),
          Integer.toString(r.nextInt(0, 11)),
          r.nextBoolean() ? "F" : "M",
          regions[r.nextInt(4)],
          new String[] {"a", "b", "c"}[r.nextInt(3)],
          r.nextBoolean() ? "yes" : "no",
          r.nextBoolean() ? "yes" : "no"});
    }
    return TableLoader.fromRows(schema, header, rows, "fixture");
  }

  /**
   * Why {@code x} is not a valid perturbation of {@code x0} under the fixture's schema, or null.
   * Written from the schema directly, independently of {@link InputSpace}.
   */
  static String invalid(Encoder enc, double[] x, double[] x0, double eps, Norm norm) {
    double linf = 0;
    double sq = 0;
    for (int j = 0; j < x.length; j++) {
      double d = x[j] - x0[j];
      linf = Math.max(linf, Math.abs(d));
      sq += d * d;
    }
    double size = norm == Norm.LINF ? linf : Math.sqrt(sq);
    if (size > eps * (1 + 1e-9) + 1e-12) {
      return "outside the ball: " + size + " > " + eps;
    }
    int[] regionOnes = new int[1];
    for (Encoder.Dim d : enc.dims()) {
      double v = x[d.index()];
      String col = d.column().name();
      switch (col) {
        case "age", "sex" -> {
          if (v != x0[d.index()]) {
            return "immutable " + d.name() + " changed";
          }
        }
        default -> { }
      }
      switch (col) {
        case "income" -> {
          double raw = v * 20000 + 50000;
          if (raw < -1e-6 || raw > 200000 + 1e-6) {
            return "income " + raw + " out of range";
          }
        }
        case "debt" -> {
          if (v < 0 || v > 1) {
            return "debt " + v + " out of range";
          }
        }
        case "children" -> {
          double raw = v * 1.5 + 2;
          if (Math.abs(raw - Math.rint(raw)) > 1e-6 || raw < -1e-6 || raw > 10 + 1e-6) {
            return "children " + raw + " not a whole number in [0, 10]";
          }
        }
        case "region" -> {
          if (v != 0 && v != 1) {
            return "region dimension " + d.name() + " = " + v;
          }
          regionOnes[0] += (int) v;
        }
        case "grade" -> {
          if (v != Math.rint(v) || v < 0 || v > 2) {
            return "grade " + v;
          }
        }
        case "flag", "sex" -> {
          if (v != 0 && v != 1) {
            return col + " " + v;
          }
        }
        default -> { }
      }
    }
    return regionOnes[0] == 1 ? null : "region has " + regionOnes[0] + " ones";
  }
}

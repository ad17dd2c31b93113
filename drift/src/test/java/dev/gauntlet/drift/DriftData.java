package dev.gauntlet.drift;

import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.PrecomputedModel;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small synthetic lending-like table with known drift: 24 months from 2023-01-01, {@code perMonth}
 * rows each; feature {@code x} ~ N(0, 1) for the first 12 months and N(shift, 1) after; feature
 * {@code z} ~ N(0, 1) throughout; group {@code g} A/B; label yes when {@code x > 0} except that for
 * group A after month 12 the rule becomes {@code x > 1} (a concept change); the precomputed model
 * decides yes when {@code x > 0}. So the model is exact in the first year, and after it is wrong
 * exactly for group-A rows with {@code 0 < x <= 1}.
 */
final class DriftData {
  static final String SCHEMA = """
      name: synthetic
      columns:
        - {name: date, type: timestamp, role: time}
        - {name: x, type: numeric, role: feature}
        - {name: z, type: numeric, role: feature}
        - {name: g, type: categorical, roles: [feature, protected], categories: [A, B]}
        - {name: y, type: binary, role: label, categories: ['no', 'yes']}
        - {name: pred, type: binary, role: prediction, categories: ['no', 'yes']}
      """;

  final Schema schema = SchemaLoader.parse(ConfigNode.parse("synthetic-schema.yaml", SCHEMA));
  final List<String[]> rows = new ArrayList<>();
  final Table table;

  DriftData(int perMonth, double shift, long seed) {
    Random r = new Random(seed);
    for (int m = 0; m < 24; m++) {
      LocalDate start = LocalDate.of(2023, 1, 1).plusMonths(m);
      int days = start.lengthOfMonth();
      for (int i = 0; i < perMonth; i++) {
        boolean after = m >= 12;
        double x = r.nextGaussian() + (after ? shift : 0);
        double z = r.nextGaussian();
        String g = r.nextBoolean() ? "A" : "B";
        boolean yes = after && g.equals("A") ? x > 1 : x > 0;
        rows.add(new String[] {start.plusDays(i % days).toString(), Double.toString(x), Double.toString(z), g, yes ? "yes" : "no", x > 0 ? "yes" : "no"});
      }
    }
    table = TableLoader.fromRows(schema, new String[] {"date", "x", "z", "g", "y", "pred"}, rows, "synthetic");
  }

  /** The rows whose date is before 2024-01-01, as their own table. */
  Table firstYear() {
    List<String[]> first = rows.stream().filter(row -> row[0].startsWith("2023")).toList();
    return TableLoader.fromRows(schema, new String[] {"date", "x", "z", "g", "y", "pred"}, first, "first-year");
  }

  /** The rows from 2024-01-01 on. */
  Table secondYear() {
    List<String[]> second = rows.stream().filter(row -> row[0].startsWith("2024")).toList();
    return TableLoader.fromRows(schema, new String[] {"date", "x", "z", "g", "y", "pred"}, second, "second-year");
  }

  static CheckContext context(Table data, Table reference) {
    return new CheckContext(PrecomputedModel.ofDecisions("pred-column", "pred"), false, data, reference, 42L, 0.5, null, null,
        new CheckContext.Cache());
  }
}

package dev.gauntlet.fairness;

import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.PrecomputedModel;
import java.util.ArrayList;
import java.util.List;

/** Small hand-made tables for the fairness tests. */
final class Fixtures {
  private Fixtures() {}

  static final String SCHEMA = """
      name: small
      columns:
        - {name: sex, type: categorical, categories: [F, M], role: protected}
        - {name: region, type: categorical, categories: [north, south, east], role: protected}
        - {name: pred, type: categorical, categories: ["no", "yes"], role: prediction}
        - {name: approved, type: categorical, categories: ["no", "yes"], role: label}
      """;

  static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("small-schema.yaml", SCHEMA));
  }

  /**
   * Rows with the given confusion cells for a slice: {@code tn} rows (no, no), {@code fp} (pred yes,
   * label no), {@code fn} (pred no, label yes), {@code tp} (yes, yes).
   */
  static void add(List<String[]> rows, String sex, String region, int tn, int fp, int fn, int tp) {
    for (int i = 0; i < tn; i++) {
      rows.add(new String[] {sex, region, "no", "no"});
    }
    for (int i = 0; i < fp; i++) {
      rows.add(new String[] {sex, region, "yes", "no"});
    }
    for (int i = 0; i < fn; i++) {
      rows.add(new String[] {sex, region, "no", "yes"});
    }
    for (int i = 0; i < tp; i++) {
      rows.add(new String[] {sex, region, "yes", "yes"});
    }
  }

  static Table table(List<String[]> rows) {
    return TableLoader.fromRows(schema(), new String[] {"sex", "region", "pred", "approved"}, rows, "small");
  }

  /**
   * F: tn 18, fp 2, fn 12, tp 8 (40 rows, 35 north and 5 east); M: tn 24, fp 6, fn 6, tp 24 (60
   * rows, all south).
   */
  static Table small() {
    List<String[]> rows = new ArrayList<>();
    add(rows, "F", "north", 16, 2, 10, 7);
    add(rows, "F", "east", 2, 0, 2, 1);
    add(rows, "M", "south", 24, 6, 6, 24);
    return table(rows);
  }

  static CheckValue run(SliceCheck check, Table t, ModelUnderTest model, long seed) {
    CheckContext ctx = new CheckContext(model, false, t, null, seed, 0.5, null, null, new CheckContext.Cache());
    return check.run(ctx);
  }

  static CheckValue run(SliceCheck check, Table t) {
    return run(check, t, PrecomputedModel.ofDecisions("pred", "pred"), 7);
  }

  /** A slice subject from attribute, value pairs, in order: {@code slice("sex", "F", "region", "north")}. */
  static Subject slice(String... kv) {
    Subject s = Subject.all();
    for (int i = 0; i < kv.length; i += 2) {
      s = s.and(kv[i], kv[i + 1]);
    }
    return s;
  }

  static Measurement find(CheckValue v, String metric, Subject subject) {
    return v.measurements().stream().filter(m -> m.metric().equals(metric) && m.subject().equals(subject)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + "[" + subject + "] among " + v.measurements().stream().map(Measurement::key).toList()));
  }
}

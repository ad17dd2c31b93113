package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** The rows a check attacks (a seeded sample of the data), encoded, with clean decisions. */
final class AttackData {
  final Table table;
  final int[] index;
  final double[][] x0;
  final int[] labels;
  final double[][] clean;
  final int[] decisions;
  final List<String> classes;
  final InputSpace space;
  final DecisionRule rule;
  final Attacker attacker;

  private AttackData(Table table, int[] index, double[][] x0, int[] labels, double[][] clean, int[] decisions, List<String> classes,
      InputSpace space, DecisionRule rule, Attacker attacker) {
    this.table = table;
    this.index = index;
    this.x0 = x0;
    this.labels = labels;
    this.clean = clean;
    this.decisions = decisions;
    this.classes = classes;
    this.space = space;
    this.rule = rule;
    this.attacker = attacker;
  }

  int size() {
    return x0.length;
  }

  /** Samples up to {@code maxRows} rows with the check's seed, encodes and predicts them. */
  static AttackData prepare(CheckContext ctx, int maxRows, boolean needLabels) {
    Rows sampled = Rows.sample(ctx, maxRows);
    int[] index = sampled.index();
    Table rows = sampled.table();
    double[][] x0 = sampled.x0();
    InputSpace space = sampled.space();
    ColumnSpec label = needLabels ? ctx.label() : ctx.schema().label().orElse(null);
    List<String> classes = new ArrayList<>();
    if (label != null) {
      classes.addAll(label.categories());
    } else {
      for (int k = 0; k < ctx.model().classCount(); k++) {
        classes.add("class " + k);
      }
    }
    DecisionRule rule = new DecisionRule(label == null ? 1 : Math.min(1, label.positiveIndex()), ctx.threshold());
    Attacker attacker = Attacker.of(ctx.model(), space, rule, classes);
    double[][] clean = attacker.predict(x0);
    int[] labels = label == null ? null : rows.labels();
    return new AttackData(rows, index, x0, labels, clean, rule.decide(clean), List.copyOf(classes), space, rule, attacker);
  }

  /**
   * The attacked rows of every attack check: up to {@code maxRows} rows sampled with the check's
   * seed, their encodings (copies, free to change) and the input space, each row checked to be a
   * valid input (exit 2 naming the row otherwise).
   */
  record Rows(int[] index, Table table, double[][] x0, InputSpace space) {
    static Rows sample(CheckContext ctx, int maxRows) {
      Table data = ctx.data();
      int n = data.rowCount();
      if (n == 0) {
        throw new UsageException("the evaluation data has no rows; there is nothing to attack");
      }
      int[] index = AttackData.sample(n, maxRows, ctx.random());
      double[][] all = ctx.encode(data);
      double[][] x0 = new double[index.length][];
      for (int i = 0; i < index.length; i++) {
        x0[i] = all[index[i]].clone();
      }
      InputSpace space = InputSpace.of(ctx.encoder());
      for (int i = 0; i < x0.length; i++) {
        String bad = space.violation(x0[i], x0[i], 0, Norm.LINF);
        if (bad != null) {
          throw new UsageException("row " + data.rowLabel(index[i]) + " of the evaluation data is not a valid input: " + bad
              + "; fix the data or the schema's range");
        }
      }
      return new Rows(index, data.select(index), x0, space);
    }
  }

  /** Up to {@code max} distinct row indexes in increasing order, chosen with {@code rnd}; all rows when there are few. */
  static int[] sample(int n, int max, SplittableRandom rnd) {
    if (n <= max) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = 0; i < max; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] out = Arrays.copyOf(perm, max);
    Arrays.sort(out);
    return out;
  }

  /** The group columns: those named, or every categorical protected attribute. */
  static List<ColumnSpec> groupColumns(CheckContext ctx, List<String> names) {
    List<ColumnSpec> out = new ArrayList<>();
    if (names == null || names.isEmpty()) {
      for (ColumnSpec c : ctx.schema().protectedAttributes()) {
        if (c.type() == ColumnType.CATEGORICAL || c.type() == ColumnType.BINARY) {
          out.add(c);
        }
      }
      return out;
    }
    for (String s : names) {
      out.add(ctx.schema().column(s));
    }
    return out;
  }
}

package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Task;

/** The rows a regression attack check attacks: a seeded sample of the data, encoded, with targets when the schema has a label. */
final class ShiftData {
  final Table table;
  final double[][] x0;
  final double[] targets;
  final InputSpace space;

  private ShiftData(Table table, double[][] x0, double[] targets, InputSpace space) {
    this.table = table;
    this.x0 = x0;
    this.targets = targets;
    this.space = space;
  }

  int size() {
    return x0.length;
  }

  static ShiftData prepare(CheckContext ctx, int maxRows, boolean needTargets) {
    if (ctx.model().task() != Task.REGRESSION) {
      throw new UsageException(Task.modelShape(ctx.model()) + "; this check attacks a regression model's prediction "
          + "(use adversarial.robustness or adversarial.min-flip for a classifier)");
    }
    Table data = ctx.data();
    int n = data.rowCount();
    if (n == 0) {
      throw new UsageException("the evaluation data has no rows; there is nothing to attack");
    }
    int[] index = AttackData.sample(n, maxRows, ctx.random());
    Table rows = data.select(index);
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
    ColumnSpec label = ctx.schema().label().orElse(null);
    if (needTargets && label == null) {
      throw new UsageException("this check compares predictions with the label, but schema '" + ctx.schema().name() + "' has no label column");
    }
    double[] targets = label == null ? null : rows.numeric(label.name());
    return new ShiftData(rows, x0, targets, space);
  }
}

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
    AttackData.Rows sampled = AttackData.Rows.sample(ctx, maxRows);
    Table rows = sampled.table();
    double[][] x0 = sampled.x0();
    InputSpace space = sampled.space();
    ColumnSpec label = ctx.schema().label().orElse(null);
    if (needTargets && label == null) {
      throw new UsageException("this check compares predictions with the label, but schema '" + ctx.schema().name() + "' has no label column");
    }
    double[] targets = label == null ? null : rows.numeric(label.name());
    return new ShiftData(rows, x0, targets, space);
  }
}

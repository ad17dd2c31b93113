package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.config.CheckProvider;
import dev.gauntlet.harness.config.CheckType;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Schema;
import java.util.List;

/**
 * Publishes the adversarial checks of regression models to YAML suites, each with its metrics and
 * parameters as data; ranges are validated by the check records.
 * <ul>
 *   <li>{@code adversarial.shift}: {@link ShiftCheck}. Metrics {@code clean_mae}; {@code robust_mae},
 *       {@code robust_rmse}, {@code mean_shift}, {@code max_shift}, {@code shift_rate} with subject
 *       {@code eps=0.05}; {@code group_robust_mae} and {@code group_mean_shift} with subject
 *       {@code sex=F&eps=0.05}.</li>
 *   <li>{@code adversarial.min-shift}: {@link MinShiftCheck}. Metrics {@code median_min_shift_eps},
 *       {@code q10_min_shift_eps}, {@code shift_rate}; {@code group_median_min_shift_eps}
 *       ({@code sex=F}) and {@code min_shift_eps_group_ratio} ({@code feature=sex}).</li>
 * </ul>
 */
public final class RegressionAttackChecks implements CheckProvider {

  @Override
  public List<CheckType> types() {
    return List.of(
        CheckType.of("adversarial.shift", "Regression: robust error (MAE, RMSE) and prediction shift over an epsilon sweep under fgsm|bim|pgd|simba|noise (linf|l2), per group",
            ShiftCheck.METRICS, ShiftCheck.PARAMS, RegressionAttackChecks::shift),
        CheckType.of("adversarial.min-shift", "Regression: minimal epsilon that moves each row's prediction by at least tolerance (binary search with an attack), per group",
            MinShiftCheck.METRICS, MinShiftCheck.PARAMS, RegressionAttackChecks::minShift));
  }

  private static AttackSpec attack(ConfigNode p) {
    AttackKind kind = p.opt("attack").map(n -> n.asEnum(AttackKind.class)).orElse(AttackKind.PGD);
    Norm norm = p.opt("norm").map(n -> n.asEnum(Norm.class)).orElse(Norm.LINF);
    return new AttackSpec(kind, norm, p.integer("steps", 10), p.dbl("stepSize", Double.NaN), p.integer("restarts", 1), null,
        p.integer("queryBudget", 100));
  }

  private static List<String> groups(ConfigNode p, Schema schema) {
    List<String> out = p.strings("groups");
    for (String g : out) {
      ColumnSpec c = schema.find(g).orElseThrow(() -> p.get("groups").error("no column '" + g + "' in schema '" + schema.name() + "'"));
      if (!c.hasCategories()) {
        throw p.get("groups").error("group column '" + g + "' is " + c.type().name().toLowerCase() + "; groups must be categorical or binary");
      }
    }
    return out;
  }

  private static Check<?> shift(ConfigNode p, Schema schema) {
    ShiftObjective dflt = schema.label().isPresent() ? ShiftObjective.ERROR : ShiftObjective.SHIFT;
    ShiftObjective objective = p.opt("objective").map(n -> n.asEnum(ShiftObjective.class)).orElse(dflt);
    if (objective == ShiftObjective.ERROR && schema.label().isEmpty()) {
      throw p.get("objective").error("objective: error compares predictions with the label, but schema '" + schema.name()
          + "' has no label column; use objective: shift");
    }
    double[] eps = p.has("epsilons") ? p.doubles("epsilons") : new double[] {0.01, 0.02, 0.05, 0.1, 0.2};
    return new ShiftCheck(attack(p), eps, objective, p.dbl("tolerance", Double.NaN), p.integer("maxRows", 1000), groups(p, schema),
        p.integer("minGroupSize", 30), p.integer("shownRows", 10), p.dbl("confidence", 0.95));
  }

  private static Check<?> minShift(ConfigNode p, Schema schema) {
    if (!p.has("tolerance")) {
      throw p.error("adversarial.min-shift needs 'tolerance': the move of the prediction that counts (tau, in the label's units)");
    }
    return new MinShiftCheck(attack(p), p.dbl("tolerance", Double.NaN), p.dbl("maxEps", 1.0), p.integer("searchSteps", 8), p.integer("maxRows", 500),
        groups(p, schema), p.integer("minGroupSize", 30), p.dbl("confidence", 0.95));
  }
}

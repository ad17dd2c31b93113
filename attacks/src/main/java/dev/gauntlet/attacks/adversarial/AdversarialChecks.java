package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.config.CheckProvider;
import dev.gauntlet.harness.config.CheckType;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Schema;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes the adversarial checks to YAML suites, each with its metrics and parameters as data
 * ({@link RobustnessCheck#METRICS}, {@link RobustnessCheck#PARAMS}, {@link MinFlipCheck#METRICS},
 * {@link MinFlipCheck#PARAMS}). The binding only reads values: every range is validated once, by the
 * check's own record (and {@link AttackSpec}), whose {@link dev.gauntlet.harness.metric.ParamException}
 * is reported at the parameter's YAML node. What needs the schema (a target class, group columns)
 * is checked here.
 * <ul>
 *   <li>{@code adversarial.robustness}: {@link RobustnessCheck}. Metrics: {@code clean_accuracy};
 *       {@code robust_accuracy}, {@code attack_success_rate}, {@code mean_perturbation},
 *       {@code max_perturbation} with subject {@code eps=0.05}; {@code attack_robust_accuracy} for
 *       each comparison attack with subject {@code attack=fgsm-linf&eps=0.05} (the primary attack's
 *       curve is {@code robust_accuracy}, so a condition on it never mixes in the noise baseline);
 *       {@code group_clean_accuracy} ({@code sex=F}), {@code group_robust_accuracy}
 *       ({@code sex=F&eps=0.05}) and {@code robust_accuracy_gap} ({@code feature=sex&eps=0.05}: a
 *       group column without a value is not a slice, so the gap over its groups names the column
 *       with the {@code feature} dimension).</li>
 *   <li>{@code adversarial.min-flip}: {@link MinFlipCheck}. Metrics: {@code median_min_flip_eps},
 *       {@code q10_min_flip_eps}, {@code flip_rate}; {@code group_median_min_flip_eps}
 *       ({@code sex=F}) and {@code min_flip_eps_group_ratio} ({@code feature=sex}).</li>
 * </ul>
 */
public final class AdversarialChecks implements CheckProvider {

  @Override
  public List<CheckType> types() {
    return List.of(
        CheckType.of("adversarial.robustness", "Robust accuracy over an epsilon sweep under fgsm|bim|pgd|apgd-ce|apgd-dlr|autoattack|simba|square|hsj|noise (linf|l2), with comparison attacks and per-group breakdown",
            RobustnessCheck.METRICS, RobustnessCheck.PARAMS, AdversarialChecks::robustness),
        CheckType.of("adversarial.min-flip", "Minimal epsilon that flips each row's decision (binary search with an attack), its distribution and per-group medians",
            MinFlipCheck.METRICS, MinFlipCheck.PARAMS, AdversarialChecks::minFlip));
  }

  /**
   * Reads the attack parameters; {@code kindNode} names the attack (or is an item of the compare
   * list, which shares the other parameters but drops restarts and target where they do not apply).
   */
  private static AttackSpec attack(ConfigNode p, ConfigNode kindNode, Schema schema, boolean compared) {
    AttackKind kind = kindNode == null ? AttackKind.PGD : kindNode.asEnum(AttackKind.class);
    Norm norm = p.opt("norm").map(n -> n.asEnum(Norm.class)).orElse(Norm.LINF);
    int restarts = compared && kind != AttackKind.PGD && !kind.apgd() ? 1 : p.integer("restarts", 1);
    String target = compared && (kind == AttackKind.NOISE || kind == AttackKind.AUTOATTACK) ? null : p.opt("target").map(ConfigNode::asText).orElse(null);
    if (target != null) {
      List<String> classes = schema.label().map(ColumnSpec::categories).orElse(List.of());
      if (!classes.contains(target)) {
        throw p.get("target").error("target '" + target + "' is not a class of the label; the classes are " + classes);
      }
    }
    boolean auto = kind == AttackKind.AUTOATTACK;
    double stepSize = compared && (kind.apgd() || auto || kind == AttackKind.HSJ) ? Double.NaN : p.dbl("stepSize", Double.NaN);
    int budget = p.integer("queryBudget", kind == AttackKind.SQUARE || kind == AttackKind.HSJ || auto ? 1000 : 100);
    return new AttackSpec(kind, norm, p.integer("steps", kind.apgd() || auto ? 100 : 10), stepSize, restarts, target, budget);
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

  private static String export(ConfigNode p) {
    return p.opt("export").map(ConfigNode::asText).orElse(null);
  }

  private static int[] imageShape(ConfigNode p) {
    return p.opt("imageShape").map(n -> n.asList().stream().mapToInt(ConfigNode::asInt).toArray()).orElse(null);
  }

  private static Check<?> robustness(ConfigNode p, Schema schema) {
    if (schema.label().isEmpty()) {
      throw p.error("adversarial.robustness needs a label column in the schema (robust accuracy compares with labels); use adversarial.min-flip without labels");
    }
    AttackSpec main = attack(p, p.opt("attack").orElse(null), schema, false);
    List<AttackSpec> compare = new ArrayList<>();
    if (p.has("compare")) {
      ConfigNode list = p.get("compare");
      for (ConfigNode item : list.isScalar() ? List.of(list) : list.asList()) {
        compare.add(attack(p, item, schema, true));
      }
    }
    double[] eps = p.has("epsilons") ? p.doubles("epsilons") : new double[] {0.01, 0.02, 0.05, 0.1, 0.2};
    return new RobustnessCheck(main, compare, eps, p.integer("maxRows", 1000), groups(p, schema), p.integer("minGroupSize", 30),
        p.integer("fragileRows", 10), export(p), imageShape(p), p.dbl("confidence", 0.95), p.integer("maskingSteps", 0));
  }

  private static Check<?> minFlip(ConfigNode p, Schema schema) {
    AttackSpec a = attack(p, p.opt("attack").orElse(null), schema, false);
    return new MinFlipCheck(a, p.dbl("maxEps", 1.0), p.integer("searchSteps", 8), p.integer("maxRows", 500), groups(p, schema),
        p.integer("minGroupSize", 30), p.integer("fragileRows", 10), export(p), imageShape(p), p.dbl("confidence", 0.95));
  }
}

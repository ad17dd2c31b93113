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
 * Publishes the adversarial checks to YAML suites:
 * <ul>
 *   <li>{@code adversarial.robustness}: {@link RobustnessCheck}. Params: {@code attack}
 *       (fgsm|bim|pgd|simba|noise, default pgd), {@code norm} (linf|l2, default linf),
 *       {@code epsilons} (increasing list, default [0.01, 0.02, 0.05, 0.1, 0.2]), {@code steps}
 *       (default 10), {@code stepSize} (fraction of epsilon), {@code restarts} (pgd, default 1),
 *       {@code target} (a label class), {@code queryBudget} (simba and noise, default 100),
 *       {@code compare} (further attacks on the curve, e.g. [fgsm, noise]), {@code maxRows}
 *       (default 1000), {@code groups} (columns, default the protected attributes),
 *       {@code minGroupSize} (default 30), {@code fragileRows} (default 10), {@code export} (CSV file
 *       name), {@code imageShape} ([width, height]).</li>
 *   <li>{@code adversarial.min-flip}: {@link MinFlipCheck}. Params: {@code attack}, {@code norm},
 *       {@code steps}, {@code stepSize}, {@code restarts}, {@code target}, {@code queryBudget} as above,
 *       {@code maxEps} (default 1.0), {@code searchSteps} (default 8), {@code maxRows} (default 500),
 *       {@code groups}, {@code minGroupSize}, {@code fragileRows}, {@code export}, {@code imageShape}.</li>
 * </ul>
 */
public final class AdversarialChecks implements CheckProvider {

  private static final String[] ATTACK_KEYS = {"attack", "norm", "steps", "stepSize", "restarts", "target", "queryBudget"};
  private static final String[] COMMON_KEYS = {"maxRows", "groups", "minGroupSize", "fragileRows", "export", "imageShape"};

  @Override
  public List<CheckType> types() {
    return List.of(
        CheckType.of("adversarial.robustness", "Robust accuracy over an epsilon sweep under fgsm|bim|pgd|simba|noise (linf|l2), with comparison attacks and per-group breakdown", AdversarialChecks::robustness),
        CheckType.of("adversarial.min-flip", "Minimal epsilon that flips each row's decision (binary search with an attack), its distribution and per-group medians", AdversarialChecks::minFlip));
  }

  private static String[] keys(String... extra) {
    List<String> k = new ArrayList<>(List.of(ATTACK_KEYS));
    k.addAll(List.of(COMMON_KEYS));
    k.addAll(List.of(extra));
    return k.toArray(new String[0]);
  }

  /**
   * Reads the attack parameters; {@code kindNode} names the attack (or is an item of the compare
   * list, which shares the other parameters but drops restarts and target where they do not apply).
   */
  private static AttackSpec attack(ConfigNode p, ConfigNode kindNode, Schema schema, boolean compared) {
    AttackKind kind = kindNode == null ? AttackKind.PGD : kindNode.asEnum(AttackKind.class);
    Norm norm = p.opt("norm").map(n -> n.asEnum(Norm.class)).orElse(Norm.LINF);
    int steps = positive(p, "steps", 10, 10_000);
    double stepSize = p.opt("stepSize").map(n -> n.require(n.asDouble(), v -> v > 0 && v <= 10 ? null
        : "stepSize is a fraction of epsilon and must be in (0, 10], got " + v)).orElse(Double.NaN);
    int restarts = positive(p, "restarts", 1, 100);
    if (compared && kind != AttackKind.PGD) {
      restarts = 1;
    }
    if (restarts > 1 && kind != AttackKind.PGD) {
      throw p.get("restarts").error("restarts applies to pgd only (" + kind.label() + " has no random start)");
    }
    String target = compared && kind == AttackKind.NOISE ? null : p.opt("target").map(ConfigNode::asText).orElse(null);
    if (target != null) {
      List<String> classes = schema.label().map(ColumnSpec::categories).orElse(List.of());
      if (!classes.contains(target)) {
        throw p.get("target").error("target '" + target + "' is not a class of the label; the classes are " + classes);
      }
      if (kind == AttackKind.NOISE) {
        throw p.get("target").error("the noise baseline cannot be targeted");
      }
    }
    int budget = positive(p, "queryBudget", 100, 1_000_000);
    try {
      return new AttackSpec(kind, norm, steps, stepSize, restarts, target, budget);
    } catch (IllegalArgumentException e) {
      throw p.error(e.getMessage());
    }
  }

  private static int positive(ConfigNode p, String key, int dflt, int max) {
    return p.opt(key).map(n -> n.require(n.asInt(), v -> v >= 1 && v <= max ? null : key + " must be in [1, " + max + "], got " + v)).orElse(dflt);
  }

  private static int atLeast(ConfigNode p, String key, int dflt, int min) {
    return p.opt(key).map(n -> n.require(n.asInt(), v -> v >= min ? null : key + " must be at least " + min + ", got " + v)).orElse(dflt);
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
    return p.opt("export").map(n -> n.require(n.asText(), v -> v.matches(CheckOptions.EXPORT_NAME) ? null
        : "export must be a plain file name ending in .csv, got '" + v + "'")).orElse(null);
  }

  private static int[] imageShape(ConfigNode p) {
    if (!p.has("imageShape")) {
      return null;
    }
    ConfigNode n = p.get("imageShape");
    List<ConfigNode> items = n.asList();
    if (items.size() != 2) {
      throw n.error("imageShape must be [width, height], got " + items.size() + " values");
    }
    int w = items.get(0).asInt();
    int h = items.get(1).asInt();
    if (w < 1 || h < 1) {
      throw n.error("imageShape sides must be positive, got [" + w + ", " + h + "]");
    }
    return new int[] {w, h};
  }

  private static Check<?> robustness(ConfigNode p, Schema schema) {
    p.allowOnly(keys("epsilons", "compare"));
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
    try {
      return new RobustnessCheck(main, compare, eps, atLeast(p, "maxRows", 1000, 1), groups(p, schema), atLeast(p, "minGroupSize", 30, 1),
          atLeast(p, "fragileRows", 10, 0), export(p), imageShape(p));
    } catch (IllegalArgumentException e) {
      throw (p.has("epsilons") ? p.get("epsilons") : p).error(e.getMessage());
    }
  }

  private static Check<?> minFlip(ConfigNode p, Schema schema) {
    p.allowOnly(keys("maxEps", "searchSteps"));
    AttackSpec a = attack(p, p.opt("attack").orElse(null), schema, false);
    double maxEps = p.opt("maxEps").map(n -> n.require(n.asDouble(), v -> v > 0 ? null : "maxEps must be positive, got " + v)).orElse(1.0);
    int searchSteps = positive(p, "searchSteps", 8, 30);
    return new MinFlipCheck(a, maxEps, searchSteps, atLeast(p, "maxRows", 500, 1), groups(p, schema), atLeast(p, "minGroupSize", 30, 1),
        atLeast(p, "fragileRows", 10, 0), export(p), imageShape(p));
  }
}

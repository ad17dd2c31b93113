package dev.gauntlet.attacks.perturbation;

import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.config.CheckProvider;
import dev.gauntlet.harness.config.CheckType;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Monotone;
import dev.gauntlet.harness.data.Role;
import dev.gauntlet.harness.data.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Publishes the perturbation trial to YAML suites as {@code perturbation.property}:
 *
 * <pre>{@code
 * - id: noise-invariance
 *   type: perturbation.property
 *   params:
 *     kind: invariance            # invariance | tolerance | directional | counterfactual
 *     perturb:
 *       - noise: {scale: 0.1, distribution: gaussian, features: [income], fraction: 1}
 *       - swap: {features: [region], fraction: 0.5}
 *       - monotone: {step: 0.5, features: [income]}
 *       - missing: {features: [loan_amount], rate: 0.3}
 *       - imageNoise: {sigma: 0.1}
 *       - brightness: {max: 0.2}
 *       - shift: {width: 28, height: 28, maxPixels: 2}
 *     attribute: sex              # counterfactual: the protected attribute to swap (instead of perturb)
 *     tolerance: 0.05             # tolerance: largest score change; directional: allowed move against
 *     direction: up               # directional: up | down
 *     rows: data                  # data | synthetic
 *     cases: 1000
 *     shrink: 3                   # how many failing cases to shrink
 *     maxShrinkSteps: 300        # batched model calls per shrunk counterexample
 *     seed: 123                   # replay: overrides the derived seed
 *     replayCase: 17              # replay: run only this case
 *     name: small noise           # subject of the measurements
 *   conditions:
 *     - {metric: failure_rate, atMost: 0.05}
 * }</pre>
 */
public final class PerturbationChecks implements CheckProvider {

  @Override
  public List<CheckType> types() {
    return List.of(CheckType.of("perturbation.property",
        "a perturbation property (invariance, tolerance, directional, counterfactual) over generated cases, "
            + "failure rate with a Wilson interval, failing cases shrunk to minimal counterexamples",
        (params, schema) -> new PerturbationCheck(parse(params, schema))));
  }

  /** Reads and validates a property's params against the schema; mistakes name the YAML node. */
  static Property parse(ConfigNode params, Schema schema) {
    params.allowOnly("kind", "perturb", "attribute", "tolerance", "direction", "rows", "cases", "shrink", "maxShrinkSteps", "seed",
        "replayCase", "name", "confidence");
    PropertyKind kind = params.get("kind").asEnum(PropertyKind.class);
    List<Perturbation> ps = new ArrayList<>();
    Optional<ConfigNode> attr = params.opt("attribute");
    if (attr.isPresent()) {
      if (kind != PropertyKind.COUNTERFACTUAL) {
        throw attr.get().error("'attribute' is for counterfactual properties; use a 'swap' perturbation with features for other kinds");
      }
      ps.add(new Perturbation.ProtectedSwap(protectedColumn(attr.get(), schema)));
    }
    Optional<ConfigNode> perturb = params.opt("perturb");
    if (perturb.isPresent()) {
      List<ConfigNode> items = perturb.get().asList();
      if (items.isEmpty()) {
        throw perturb.get().error("the list of perturbations is empty");
      }
      for (ConfigNode item : items) {
        ps.add(perturbation(item, schema, kind));
      }
    }
    if (ps.isEmpty()) {
      throw params.error(kind == PropertyKind.COUNTERFACTUAL
          ? "a counterfactual property needs 'attribute: <protected column>'"
          : "missing required key 'perturb' (a list such as [{noise: {scale: 0.1}}])");
    }
    if (kind == PropertyKind.COUNTERFACTUAL && ps.stream().noneMatch(p -> p instanceof Perturbation.ProtectedSwap)) {
      throw params.error("a counterfactual property needs 'attribute: <protected column>' to swap");
    }
    double tolerance = 0;
    if (kind == PropertyKind.TOLERANCE) {
      ConfigNode t = params.get("tolerance");
      tolerance = t.require(t.asDouble(), v -> v > 0 && v < 1 ? null : "tolerance is the largest allowed score change, in (0, 1); got " + v);
    } else if (kind == PropertyKind.DIRECTIONAL) {
      tolerance = params.opt("tolerance").map(t -> t.require(t.asDouble(), v -> v >= 0 && v < 1 ? null : "tolerance must be in [0, 1); got " + v)).orElse(0.0);
    } else if (params.has("tolerance")) {
      throw params.get("tolerance").error("'tolerance' applies only to tolerance and directional properties");
    }
    Property.Direction direction = null;
    if (kind == PropertyKind.DIRECTIONAL) {
      direction = params.get("direction").asEnum(Property.Direction.class);
    } else if (params.has("direction")) {
      throw params.get("direction").error("'direction' applies only to directional properties");
    }
    Property.Rows rows = params.opt("rows").map(n -> n.asEnum(Property.Rows.class)).orElse(Property.Rows.DATA);
    int cases = intIn(params, "cases", 1000, 1, 10_000_000);
    int shrink = intIn(params, "shrink", 3, 0, 100);
    int steps = intIn(params, "maxShrinkSteps", 300, 0, 100_000);
    Long seed = params.opt("seed").map(ConfigNode::asLong).orElse(null);
    Integer replay = params.opt("replayCase").isPresent() ? intIn(params, "replayCase", 0, 0, cases - 1) : null;
    double confidence = params.opt("confidence").map(n -> n.require(n.asDouble(), v -> v > 0 && v < 1 ? null : "confidence must be in (0, 1); got " + v))
        .orElse(0.95);
    String name = params.text("name", Property.defaultName(kind, ps));
    try {
      return new Property(name, kind, ps, cases, tolerance, direction, rows, shrink, steps, seed, replay, confidence);
    } catch (IllegalArgumentException e) {
      throw params.error(e.getMessage());
    }
  }

  private static int intIn(ConfigNode params, String key, int dflt, int min, int max) {
    Optional<ConfigNode> n = params.opt(key);
    if (n.isEmpty()) {
      return dflt;
    }
    int v = n.get().asInt();
    if (v < min || v > max) {
      throw n.get().error("'" + key + "' must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  private static Perturbation perturbation(ConfigNode item, Schema schema, PropertyKind kind) {
    if (!item.isMapping() || item.keys().size() != 1) {
      throw item.error("each perturbation is a mapping with one key: noise, swap, monotone, missing, imageNoise, brightness or shift");
    }
    String type = item.keys().iterator().next();
    ConfigNode p = item.get(type);
    try {
      switch (type) {
        case "noise" -> {
          p.allowOnly("scale", "distribution", "features", "fraction");
          List<String> f = features(p, schema, c -> c.type() == dev.gauntlet.harness.data.ColumnType.NUMERIC && c.mutable(), "a mutable numeric feature");
          Perturbation.Distribution d = p.opt("distribution").map(n -> n.asEnum(Perturbation.Distribution.class)).orElse(Perturbation.Distribution.GAUSSIAN);
          return new Perturbation.Noise(d, p.get("scale").asDouble(), f, p.dbl("fraction", 1.0));
        }
        case "swap" -> {
          p.allowOnly("features", "fraction");
          List<String> f = features(p, schema, c -> c.hasCategories() && c.mutable(), "a mutable categorical feature");
          return new Perturbation.CategorySwap(f, p.dbl("fraction", 1.0));
        }
        case "protected", "counterfactual" -> {
          p.allowOnly("attribute");
          return new Perturbation.ProtectedSwap(protectedColumn(p.get("attribute"), schema));
        }
        case "monotone" -> {
          p.allowOnly("step", "features");
          List<String> f = features(p, schema, c -> c.monotone() != Monotone.NONE && c.mutable(), "a mutable feature with a monotone direction");
          return new Perturbation.MonotoneStep(p.get("step").asDouble(), f);
        }
        case "missing" -> {
          p.allowOnly("features", "rate");
          List<String> f = features(p, schema, ColumnSpec::mutable, "a mutable feature");
          return new Perturbation.MissingValue(f, p.dbl("rate", 0.3));
        }
        case "imageNoise" -> {
          p.allowOnly("sigma");
          return new Perturbation.ImageNoise(p.get("sigma").asDouble());
        }
        case "brightness" -> {
          p.allowOnly("max");
          return new Perturbation.Brightness(p.get("max").asDouble());
        }
        case "shift" -> {
          p.allowOnly("width", "height", "maxPixels");
          return new Perturbation.Shift(p.get("width").asInt(), p.get("height").asInt(), p.integer("maxPixels", 2));
        }
        default -> throw item.error("unknown perturbation '" + type + "'; expected noise, swap, protected, monotone, missing, imageNoise, brightness or shift");
      }
    } catch (IllegalArgumentException e) {
      throw p.error(e.getMessage());
    }
  }

  private static List<String> features(ConfigNode p, Schema schema, java.util.function.Predicate<ColumnSpec> ok, String needed) {
    if (!p.has("features")) {
      return List.of();
    }
    ConfigNode f = p.get("features");
    List<String> names = f.asStringList();
    for (String n : names) {
      ColumnSpec c = schema.find(n).orElseThrow(() -> f.error("'" + n + "' is not a column of schema '" + schema.name() + "'"));
      if (!c.isFeature()) {
        throw f.error("'" + n + "' is not a model feature");
      }
      if (!ok.test(c)) {
        throw f.error("'" + n + "' is not " + needed + (c.mutable() ? "" : " (it is immutable; perturbations never change immutable features)"));
      }
    }
    return names;
  }

  private static String protectedColumn(ConfigNode n, Schema schema) {
    String a = n.asText();
    ColumnSpec c = schema.find(a).orElseThrow(() -> n.error("'" + a + "' is not a column of schema '" + schema.name() + "'"));
    if (!c.has(Role.PROTECTED)) {
      throw n.error("'" + a + "' is not a protected attribute (role protected) in schema '" + schema.name() + "'");
    }
    if (!c.isFeature()) {
      throw n.error("'" + a + "' is not a model feature, so swapping it cannot change the model's input");
    }
    if (!c.hasCategories()) {
      throw n.error("'" + a + "' has no categories to swap between");
    }
    return a;
  }

}

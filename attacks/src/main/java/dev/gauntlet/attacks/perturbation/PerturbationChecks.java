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
 *     name: small noise           # the property's name in titles and sentences
 *     confidence: 0.95            # level of the Wilson intervals
 *   conditions:
 *     - {metric: failure_rate, atMost: 0.05}
 * }</pre>
 *
 * <p>Metrics ({@link PerturbationCheck#METRICS}), all about the whole data (no subject) but
 * {@code failure_rate_from}: {@code failure_rate} (Wilson interval at {@code confidence}),
 * {@code failures}, {@code changed_rate}, {@code mean_abs_score_change},
 * {@code max_abs_score_change}; for counterfactual properties {@code failure_rate_from} per
 * starting group of the swapped attribute (subject {@code sex=F}). A property whose cases never
 * change the model input is INCONCLUSIVE ("nothing could be perturbed"), never a pass.
 *
 * <p>The binding reads values only; ranges are validated once, by {@link Property} (and each
 * {@link Perturbation}), and reported at the YAML node. Checks that need the schema (feature
 * columns, the protected attribute) are made here.
 */
public final class PerturbationChecks implements CheckProvider {

  @Override
  public List<CheckType> types() {
    return List.of(CheckType.of("perturbation.property",
        "a perturbation property (invariance, tolerance, directional, counterfactual) over generated cases, "
            + "failure rate with a Wilson interval, failing cases shrunk to minimal counterexamples",
        PerturbationCheck.METRICS, PerturbationCheck.PARAMS, (params, schema) -> new PerturbationCheck(parse(params, schema))));
  }

  /** Reads a property's params against the schema; {@link Property} validates the values. */
  static Property parse(ConfigNode params, Schema schema) {
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
    Property.Direction direction = params.opt("direction").map(n -> n.asEnum(Property.Direction.class)).orElse(null);
    Property.Rows rows = params.opt("rows").map(n -> n.asEnum(Property.Rows.class)).orElse(Property.Rows.DATA);
    Long seed = params.opt("seed").map(ConfigNode::asLong).orElse(null);
    Integer replay = params.opt("replayCase").map(ConfigNode::asInt).orElse(null);
    String name = params.text("name", Property.defaultName(kind, ps));
    // a classifier's score is a probability; a regression model's tolerance is in the label's units
    boolean regression = schema.label().map(l -> l.type() == dev.gauntlet.harness.data.ColumnType.NUMERIC).orElse(false);
    double tolerance = params.dbl("tolerance", 0);
    if (!regression && params.has("tolerance")) {
      if ((kind == PropertyKind.TOLERANCE || kind == PropertyKind.DIRECTIONAL) && tolerance >= 1) {
        throw params.get("tolerance").error("tolerance " + tolerance + " is the allowed change of a classifier's score (a probability) and must be below 1");
      }
      if (kind == PropertyKind.COUNTERFACTUAL && tolerance != 0) {
        throw params.get("tolerance").error("a classifier's counterfactual demands the same decision; tolerance applies to regression suites (numeric label)");
      }
    }
    if (regression && kind == PropertyKind.INVARIANCE) {
      throw params.get("kind").error("kind: invariance demands an unchanged decision, but this is a regression suite (numeric label '"
          + schema.label().get().name() + "'): use kind: tolerance with the largest allowed change of the prediction");
    }
    return new Property(name, kind, ps, params.integer("cases", 1000), tolerance, direction, rows,
        params.integer("shrink", 3), params.integer("maxShrinkSteps", 300), seed, replay, params.dbl("confidence", 0.95));
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

package dev.gauntlet.fairness;

import dev.gauntlet.harness.config.CheckProvider;
import dev.gauntlet.harness.config.CheckType;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.Schema;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Publishes the fairness trial's YAML check type {@code fairness.slices}.
 *
 * <pre>
 * - id: fairness
 *   type: fairness.slices
 *   params:
 *     attributes: [sex, region, {name: age, bands: [25, 45]}]   # default: the schema's protected columns
 *     intersections: 2          # depth: 1 = attributes alone (default), 2 = also pairs
 *     minSize: 30               # smaller slices are INCONCLUSIVE
 *     reference: {sex: M}       # default: the largest slice
 *     metrics: [demographic-parity, equal-opportunity, equalized-odds, predictive-parity, accuracy]
 *     bootstrap: 1000           # resamples for disparity intervals; 0 = none
 *     confidence: 0.95
 *     alpha: 0.05               # Benjamini-Hochberg false discovery rate
 *     threshold: 0.5            # decision threshold on scores; default: the suite's
 *     ratioBand: [0.8, 1.25]
 *     diffBand: 0.1
 * </pre>
 */
public final class FairnessChecks implements CheckProvider {

  @Override
  public List<CheckType> types() {
    return List.of(CheckType.of("fairness.slices",
        "per-slice rates (selection, TPR, FPR, precision, accuracy, calibration) and disparities against a reference slice, with intervals and multiple-testing control",
        (params, schema) -> new SliceCheck(parse(params, schema))));
  }

  /** Reads and validates the {@code params:} of {@code fairness.slices}. */
  public static SliceConfig parse(ConfigNode params, Schema schema) {
    params.allowOnly("attributes", "intersections", "minSize", "reference", "metrics", "bootstrap", "confidence", "alpha",
        "threshold", "ratioBand", "diffBand");
    if (schema.label().isEmpty()) {
      throw params.error("fairness.slices compares decisions with labels; the schema has no label column");
    }
    if (schema.label().get().categories().size() != 2) {
      throw params.error("fairness.slices needs a binary label; '" + schema.label().get().name() + "' has classes " + schema.label().get().categories());
    }
    List<SliceConfig.Attribute> attrs = new ArrayList<>();
    Optional<ConfigNode> an = params.opt("attributes");
    if (an.isEmpty()) {
      for (ColumnSpec c : schema.protectedAttributes()) {
        if (!c.hasCategories()) {
          throw params.error("protected column '" + c.name() + "' is " + c.type().name().toLowerCase()
              + "; list attributes explicitly and give it bands, e.g. attributes: [{name: " + c.name() + ", bands: [25, 45]}]");
        }
        attrs.add(SliceConfig.Attribute.categorical(c.name()));
      }
      if (attrs.isEmpty()) {
        throw params.error("no attributes to slice by: the schema has no protected columns; give attributes: [column, ...]");
      }
    } else {
      for (ConfigNode a : an.get().isScalar() ? List.of(an.get()) : an.get().asList()) {
        attrs.add(attribute(a, schema));
      }
    }
    int depth = 1;
    if (params.has("intersections")) {
      ConfigNode n = params.get("intersections");
      depth = n.asInt();
      if (depth < 1 || depth > attrs.size()) {
        throw n.error("intersections is the largest number of attributes combined: 1 (none) to " + attrs.size() + ", got " + depth);
      }
    }
    int minSize = params.integer("minSize", SliceConfig.DEFAULT_MIN_SIZE);
    if (minSize < 1) {
      throw params.get("minSize").error("minSize must be at least 1, got " + minSize);
    }
    Map<String, String> refs = new LinkedHashMap<>();
    if (params.has("reference")) {
      ConfigNode r = params.get("reference");
      for (String key : r.keys()) {
        ConfigNode v = r.get(key);
        SliceConfig.Attribute at = attrs.stream().filter(x -> x.name().equals(key)).findFirst()
            .orElseThrow(() -> v.error("reference names '" + key + "', which is not a sliced attribute " + attrs.stream().map(SliceConfig.Attribute::name).toList()));
        String value = v.asText();
        List<String> values = at.banded() ? Slices.bandNames(at.bands()) : schema.column(key).categories();
        if (!values.contains(value)) {
          throw v.error("reference value '" + value + "' is not a value of '" + key + "'; its values are " + values);
        }
        refs.put(key, value);
      }
    }
    Set<Disparity> ds = EnumSet.allOf(Disparity.class);
    if (params.has("metrics")) {
      ds = EnumSet.noneOf(Disparity.class);
      ConfigNode m = params.get("metrics");
      for (ConfigNode x : m.isScalar() ? List.of(m) : m.asList()) {
        ds.add(x.asEnum(Disparity.class));
      }
      if (ds.isEmpty()) {
        throw m.error("metrics is empty; name at least one of demographic-parity, equal-opportunity, equalized-odds, predictive-parity, accuracy");
      }
    }
    int bootstrap = params.integer("bootstrap", 1000);
    if (bootstrap != 0 && (bootstrap < 100 || bootstrap > 100_000)) {
      throw params.get("bootstrap").error("bootstrap is the number of resamples: 0 (no intervals) or 100 to 100000, got " + bootstrap);
    }
    double confidence = params.dbl("confidence", 0.95);
    if (!(confidence > 0.5 && confidence < 1)) {
      throw params.get("confidence").error("confidence must be in (0.5, 1), got " + confidence);
    }
    double alpha = params.dbl("alpha", 0.05);
    if (!(alpha > 0 && alpha < 1)) {
      throw params.get("alpha").error("alpha (false discovery rate) must be in (0, 1), got " + alpha);
    }
    double threshold = params.dbl("threshold", Double.NaN);
    double[] ratioBand = params.has("ratioBand") ? params.doubles("ratioBand") : new double[] {0.8, 1.25};
    if (ratioBand.length != 2 || !(ratioBand[0] > 0 && ratioBand[0] <= 1 && ratioBand[1] >= 1)) {
      throw params.get("ratioBand").error("ratioBand must be [lower, upper] with 0 < lower <= 1 <= upper, e.g. [0.8, 1.25]");
    }
    double diffBand = params.dbl("diffBand", 0.1);
    if (!(diffBand > 0 && diffBand < 1)) {
      throw params.get("diffBand").error("diffBand is the acceptable absolute gap, in (0, 1), got " + diffBand);
    }
    try {
      return new SliceConfig(attrs, depth, minSize, refs, ds, bootstrap, confidence, alpha, threshold, ratioBand, diffBand);
    } catch (IllegalArgumentException e) {
      throw params.error(e.getMessage());
    }
  }

  private static SliceConfig.Attribute attribute(ConfigNode a, Schema schema) {
    String name;
    double[] bands = new double[0];
    if (a.isScalar()) {
      name = a.asText();
    } else {
      a.allowOnly("name", "bands");
      name = a.text("name");
      bands = a.doubles("bands");
      if (a.has("bands") && bands.length == 0) {
        throw a.get("bands").error("bands is empty; give cut points, e.g. [25, 45]");
      }
    }
    ColumnSpec c = schema.find(name).orElseThrow(() -> a.error("the schema has no column '" + name + "'; columns: "
        + String.join(", ", schema.columns().stream().map(ColumnSpec::name).toList())));
    if (bands.length > 0) {
      if (c.type() != ColumnType.NUMERIC) {
        throw a.get("bands").error("bands cut numeric columns; '" + name + "' is " + c.type().name().toLowerCase());
      }
      try {
        return new SliceConfig.Attribute(name, bands);
      } catch (IllegalArgumentException e) {
        throw a.get("bands").error(e.getMessage());
      }
    }
    if (!c.hasCategories()) {
      throw a.error("attribute '" + name + "' is " + c.type().name().toLowerCase() + "; slice by a categorical column, or give a numeric one bands: {name: "
          + name + ", bands: [25, 45]}");
    }
    return SliceConfig.Attribute.categorical(name);
  }
}

package dev.gauntlet.fairness;

import dev.gauntlet.harness.config.CheckProvider;
import dev.gauntlet.harness.config.CheckType;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.fairness.discover.DiscoveryConfig;
import dev.gauntlet.fairness.discover.SliceDiscoveryCheck;
import dev.gauntlet.fairness.discover.Target;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Publishes the fairness trial's YAML check types {@code fairness.slices} and {@code slices.discover}
 * (see {@link SliceDiscoveryCheck}).
 *
 * <pre>
 * - id: fairness
 *   type: fairness.slices
 *   params:
 *     attributes: [sex, region, {name: age, bands: [25, 45]}]   # default: the schema's protected columns
 *     intersections: 2          # depth: 1 = attributes alone (default), 2 = also pairs
 *     minSize: 30               # smaller slices are INCONCLUSIVE
 *     reference: {sex: M}       # default: the largest slice
 *     metrics: [demographic-parity, equal-opportunity, equalized-odds, fpr, fnr, predictive-parity, accuracy]
 *     bootstrap: 1000           # resamples for disparity intervals; 0 = none
 *     confidence: 0.95          # level of every interval, stated in every label
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
        "per-slice and overall rates (selection, TPR, FPR, FNR, precision, accuracy, calibration) and disparities against a reference slice"
            + " (disparate impact, FPR and FNR differences, ...), with intervals at the configured level and multiple-testing control",
        SliceCheck.METRICS, SliceCheck.PARAMS, (params, schema) -> new SliceCheck(parse(params, schema))),
        CheckType.of("slices.discover",
            "searches every conjunction of up to depth feature values or quantile bins (exact pruned SliceLine enumeration) for slices whose"
                + " error, FPR, FNR, denial or selection rate is above the whole's by more than an effect size, with Wilson intervals,"
                + " Benjamini-Hochberg control over the whole lattice, and the YAML that pins each slice",
            SliceDiscoveryCheck.METRICS, SliceDiscoveryCheck.PARAMS, FairnessChecks::discovery),
        CheckType.of("fairness.regression",
            "a regression model's errors per slice and intersection (MAE, RMSE, mean error), their gaps and ratios against a reference slice"
                + " with bootstrap intervals and Benjamini-Hochberg control, KS of the predictions against the rest, and the bounded group loss",
            RegressionSliceCheck.METRICS, RegressionSliceCheck.PARAMS, FairnessChecks::regression));
  }

  /** Reads the {@code params:} of {@code fairness.regression}; {@link RegressionSliceCheck} validates the values. */
  static RegressionSliceCheck regression(ConfigNode params, Schema schema) {
    if (schema.label().isEmpty() || dev.gauntlet.harness.model.Task.ofLabel(schema.label().get()) != dev.gauntlet.harness.model.Task.REGRESSION) {
      // before the attributes are read: the suite's task is the first thing wrong
      throw params.error("fairness.regression audits a regression model's errors; it needs a numeric label"
          + schema.label().map(l -> ", but " + dev.gauntlet.harness.model.Task.labelShape(l) + ": use fairness.slices").orElse(", and the schema has none"));
    }
    List<SliceConfig.Attribute> attrs = attributes(params, schema);
    RegressionSliceCheck.Loss loss = params.opt("loss").map(n -> n.asEnum(RegressionSliceCheck.Loss.class)).orElse(RegressionSliceCheck.Loss.MAE);
    return new RegressionSliceCheck(attrs, params.integer("intersections", 1), params.integer("minSize", SliceConfig.DEFAULT_MIN_SIZE),
        references(params, attrs, schema), params.integer("bootstrap", 1000), params.dbl("confidence", 0.95), params.dbl("alpha", 0.05), loss);
  }

  /**
   * Reads the {@code params:} of {@code slices.discover}; {@link DiscoveryConfig} and {@link
   * SliceDiscoveryCheck} validate the values (their {@link dev.gauntlet.harness.metric.ParamException}
   * is reported at the parameter's node).
   */
  static SliceDiscoveryCheck discovery(ConfigNode params, Schema schema) {
    DiscoveryConfig d = DiscoveryConfig.defaults();
    List<String> columns = List.of();
    if (params.has("columns")) {
      ConfigNode c = params.get("columns");
      columns = c.isScalar() ? List.of(c.asText()) : c.asStringList();
    }
    Target target = d.target();
    if (params.has("target")) {
      String t = params.text("target");
      target = Target.of(t);
      if (target == null) {
        throw new dev.gauntlet.harness.metric.ParamException("target", "unknown target '" + t + "'; targets: error, fpr, fnr, denial, selection");
      }
    }
    DiscoveryConfig config = new DiscoveryConfig(columns, target, params.integer("depth", d.depth()), params.integer("minSize", d.minSize()),
        params.integer("bins", d.bins()), params.dbl("effect", d.effect()), params.dbl("fdr", d.fdr()), params.dbl("alpha", d.alpha()),
        params.dbl("confidence", d.confidence()), params.integer("top", d.top()), params.dbl("threshold", Double.NaN));
    boolean regression = schema.label().isPresent()
        && dev.gauntlet.harness.model.Task.ofLabel(schema.label().get()) == dev.gauntlet.harness.model.Task.REGRESSION;
    if (regression && !params.has("errorAbove")) {
      throw params.error("slices.discover in a regression suite searches for slices where large errors are frequent: set errorAbove: <tau>"
          + " (a row is bad when |prediction - label| > tau, in the label's unit); " + dev.gauntlet.harness.model.Task.labelShape(schema.label().get()));
    }
    if (!regression && params.has("errorAbove")) {
      throw params.get("errorAbove").error("'errorAbove' applies to a regression suite (a numeric label)"
          + schema.label().map(l -> "; " + dev.gauntlet.harness.model.Task.labelShape(l)).orElse(""));
    }
    return new SliceDiscoveryCheck(config, schema, params.opt("minSize").orElse(params), regression ? params.dbl("errorAbove", 0) : Double.NaN);
  }

  /**
   * Reads the {@code params:} of {@code fairness.slices} against the schema (columns, categories,
   * bands) and constructs the {@link SliceConfig}, whose constructor is the one validator of the
   * values: its {@link dev.gauntlet.harness.metric.ParamException} is reported at the parameter's node.
   */
  public static SliceConfig parse(ConfigNode params, Schema schema) {
    if (schema.label().isEmpty()) {
      throw params.error("fairness.slices compares decisions with labels; the schema has no label column");
    }
    if (dev.gauntlet.harness.model.Task.ofLabel(schema.label().get()) == dev.gauntlet.harness.model.Task.REGRESSION) {
      throw params.error("fairness.slices compares decisions with classes, but " + dev.gauntlet.harness.model.Task.labelShape(schema.label().get())
          + ": use fairness.regression");
    }
    if (schema.label().get().categories().size() != 2) {
      throw params.error("fairness.slices needs a binary label; '" + schema.label().get().name() + "' has classes " + schema.label().get().categories());
    }
    List<SliceConfig.Attribute> attrs = attributes(params, schema);
    int depth = params.integer("intersections", 1);
    int minSize = params.integer("minSize", SliceConfig.DEFAULT_MIN_SIZE);
    Map<String, String> refs = references(params, attrs, schema);
    Set<Disparity> ds = EnumSet.allOf(Disparity.class);
    if (params.has("metrics")) {
      ds = EnumSet.noneOf(Disparity.class);
      ConfigNode m = params.get("metrics");
      for (ConfigNode x : m.isScalar() ? List.of(m) : m.asList()) {
        ds.add(x.asEnum(Disparity.class));
      }
    }
    int bootstrap = params.integer("bootstrap", 1000);
    double confidence = params.dbl("confidence", 0.95);
    double alpha = params.dbl("alpha", 0.05);
    double threshold = params.dbl("threshold", Double.NaN);
    double[] ratioBand = params.has("ratioBand") ? params.doubles("ratioBand") : new double[] {0.8, 1.25};
    double diffBand = params.dbl("diffBand", 0.1);
    return new SliceConfig(attrs, depth, minSize, refs, ds, bootstrap, confidence, alpha, threshold, ratioBand, diffBand);
  }

  /** The sliced attributes: {@code attributes:}, or the schema's protected columns. */
  private static List<SliceConfig.Attribute> attributes(ConfigNode params, Schema schema) {
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
    return attrs;
  }

  /** The {@code reference:} mapping, each value checked against the attribute's values. */
  private static Map<String, String> references(ConfigNode params, List<SliceConfig.Attribute> attrs, Schema schema) {
    Map<String, String> refs = new LinkedHashMap<>();
    if (params.has("reference")) {
      ConfigNode r = params.get("reference");
      for (String key : r.keys()) {
        ConfigNode v = r.get(key);
        String value = v.asText();
        Optional<SliceConfig.Attribute> at = attrs.stream().filter(x -> x.name().equals(key)).findFirst();
        // An attribute that is not sliced is the record's to reject; a value must be one of the schema's.
        List<String> values = at.isEmpty() ? List.of(value) : at.get().banded() ? Slices.bandNames(at.get().bands()) : schema.column(key).categories();
        if (!values.contains(value)) {
          throw v.error("reference value '" + value + "' is not a value of '" + key + "'; its values are " + values);
        }
        refs.put(key, value);
      }
    }
    return refs;
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
      return new SliceConfig.Attribute(name, bands);
    }
    if (!c.hasCategories()) {
      throw a.error("attribute '" + name + "' is " + c.type().name().toLowerCase() + "; slice by a categorical column, or give a numeric one bands: {name: "
          + name + ", bands: [25, 45]}");
    }
    return SliceConfig.Attribute.categorical(name);
  }
}

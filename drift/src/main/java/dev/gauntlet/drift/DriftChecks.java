package dev.gauntlet.drift;

import dev.gauntlet.drift.simulate.Shift;
import dev.gauntlet.drift.simulate.Simulator;
import dev.gauntlet.drift.stats.MultipleTesting;
import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.harness.config.CheckProvider;
import dev.gauntlet.harness.config.CheckType;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Publishes the drift trial's check types to YAML suites, each with its metrics and parameters as
 * data ({@code METRICS}, {@code PARAMS} of the check record). The parsing here reads YAML values
 * and checks them against the schema; every range check is the check record's own (its compact
 * constructor throws a {@code ParamException}, which the binding reports at the parameter's node).
 *
 * <ul>
 *   <li>{@code drift.temporal}: temporal holdout and decay. Params: {@code window} (day, week,
 *       month, quarter, rows; default month), {@code rows}, {@code reference} (auto, table, or a
 *       number of leading windows), {@code time}, {@code minRows} (30), {@code groups} (default the
 *       categorical protected attributes), {@code maxDrop} (0.03), {@code horizon} (12).
 *   <li>{@code drift.features}: per-feature and prediction drift. Params: the window params and
 *       {@code origin} (fixed, rolling), {@code features}, {@code bins} (10), {@code alpha} (0.05),
 *       {@code correction} (bh, holm, none; default bh), {@code threshold}, {@code top} (3),
 *       {@code predictions} (true).
 *   <li>{@code drift.simulation}: {@code shift} (covariate, prior, concept), {@code feature},
 *       {@code level}, {@code target}, {@code severities}, {@code onset} (sudden, gradual, none),
 *       {@code changeAt} (0.5), {@code width} (0.1), {@code streamSeverity} (1), {@code minRows}; in a
 *       regression suite ({@link RegressionShiftSimulationCheck}, MAE and RMSE) also {@code quantile}
 *       (0.5, the label shift's split), {@code offset} (the concept shift's move of the label),
 *       {@code bootstrap} (500), {@code confidence} (0.95).
 *   <li>{@code drift.detectors}: {@code source} (model, sea, hyperplane), {@code rows} (20000),
 *       {@code detectors} (page-hinkley, ddm, adwin), {@code errorAbove} (regression: a 0/1 stream of
 *       absolute errors above it; without it DDM is refused and the others read scaled absolute errors).
 * </ul>
 */
public final class DriftChecks implements CheckProvider {

  @Override
  public List<CheckType> types() {
    return List.of(
        CheckType.of("drift.temporal", "temporal holdout: accuracy and rates per time window and per group, decay trend and retrain-by estimate",
            TemporalHoldoutCheck.METRICS, TemporalHoldoutCheck.PARAMS, DriftChecks::temporal),
        CheckType.of("drift.features", "per-feature and prediction drift per window: KS, Wasserstein, chi-square, Jensen-Shannon, PSI, default tests",
            FeatureDriftCheck.METRICS, FeatureDriftCheck.PARAMS, DriftChecks::features),
        CheckType.of("drift.simulation", "simulated covariate, label or concept shift: accuracy (regression: MAE and RMSE) against severity,"
                + " detectors on a sudden or gradual change",
            union(ShiftSimulationCheck.METRICS, RegressionShiftSimulationCheck.METRICS),
            concat(ShiftSimulationCheck.PARAMS, RegressionShiftSimulationCheck.PARAMS), DriftChecks::simulation),
        CheckType.of("drift.detectors", "Page-Hinkley, DDM and ADWIN over the model's errors in time order, or over SEA / rotating-hyperplane streams",
            DetectorCheck.METRICS, DetectorCheck.PARAMS, DriftChecks::detectors),
        CheckType.of("drift.regression", "temporal holdout of a regression model: MAE and bias per time window and per group, MAE rise with"
                + " bootstrap intervals, retrain-by estimate, and KS drift of the predictions and of the errors",
            RegressionDecayCheck.METRICS, RegressionDecayCheck.PARAMS, DriftChecks::regression));
  }

  private static dev.gauntlet.harness.metric.MetricSet union(dev.gauntlet.harness.metric.MetricSet a, dev.gauntlet.harness.metric.MetricSet b) {
    List<dev.gauntlet.harness.metric.MetricDecl> all = new ArrayList<>(a.all());
    for (dev.gauntlet.harness.metric.MetricDecl d : b.all()) {
      if (a.find(d.name()).isEmpty()) {
        all.add(d);
      }
    }
    return dev.gauntlet.harness.metric.MetricSet.of(all);
  }

  private static List<dev.gauntlet.harness.metric.ParamDecl> concat(List<dev.gauntlet.harness.metric.ParamDecl> a,
      List<dev.gauntlet.harness.metric.ParamDecl> b) {
    List<dev.gauntlet.harness.metric.ParamDecl> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  static RegressionDecayCheck regression(ConfigNode params, Schema schema) {
    needLabel(params, schema, "drift.regression");
    if (dev.gauntlet.harness.model.Task.ofLabel(schema.label().get()) != dev.gauntlet.harness.model.Task.REGRESSION) {
      throw params.error("drift.regression follows a regression model's errors; " + dev.gauntlet.harness.model.Task.labelShape(schema.label().get())
          + ": use drift.temporal");
    }
    WindowSpec spec = WindowSpec.parse(params, schema, 30);
    Optional<ConfigNode> g = params.opt("groups");
    List<String> groups = new ArrayList<>();
    if (g.isPresent()) {
      groups.addAll(columns(g.get(), schema, ColumnSpec::hasCategories, "groups need a categorical or binary column", "group column"));
    } else {
      schema.protectedAttributes().stream().filter(ColumnSpec::hasCategories).forEach(c -> groups.add(c.name()));
    }
    return new RegressionDecayCheck(spec, groups, params.dbl("maxRise", 0.1), params.integer("horizon", 12), params.integer("bootstrap", 500),
        params.dbl("confidence", 0.95));
  }

  private static void needLabel(ConfigNode params, Schema schema, String type) {
    if (schema.label().isEmpty()) {
      throw params.error(type + " compares decisions with labels; schema '" + schema.name() + "' has no label column");
    }
  }

  static TemporalHoldoutCheck temporal(ConfigNode params, Schema schema) {
    needLabel(params, schema, "drift.temporal");
    if (dev.gauntlet.harness.model.Task.ofLabel(schema.label().get()) == dev.gauntlet.harness.model.Task.REGRESSION) {
      throw params.error("drift.temporal follows a classifier's accuracy; " + dev.gauntlet.harness.model.Task.labelShape(schema.label().get())
          + ": use drift.regression");
    }
    WindowSpec spec = WindowSpec.parse(params, schema, 30);
    Optional<ConfigNode> g = params.opt("groups");
    List<String> groups = new ArrayList<>();
    if (g.isPresent()) {
      groups.addAll(columns(g.get(), schema, ColumnSpec::hasCategories, "groups need a categorical or binary column", "group column"));
    } else {
      schema.protectedAttributes().stream().filter(ColumnSpec::hasCategories).forEach(c -> groups.add(c.name()));
    }
    return new TemporalHoldoutCheck(spec, groups, params.dbl("maxDrop", 0.03), params.integer("horizon", 12));
  }

  /** A column name or a list of them, each in the schema and accepted by {@code ok}. */
  private static List<String> columns(ConfigNode node, Schema schema, java.util.function.Predicate<ColumnSpec> ok, String need, String what) {
    List<String> out = new ArrayList<>();
    for (ConfigNode n : node.isScalar() ? List.of(node) : node.asList()) {
      String col = n.asText();
      ColumnSpec c = schema.find(col).orElseThrow(() -> n.error("schema '" + schema.name() + "' has no column '" + col + "'"));
      if (!ok.test(c)) {
        throw n.error(what + " '" + col + "' is " + c.type().name().toLowerCase() + "; " + need);
      }
      out.add(col);
    }
    return out;
  }

  static FeatureDriftCheck features(ConfigNode params, Schema schema) {
    WindowSpec spec = WindowSpec.parse(params, schema, 30);
    List<String> features = new ArrayList<>();
    Optional<ConfigNode> f = params.opt("features");
    if (f.isPresent()) {
      features.addAll(columns(f.get(), schema, c -> c.type() == ColumnType.NUMERIC || c.hasCategories(),
          "drift statistics need a numeric or categorical column", "column"));
      if (features.isEmpty()) {
        throw f.get().error("features is empty; list columns or leave it out to watch every feature");
      }
    } else if (schema.features().isEmpty()) {
      throw params.error("schema '" + schema.name() + "' has no feature columns; list the columns to watch in 'features:'");
    }
    MultipleTesting correction = params.opt("correction").map(n -> n.asEnum(MultipleTesting.class)).orElse(MultipleTesting.BH);
    double threshold = params.dbl("threshold", Double.NaN);
    if (params.has("threshold") && Double.isNaN(threshold)) {
      threshold = -1; // an explicit NaN is not "no threshold": let the record reject it at the node
    }
    boolean predictions = params.bool("predictions", true);
    if (predictions && schema.label().isEmpty()) {
      throw params.error("predictions: true needs a label column (it names the decision classes); set predictions: false");
    }
    return new FeatureDriftCheck(spec, features, params.integer("bins", 10), params.dbl("alpha", 0.05), correction, threshold,
        params.integer("top", 3), predictions, params.integer("exactValues", FeatureDriftCheck.DEFAULT_EXACT_VALUES));
  }

  /** The onsets a simulation accepts, with "none" for no stream. */
  private enum OnsetParam {
    SUDDEN, GRADUAL, NONE
  }

  private enum ShiftKind {
    COVARIATE, PRIOR, CONCEPT
  }

  static dev.gauntlet.harness.check.Check<?> simulation(ConfigNode params, Schema schema) {
    needLabel(params, schema, "drift.simulation");
    ShiftKind kind = params.get("shift").asEnum(ShiftKind.class);
    ColumnSpec label = schema.label().orElseThrow();
    if (dev.gauntlet.harness.model.Task.ofLabel(label) == dev.gauntlet.harness.model.Task.REGRESSION) {
      return regressionSimulation(params, schema, kind, label);
    }
    for (dev.gauntlet.harness.metric.ParamDecl p : RegressionShiftSimulationCheck.PARAMS) {
      if (params.has(p.name())) {
        throw params.get(p.name()).error("'" + p.name() + "' applies to a regression suite (a numeric label); "
            + dev.gauntlet.harness.model.Task.labelShape(label));
      }
    }
    Function<dev.gauntlet.harness.data.Table, Shift> make;
    String name;
    switch (kind) {
      case COVARIATE -> {
        ColumnSpec c = feature(params, schema);
        String level = covariateLevel(params, c);
        Shift s = new Shift.Covariate(c.name(), level);
        make = t -> s;
        name = "covariate shift on " + c.name();
      }
      case PRIOR -> {
        if (params.has("feature")) {
          throw params.get("feature").error("a prior (label) shift moves the label's class balance; it takes no feature");
        }
        if (label.categories().size() != 2) {
          throw params.error("a prior shift needs a binary label; '" + label.name() + "' has " + label.categories());
        }
        double target = params.dbl("target", 0.5);
        Shift s = new Shift.Prior(label.positiveIndex(), target);
        make = t -> s;
        name = "label shift toward " + target + " positive";
      }
      default -> {
        ColumnSpec c = feature(params, schema);
        if (c.type() != ColumnType.NUMERIC) {
          throw params.get("feature").error("a concept shift moves a boundary along a numeric feature; '" + c.name() + "' is " + c.type().name().toLowerCase());
        }
        make = t -> Shift.Concept.on(t, c.name());
        name = "concept shift along " + c.name();
      }
    }
    double[] sev = params.has("severities") ? params.doubles("severities") : new double[] {0, 0.25, 0.5, 0.75, 1};
    OnsetParam onset = params.opt("onset").map(n -> n.asEnum(OnsetParam.class)).orElse(OnsetParam.SUDDEN);
    double changeAt = params.dbl("changeAt", 0.5);
    double width = params.dbl("width", Math.min(0.1, 1 - changeAt));
    double streamSeverity = params.dbl("streamSeverity", 1.0);
    int minRows = params.integer("minRows", 100);
    Simulator.Onset o = onset == OnsetParam.NONE ? null : Simulator.Onset.valueOf(onset.name());
    return new ShiftSimulationCheck(name, make, sev, o, changeAt, width, streamSeverity, minRows);
  }

  /** {@code drift.simulation} in a regression suite: the same shifts scored by MAE and RMSE (see {@link RegressionShiftSimulationCheck}). */
  private static RegressionShiftSimulationCheck regressionSimulation(ConfigNode params, Schema schema, ShiftKind kind, ColumnSpec label) {
    Function<dev.gauntlet.harness.data.Table, dev.gauntlet.drift.simulate.ValueShift> make;
    String name;
    if (kind != ShiftKind.PRIOR && params.has("quantile")) {
      throw params.get("quantile").error("'quantile' applies to a label shift (shift: prior)");
    }
    if (kind != ShiftKind.CONCEPT && params.has("offset")) {
      throw params.get("offset").error("'offset' applies to a concept shift (shift: concept)");
    }
    switch (kind) {
      case COVARIATE -> {
        ColumnSpec c = feature(params, schema);
        String level = covariateLevel(params, c);
        dev.gauntlet.drift.simulate.ValueShift s = new dev.gauntlet.drift.simulate.ValueShift.Covariate(new Shift.Covariate(c.name(), level));
        make = t -> s;
        name = "covariate shift on " + c.name();
      }
      case PRIOR -> {
        if (params.has("feature")) {
          throw params.get("feature").error("a label shift resamples rows by their label; it takes no feature");
        }
        double quantile = params.dbl("quantile", 0.5);
        double target = params.dbl("target", 0.8);
        dev.gauntlet.drift.simulate.ValueShift s = new dev.gauntlet.drift.simulate.ValueShift.LabelQuantile(quantile, target);
        make = t -> s;
        name = "label shift: " + target + " of the rows above the label's " + quantile + " quantile";
      }
      default -> {
        ColumnSpec c = feature(params, schema);
        if (c.type() != ColumnType.NUMERIC) {
          throw params.get("feature").error("a concept shift moves a boundary along a numeric feature; '" + c.name() + "' is " + c.type().name().toLowerCase());
        }
        double offset = params.dbl("offset", Double.NaN);
        if (params.has("offset") && Double.isNaN(offset)) {
          offset = 0; // an explicit NaN: let the record reject it at the node
        }
        double given = offset;
        String lname = label.name();
        make = t -> new dev.gauntlet.drift.simulate.ValueShift.Concept(Shift.Concept.on(t, c.name()), Double.isNaN(given) ? sd(t.numeric(lname)) : given);
        if (!Double.isNaN(given)) {
          new dev.gauntlet.drift.simulate.ValueShift.Concept(new Shift.Concept(c.name(), new double[0]), given); // validates offset at load
        }
        name = "concept shift along " + c.name();
      }
    }
    double[] sev = params.has("severities") ? params.doubles("severities") : new double[] {0, 0.25, 0.5, 0.75, 1};
    OnsetParam onset = params.opt("onset").map(n -> n.asEnum(OnsetParam.class)).orElse(OnsetParam.SUDDEN);
    double changeAt = params.dbl("changeAt", 0.5);
    double width = params.dbl("width", Math.min(0.1, 1 - changeAt));
    Simulator.Onset o = onset == OnsetParam.NONE ? null : Simulator.Onset.valueOf(onset.name());
    return new RegressionShiftSimulationCheck(name, make, sev, o, changeAt, width, params.dbl("streamSeverity", 1.0), params.integer("minRows", 100),
        params.integer("bootstrap", 500), params.dbl("confidence", 0.95));
  }

  /** The population standard deviation of a label (the default concept-shift offset); 1 when the label is constant. */
  static double sd(double[] v) {
    double mean = java.util.Arrays.stream(v).average().orElse(0);
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double sd = Math.sqrt(ss / Math.max(1, v.length));
    return sd > 0 ? sd : 1;
  }

  private static String covariateLevel(ConfigNode params, ColumnSpec c) {
    String level = params.text("level", null);
    if (c.hasCategories()) {
      if (level == null) {
        throw params.error("a covariate shift on categorical '" + c.name() + "' needs 'level:' (the category made more frequent), one of " + c.categories());
      }
      if (!c.categories().contains(level)) {
        throw params.get("level").error("'" + level + "' is not a category of '" + c.name() + "'; expected one of " + c.categories());
      }
    } else if (level != null) {
      throw params.get("level").error("'level' applies to categorical features; '" + c.name() + "' is numeric");
    }
    return level;
  }

  private static ColumnSpec feature(ConfigNode params, Schema schema) {
    ConfigNode n = params.opt("feature").orElseThrow(() -> params.error("this shift needs 'feature:' (a feature column)"));
    String col = n.asText();
    ColumnSpec c = schema.find(col).orElseThrow(() -> n.error("schema '" + schema.name() + "' has no column '" + col + "'"));
    if (c.type() != ColumnType.NUMERIC && !c.hasCategories()) {
      throw n.error("column '" + col + "' is " + c.type().name().toLowerCase() + "; a shift needs a numeric or categorical column");
    }
    return c;
  }

  static DetectorCheck detectors(ConfigNode params, Schema schema) {
    DetectorCheck.Source source = params.opt("source").map(n -> n.asEnum(DetectorCheck.Source.class)).orElse(DetectorCheck.Source.MODEL);
    if (source == DetectorCheck.Source.MODEL) {
      needLabel(params, schema, "drift.detectors");
      if (schema.time().isEmpty()) {
        throw params.error("source: model reads the errors in time order; schema '" + schema.name() + "' has no column with role time");
      }
      if (params.has("rows")) {
        throw params.get("rows").error("'rows' sets the length of a synthetic stream (source: sea or hyperplane)");
      }
    }
    boolean regression = schema.label().isPresent()
        && dev.gauntlet.harness.model.Task.ofLabel(schema.label().get()) == dev.gauntlet.harness.model.Task.REGRESSION;
    if (params.has("errorAbove") && !regression) {
      throw params.get("errorAbove").error("'errorAbove' applies to a regression suite (a numeric label): it turns absolute errors into a 0/1 stream"
          + (schema.label().isPresent() ? "; " + dev.gauntlet.harness.model.Task.labelShape(schema.label().get()) : ""));
    }
    List<String> dets = params.has("detectors") ? params.strings("detectors") : List.of();
    DetectorCheck c = new DetectorCheck(source, params.integer("rows", 20_000), dets, params.dbl("errorAbove", Double.NaN));
    if (source == DetectorCheck.Source.MODEL) {
      try {
        c.chosen(regression ? dev.gauntlet.harness.model.Task.REGRESSION : dev.gauntlet.harness.model.Task.CLASSIFICATION);
      } catch (dev.gauntlet.harness.metric.ParamException e) {
        throw params.get("detectors").error(e.getMessage());
      }
    }
    return c;
  }
}

package dev.gauntlet.monitor;

import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.metric.ParamDecl;
import dev.gauntlet.harness.metric.ParamException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The parameters of a {@code monitor.performance} check, validated here (the one validator for
 * Java and YAML): where the prediction and label logs are, how labels mature, how rows are cut
 * into windows, which slices are watched, how the estimator is calibrated and judged.
 *
 * @param predictions the prediction log (CSV or Parquet): the suite schema's columns without the
 *     label, plus {@code scoreColumn} and, optionally, {@code versionColumn}
 * @param predictionsFormat {@code csv} or {@code parquet}, or null for the file's extension
 * @param scoreColumn the served probability of the positive class, in [0, 1]
 * @param versionColumn the model version column, or null when the log has none
 * @param labels the label log: {@code labelIdColumn}, {@code labelColumn}, {@code labelTimeColumn}
 * @param labelTimeFormat a {@link java.time.format.DateTimeFormatter} pattern, {@code epoch-seconds},
 *     or null for ISO dates and date-times
 * @param dueSeconds labels are due within this many seconds of their window's end: a window is
 *     mature when its end plus this lies at or before {@code asOf}
 * @param window the window unit ({@link WindowUnit#QUARTER} is allowed too)
 * @param windowRows rows per window when {@code window} is {@link WindowUnit#ROWS}, else 0
 * @param asOf the monitor's "now" in epoch seconds, or null for the latest time in either log;
 *     predictions and labels after it are ignored (not yet happened)
 * @param slices categorical or binary columns whose groups are watched
 * @param reference the reference group per slice column (absent: the largest group)
 * @param calibration how scores are calibrated on the reference data
 * @param floor the accuracy floor the retraining estimate extrapolates to, or NaN for none
 */
public record MonitorConfig(Path predictions, String predictionsFormat, String scoreColumn, String versionColumn, Path labels,
    String labelsFormat, String labelIdColumn, String labelColumn, String labelTimeColumn, String labelTimeFormat, long dueSeconds,
    WindowUnit window, int windowRows, Long asOf, List<String> slices, Map<String, String> reference, Calibration calibration,
    double confidence, int minLabelled, int minSliceRows, double minCompleteness, int minMatureWindows, double healthAlpha,
    double maxCalibrationError, double floor, int horizonDays) {

  /** How the scores are calibrated before the expected confusion matrix is computed. */
  public enum Calibration {
    /** Isotonic regression of the labels on the scores (pool adjacent violators), as scikit-learn's {@code IsotonicRegression(out_of_bounds="clip")}. */
    ISOTONIC,
    /** The scores are taken as calibrated probabilities as they are. */
    NONE
  }

  /** The parameters, published with the {@code monitor.performance} type. */
  public static final List<ParamDecl> PARAMS = List.of(
      ParamDecl.of("predictions", "mapping {path, format, score, version}", "required",
          "the prediction log: path (CSV or Parquet, relative to the suite), format (default from the extension), score (the served positive-class"
              + " probability column, default score), version (the model version column, optional); its other columns are the suite schema's without the label"),
      ParamDecl.of("labels", "mapping {path, format, id, label, time, timeFormat}", "required",
          "the label log: path, format, id (default the schema's id column), label (default the schema's label), time (when the label arrived, default"
              + " label_time), timeFormat (default ISO)"),
      ParamDecl.of("labelsDueWithin", "duration, e.g. 30d, 12h, 2w", "30d", "labels are due within this time of their window's end; a window is mature when that has passed at asOf"),
      ParamDecl.of("window", "day, week, month, quarter or rows", "month", "how predictions are cut into windows (UTC calendar periods, or windowRows rows in time order)"),
      ParamDecl.of("windowRows", "integer in [10, 100000000]", "none", "rows per window with window: rows"),
      ParamDecl.of("asOf", "ISO date or date-time", "latest time in the logs", "the monitor's now (default: the latest time in either log); later predictions and labels are ignored"),
      ParamDecl.of("slices", "list of categorical columns", "[]", "the groups watched: realized, estimated and label completeness per group and window"),
      ParamDecl.of("reference", "mapping column: group", "largest group", "the reference group of each slice column for the gaps (default: its largest group)"),
      ParamDecl.of("calibration", "isotonic or none", "isotonic", "how the scores are calibrated on the reference data (the suite's data) before estimating"),
      ParamDecl.of("confidence", "number in [0.5, 0.999]", "0.95", "level of every interval"),
      ParamDecl.of("minLabelled", "integer in [1, 1000000]", "30", "fewer labelled rows than this make a realized figure INCONCLUSIVE"),
      ParamDecl.of("minSliceRows", "integer in [1, 1000000]", "30", "fewer predictions than this make a window's figures for a group INCONCLUSIVE"),
      ParamDecl.of("minCompleteness", "number in [0, 1]", "0.8", "an immature window's realized figure with a lower label completeness is INCONCLUSIVE (late labels may be unlike early ones)"),
      ParamDecl.of("minMatureWindows", "integer in [0, 1000]", "1", "fewer mature windows than this leave the estimator unchecked, so estimated figures are INCONCLUSIVE"),
      ParamDecl.of("healthAlpha", "number in (0, 0.5]", "0.05", "the estimator is untrusted when its misses on mature windows are this unlikely under its stated coverage (one-sided binomial test)"),
      ParamDecl.of("maxCalibrationError", "number in (0, 1]", "0.05", "the estimator is untrusted when the calibrated scores' out-of-fold expected calibration error on the reference data is above this"),
      ParamDecl.of("floor", "number in (0, 1)", "none", "the accuracy floor for the retraining estimate (days_until_floor); without it none is made"),
      ParamDecl.of("horizonDays", "integer in [1, 3650]", "365", "the retraining estimate looks this far ahead at most"));

  /** Validates the parameters. */
  public MonitorConfig {
    Objects.requireNonNull(predictions, "predictions");
    Objects.requireNonNull(labels, "labels");
    ParamException.require(scoreColumn != null && !scoreColumn.isBlank(), "predictions", "score names the prediction log's score column and cannot be empty");
    ParamException.require(labelIdColumn != null && labelColumn != null && labelTimeColumn != null, "labels", "the label log needs its id, label and time columns");
    ParamException.require(!labelIdColumn.equals(labelColumn) && !labelIdColumn.equals(labelTimeColumn) && !labelColumn.equals(labelTimeColumn),
        "labels", "id, label and time must be three different columns, got " + labelIdColumn + ", " + labelColumn + ", " + labelTimeColumn);
    ParamException.require(dueSeconds > 0 && dueSeconds <= 3650L * 86_400, "labelsDueWithin", "labelsDueWithin must be positive and at most 3650d, got " + dueSeconds + " s");
    Objects.requireNonNull(window, "window");
    if (window == WindowUnit.ROWS) {
      ParamException.inRange("windowRows", windowRows, 10, 100_000_000);
    } else {
      ParamException.require(windowRows == 0, "windowRows", "windowRows applies to window: rows only (window is " + window.name().toLowerCase(Locale.ROOT) + ")");
    }
    slices = List.copyOf(slices);
    ParamException.require(slices.stream().distinct().count() == slices.size(), "slices", "a column is listed twice in slices: " + slices);
    reference = Map.copyOf(reference);
    for (String k : reference.keySet()) {
      ParamException.require(slices.contains(k), "reference", "reference names '" + k + "', which is not in slices " + slices);
    }
    Objects.requireNonNull(calibration, "calibration");
    ParamException.inRange("confidence", confidence, 0.5, 0.999);
    ParamException.inRange("minLabelled", minLabelled, 1, 1_000_000);
    ParamException.inRange("minSliceRows", minSliceRows, 1, 1_000_000);
    ParamException.inRange("minCompleteness", minCompleteness, 0, 1);
    ParamException.inRange("minMatureWindows", minMatureWindows, 0, 1000);
    ParamException.require(healthAlpha > 0 && healthAlpha <= 0.5, "healthAlpha", "healthAlpha must be in (0, 0.5], got " + healthAlpha);
    ParamException.require(maxCalibrationError > 0 && maxCalibrationError <= 1, "maxCalibrationError", "maxCalibrationError must be in (0, 1], got " + maxCalibrationError);
    ParamException.require(Double.isNaN(floor) || (floor > 0 && floor < 1), "floor", "floor is an accuracy strictly between 0 and 1, got " + floor);
    ParamException.inRange("horizonDays", horizonDays, 1, 3650);
  }

  /** Reads the {@code params:} of a check (only declared keys reach here); paths resolve against the suite's folder. */
  static MonitorConfig parse(ConfigNode params, Schema schema) {
    Path base = Path.of(params.file()).toAbsolutePath().getParent();
    if (!params.has("predictions")) {
      throw params.error("monitor.performance needs predictions: {path: ...} (the prediction log)");
    }
    if (!params.has("labels")) {
      throw params.error("monitor.performance needs labels: {path: ...} (the label log)");
    }
    ConfigNode p = params.get("predictions").allowOnly("path", "format", "score", "version");
    ConfigNode l = params.get("labels").allowOnly("path", "format", "id", "label", "time", "timeFormat");
    String id = l.has("id") ? l.text("id") : schema.id().map(ColumnSpec::name).orElseThrow(
        () -> l.error("the schema has no id column, so the label log's id column must be named: labels: {id: ...}; the prediction log needs an id column too"));
    String label = l.has("label") ? l.text("label") : schema.label().map(ColumnSpec::name).orElseThrow(
        () -> params.error("monitor.performance compares decisions with labels, and the schema '" + schema.name() + "' has no label column"));
    String window = params.text("window", "month").toUpperCase(Locale.ROOT);
    WindowUnit unit;
    try {
      unit = WindowUnit.valueOf(window);
    } catch (IllegalArgumentException e) {
      throw params.get("window").error("window must be day, week, month, quarter or rows, got '" + params.text("window") + "'");
    }
    List<String> slices = params.has("slices") ? params.strings("slices") : List.of();
    for (int i = 0; i < slices.size(); i++) {
      String s = slices.get(i);
      ColumnSpec c = schema.find(s).orElse(null);
      if (c == null || !c.hasCategories() || c.has(dev.gauntlet.harness.data.Role.LABEL)) {
        throw params.get("slices").asList().get(i).error("slice column '" + s + "' must be a categorical or binary column of the schema (not the label)"
            + (c == null ? "; the schema has no such column" : ""));
      }
    }
    Map<String, String> reference = new LinkedHashMap<>();
    if (params.has("reference")) {
      ConfigNode r = params.get("reference");
      if (!r.isMapping()) {
        throw r.error("reference maps slice columns to their reference group, e.g. reference: {sex: M}");
      }
      for (String k : r.keys()) {
        String v = r.text(k);
        ColumnSpec c = schema.find(k).orElse(null);
        if (c != null && c.hasCategories() && !c.categories().contains(v)) {
          throw r.get(k).error("'" + v + "' is not a group of '" + k + "'; its groups: " + c.categories());
        }
        reference.put(k, v);
      }
    }
    Long asOf = params.has("asOf") ? instant(params.get("asOf")) : null;
    String cal = params.text("calibration", "isotonic");
    Calibration calibration = switch (cal) {
      case "isotonic" -> Calibration.ISOTONIC;
      case "none" -> Calibration.NONE;
      default -> throw params.get("calibration").error("calibration must be isotonic or none, got '" + cal + "'");
    };
    long due;
    try {
      due = duration(params.text("labelsDueWithin", "30d"));
    } catch (IllegalArgumentException e) {
      throw params.get("labelsDueWithin").error(e.getMessage());
    }
    if (!p.has("path")) {
      throw p.error("predictions needs path: the prediction log file or folder");
    }
    if (!l.has("path")) {
      throw l.error("labels needs path: the label log file or folder");
    }
    return new MonitorConfig(base.resolve(p.text("path")).normalize(), p.opt("format").map(ConfigNode::asText).orElse(null), p.text("score", "score"),
        p.opt("version").map(ConfigNode::asText).orElse(null), base.resolve(l.text("path")).normalize(), l.opt("format").map(ConfigNode::asText).orElse(null),
        id, label, l.text("time", "label_time"), l.opt("timeFormat").map(ConfigNode::asText).orElse(null), due, unit, params.integer("windowRows", 0), asOf,
        slices, reference, calibration, params.dbl("confidence", 0.95), params.integer("minLabelled", 30), params.integer("minSliceRows", 30),
        params.dbl("minCompleteness", 0.8), params.integer("minMatureWindows", 1), params.dbl("healthAlpha", 0.05), params.dbl("maxCalibrationError", 0.05),
        params.dbl("floor", Double.NaN), params.integer("horizonDays", 365));
  }

  /** {@code 30d}, {@code 12h}, {@code 2w}, {@code 90m}, {@code 45s} in seconds. */
  static long duration(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.length() < 2) {
      throw new IllegalArgumentException("a duration is a whole number and a unit (s, m, h, d, w), e.g. 30d; got '" + text + "'");
    }
    long unit = switch (t.charAt(t.length() - 1)) {
      case 's' -> 1;
      case 'm' -> 60;
      case 'h' -> 3600;
      case 'd' -> 86_400;
      case 'w' -> 7 * 86_400;
      default -> throw new IllegalArgumentException("a duration ends with its unit (s, m, h, d, w), e.g. 30d; got '" + text + "'");
    };
    try {
      long v = Long.parseLong(t.substring(0, t.length() - 1));
      if (v <= 0) {
        throw new IllegalArgumentException("a duration must be positive, got '" + text + "'");
      }
      return Math.multiplyExact(v, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("a duration is a whole number and a unit (s, m, h, d, w), e.g. 30d; got '" + text + "'");
    }
  }

  /** An ISO date (midnight UTC at its end: the whole day has happened), date-time (UTC) or offset date-time, in epoch seconds. */
  static long instant(ConfigNode n) {
    String t = n.asText().strip();
    try {
      if (t.length() == 10) {
        return LocalDate.parse(t).plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC) - 1;
      }
      try {
        return OffsetDateTime.parse(t).toEpochSecond();
      } catch (DateTimeParseException e) {
        return LocalDateTime.parse(t).toEpochSecond(ZoneOffset.UTC);
      }
    } catch (DateTimeParseException e) {
      throw n.error("asOf must be an ISO date (2024-12-31) or date-time (2024-12-31T18:00:00, UTC unless an offset is given), got '" + t + "'");
    }
  }

  /** The window unit as the suite spells it. */
  String windowText() {
    return window == WindowUnit.ROWS ? windowRows + " rows" : window.name().toLowerCase(Locale.ROOT);
  }
}

package dev.gauntlet.monitor;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.DataSources;
import dev.gauntlet.harness.data.Role;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Selection;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Artifact;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The prediction log joined with the label log by id. Read with the suite's data readers (CSV or
 * Parquet), under schemas derived from the suite's: the prediction log has the suite schema's
 * columns without the label, plus the score (and version) column; the label log has the id (typed
 * as the schema's id), the label (with the schema label's classes) and the label time.
 *
 * <p>Refused, each with the file, line and column: a prediction id given twice, a label id given
 * twice, a label for an id the prediction log lacks, a label earlier than its prediction, and
 * (by the readers) unparsable times, scores outside [0, 1] and unknown classes.
 */
final class ProductionLogs {
  private ProductionLogs() {}

  /**
   * The joined logs.
   *
   * @param predictions the prediction rows at or before {@code asOf}
   * @param times their times (epoch seconds)
   * @param scores their served scores
   * @param labels per prediction row, the label's class index, or -1 when no label has arrived by {@code asOf}
   * @param labelDelays per prediction row, seconds from prediction to label, or -1
   * @param asOf the monitor's now
   * @param labelRows rows of the label log
   * @param labelsAfterAsOf labels that arrive after {@code asOf} (ignored)
   * @param predictionsAfterAsOf predictions after {@code asOf} (ignored)
   * @param versions prediction rows per model version (empty without a version column)
   * @param sources the two logs (path and SHA-256)
   */
  record Joined(Table predictions, long[] times, double[] scores, int[] labels, long[] labelDelays, long asOf, int labelRows, int labelsAfterAsOf,
      int predictionsAfterAsOf, Map<String, Integer> versions, List<Artifact> sources) {

    int size() {
      return times.length;
    }

    int labelled() {
      int k = 0;
      for (int l : labels) {
        if (l >= 0) {
          k++;
        }
      }
      return k;
    }
  }

  /** The prediction log's schema: the suite's columns without label, prediction and score roles, plus score and version. */
  static Schema predictionSchema(MonitorConfig c, Schema schema) {
    List<ColumnSpec> cols = new ArrayList<>();
    for (ColumnSpec s : schema.columns()) {
      if (s.has(Role.LABEL) || s.has(Role.PREDICTION) || s.has(Role.SCORE)) {
        continue;
      }
      if (s.name().equals(c.scoreColumn()) || s.name().equals(c.versionColumn())) {
        throw new dev.gauntlet.harness.metric.ParamException("predictions", "the score/version column '" + s.name() + "' is also a column of the schema with role "
            + s.roles() + "; name the log's own column");
      }
      cols.add(s);
    }
    cols.add(new ColumnSpec(c.scoreColumn(), ColumnType.NUMERIC, Set.of(Role.SCORE), 0, 1, false, null, false, null, null, null, null));
    if (c.versionColumn() != null) {
      cols.add(new ColumnSpec(c.versionColumn(), ColumnType.TEXT, Set.of(Role.IGNORE), Double.NaN, Double.NaN, false, null, false, null, null, null, null));
    }
    return new Schema(schema.name() + " prediction log", schema.delimiter(), schema.missing(), cols, schema.source());
  }

  /** The label log's schema: id, label, label time. */
  static Schema labelSchema(MonitorConfig c, Schema schema) {
    ColumnSpec id = schema.id().orElseThrow(() -> new dev.gauntlet.harness.metric.ParamException("labels",
        "the schema '" + schema.name() + "' has no id column (role id): predictions and labels are joined by it"));
    ColumnSpec label = schema.label().orElseThrow(() -> new dev.gauntlet.harness.metric.ParamException("labels",
        "the schema '" + schema.name() + "' has no label column"));
    if (label.categories().size() != 2) {
      throw new dev.gauntlet.harness.metric.ParamException("labels", "monitor.performance monitors binary decisions from a positive-class score; the label '"
          + label.name() + "' has " + label.categories().size() + " classes " + label.categories());
    }
    List<ColumnSpec> cols = List.of(
        new ColumnSpec(c.labelIdColumn(), id.type(), Set.of(Role.ID), id.min(), id.max(), id.integer(), id.categories(), false, null, null, id.format(), null),
        new ColumnSpec(c.labelColumn(), label.type(), Set.of(Role.LABEL), Double.NaN, Double.NaN, false, label.categories(), false, null, null, null, label.positive()),
        new ColumnSpec(c.labelTimeColumn(), ColumnType.TIMESTAMP, Set.of(Role.TIME), Double.NaN, Double.NaN, false, null, false, null, null, c.labelTimeFormat(), null));
    return new Schema(schema.name() + " label log", schema.delimiter(), schema.missing(), cols, schema.source());
  }

  /** Reads, validates and joins both logs; a {@link UsageException} (exit 2) names the file, line and column of the first problem. */
  static Joined load(MonitorConfig c, Schema schema) {
    Schema ps = predictionSchema(c, schema);
    Schema ls = labelSchema(c, schema);
    String idName = schema.id().get().name();
    String timeName = schema.time().map(ColumnSpec::name).orElseThrow(() -> new dev.gauntlet.harness.metric.ParamException("predictions",
        "the schema '" + schema.name() + "' has no time column (role time): the prediction log's rows are cut into windows by it"));
    Table pred = read(c.predictions(), c.predictionsFormat(), ps, "prediction log", "predictions");
    Table lab = read(c.labels(), c.labelsFormat(), ls, "label log", "labels");
    long[] pt = pred.timestamps(timeName);
    long[] lt = lab.timestamps(c.labelTimeColumn());
    long asOf;
    if (c.asOf() != null) {
      asOf = c.asOf();
    } else {
      asOf = Long.MIN_VALUE;
      for (long t : pt) {
        asOf = Math.max(asOf, t);
      }
      for (long t : lt) {
        asOf = Math.max(asOf, t);
      }
    }
    Column pid = pred.column(idName);
    Map<String, Integer> index = new HashMap<>(Math.max(16, pred.rowCount() * 2));
    for (int i = 0; i < pred.rowCount(); i++) {
      String id = pid.format(i);
      Integer prev = index.putIfAbsent(id, i);
      if (prev != null) {
        throw pred.errorAt(i, idName, "prediction id '" + id + "' is in the prediction log twice (also " + where(pred, prev) + "); each prediction needs its own id,"
            + " or the labels cannot be joined");
      }
    }
    int[] label = new int[pred.rowCount()];
    long[] delay = new long[pred.rowCount()];
    java.util.Arrays.fill(label, -1);
    java.util.Arrays.fill(delay, -1);
    int[] codes = lab.categorical(c.labelColumn()).codes();
    Column lid = lab.column(c.labelIdColumn());
    int late = 0;
    for (int j = 0; j < lab.rowCount(); j++) {
      String id = lid.format(j);
      Integer i = index.get(id);
      if (i == null) {
        throw lab.errorAt(j, c.labelIdColumn(), "the label log has a label for id '" + id + "', which the prediction log " + c.predictions().getFileName()
            + " does not have; a label must belong to a logged prediction (wrong file, or predictions missing from the log)");
      }
      if (lt[j] < pt[i]) {
        throw lab.errorAt(j, c.labelTimeColumn(), "the label of id '" + id + "' arrived at " + java.time.Instant.ofEpochSecond(lt[j])
            + ", before its prediction at " + java.time.Instant.ofEpochSecond(pt[i]) + " (" + where(pred, i) + "); a label cannot precede the prediction");
      }
      if (delay[i] >= 0 || label[i] == -2) {
        throw lab.errorAt(j, c.labelIdColumn(), "id '" + id + "' has two labels in the label log; give each prediction at most one label");
      }
      if (lt[j] > asOf) {
        late++;
        label[i] = -2; // seen, not yet arrived
        continue;
      }
      label[i] = codes[j];
      delay[i] = lt[j] - pt[i];
    }
    int kept = 0;
    for (int i = 0; i < pt.length; i++) {
      if (label[i] == -2) {
        label[i] = -1;
      }
      if (pt[i] <= asOf) {
        kept++;
      }
    }
    int after = pt.length - kept;
    double[] scores = pred.numeric(c.scoreColumn());
    if (after > 0) {
      int[] rows = new int[kept];
      int k = 0;
      for (int i = 0; i < pt.length; i++) {
        if (pt[i] <= asOf) {
          rows[k++] = i;
        }
      }
      pred = pred.select(rows);
      pt = pred.timestamps(timeName);
      scores = pred.numeric(c.scoreColumn());
      int[] l2 = new int[kept];
      long[] d2 = new long[kept];
      for (int r = 0; r < kept; r++) {
        l2[r] = label[rows[r]];
        d2[r] = delay[rows[r]];
      }
      label = l2;
      delay = d2;
    }
    if (pred.rowCount() == 0) {
      throw new UsageException(c.predictions() + ": the prediction log has no prediction at or before asOf " + java.time.Instant.ofEpochSecond(asOf)
          + "; nothing to monitor");
    }
    Map<String, Integer> versions = new TreeMap<>();
    if (c.versionColumn() != null) {
      Column v = pred.column(c.versionColumn());
      for (int i = 0; i < pred.rowCount(); i++) {
        versions.merge(v.format(i), 1, Integer::sum);
      }
    }
    List<Artifact> sources = List.of(artifact(c.predictions(), "prediction log"), artifact(c.labels(), "label log"));
    return new Joined(pred, pt, scores, label, delay, asOf, lab.rowCount(), late, after, versions, sources);
  }

  private static String where(Table t, int row) {
    // Table.errorAt formats "file:line:column: message"; keep only its location
    String m = t.errorAt(row, t.schema().id().map(ColumnSpec::name).orElse(""), "x").getMessage();
    int k = m.lastIndexOf(": x");
    return k > 0 ? "at " + m.substring(0, k) : "row " + (row + 1);
  }

  /** A file's SHA-256, or for a folder (partitioned Parquet) that of its files' listing. */
  static Artifact artifact(java.nio.file.Path p, String what) {
    if (!Files.isDirectory(p)) {
      return Artifact.of(p, what);
    }
    try (java.util.stream.Stream<java.nio.file.Path> s = Files.walk(p)) {
      List<java.nio.file.Path> files = s.filter(Files::isRegularFile).sorted().toList();
      if (files.isEmpty()) {
        throw new UsageException(p + ": the " + what + " folder has no files");
      }
      return Artifact.ofAll(files, what);
    } catch (java.io.IOException e) {
      throw new UsageException(p + ": cannot list the " + what + " folder: " + e.getMessage(), e);
    }
  }

  private static Table read(java.nio.file.Path path, String format, Schema schema, String what, String param) {
    if (!Files.exists(path)) {
      throw new dev.gauntlet.harness.metric.ParamException(param, "the " + what + " " + path + " does not exist");
    }
    String f = format != null ? format : DataSources.defaultFormat(path);
    return DataSources.load(path, f, schema, schema.delimiter(), Selection.ALL);
  }
}

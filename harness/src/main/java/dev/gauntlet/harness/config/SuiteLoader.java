package dev.gauntlet.harness.config;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.Condition;
import dev.gauntlet.harness.check.Measured;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.DataSource;
import dev.gauntlet.harness.data.DataSources;
import dev.gauntlet.harness.data.ChunkCache;
import dev.gauntlet.harness.data.RowChunks;
import dev.gauntlet.harness.data.StratifiedSample;
import dev.gauntlet.harness.data.FilterException;
import dev.gauntlet.harness.data.Selection;
import dev.gauntlet.harness.model.Artifact;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.performance.PerformanceCheck;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.Suite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Loads a YAML suite (format in the README, "Suite file"): resolves paths against the suite's
 * folder, loads the schema, data and models, and builds every check with its conditions. Every
 * mistake is a {@link UsageException} naming the file, line and column.
 */
public final class SuiteLoader {
  private final Map<String, CheckType> checkTypes = new TreeMap<>();
  private final Map<String, ModelProvider> modelTypes = new TreeMap<>();

  /** A loader with the built-in check and model types and those found by {@link ServiceLoader}. */
  public SuiteLoader() {
    List<dev.gauntlet.harness.metric.MetricDecl> perfMetrics = new ArrayList<>(PerformanceCheck.METRICS.all());
    perfMetrics.addAll(dev.gauntlet.harness.performance.RegressionPerformanceCheck.METRICS.all());
    List<dev.gauntlet.harness.metric.ParamDecl> perfParams = new ArrayList<>(PerformanceCheck.PARAMS);
    perfParams.addAll(dev.gauntlet.harness.performance.RegressionPerformanceCheck.PARAMS);
    register(CheckType.of("performance", "classification: accuracy (Wilson interval), balanced accuracy and AUC; regression (numeric label):"
        + " MAE, RMSE, R-squared, median and quantile absolute error, mean error, with bootstrap intervals; on the evaluation data",
        dev.gauntlet.harness.metric.MetricSet.of(perfMetrics), perfParams, (params, schema) -> {
          if (schema.label().isEmpty()) {
            throw params.error("the performance check needs a label column in the schema");
          }
          if (dev.gauntlet.harness.model.Task.ofLabel(schema.label().get()) == dev.gauntlet.harness.model.Task.REGRESSION) {
            return new dev.gauntlet.harness.performance.RegressionPerformanceCheck(params.integer("minRows", 30), params.dbl("confidence", 0.95),
                params.dbl("quantile", 0.9), params.integer("resamples", 1000));
          }
          for (String k : List.of("quantile", "resamples")) {
            if (params.has(k)) {
              throw params.get(k).error("'" + k + "' applies to a regression suite (a numeric label); " + dev.gauntlet.harness.model.Task.labelShape(schema.label().get()));
            }
          }
          return new PerformanceCheck(params.integer("minRows", 30), params.dbl("confidence", 0.95));
        }));
    for (ModelProvider p : BuiltInModels.all()) {
      modelTypes.put(p.type(), p);
    }
    for (CheckProvider p : ServiceLoader.load(CheckProvider.class)) {
      for (CheckType t : p.types()) {
        register(t);
      }
    }
    for (ModelProvider p : ServiceLoader.load(ModelProvider.class)) {
      modelTypes.put(p.type(), p);
    }
  }

  private dev.gauntlet.harness.history.PromotedModels promoted;

  /** Lets {@code baseline: {from: history}} find the last promoted model of a suite; without it that form is refused. */
  public SuiteLoader withPromotedModels(dev.gauntlet.harness.history.PromotedModels p) {
    this.promoted = p;
    return this;
  }

  private int chunkRows = CHUNK_ROWS;
  private dev.gauntlet.harness.data.RemoteRows remote;

  /**
   * Reads the evaluation data and the reference data through {@code rows} (an engine that reads
   * them where they are, e.g. Spark): this JVM opens no data file and holds only each one's sample
   * (or every kept row when there are at most {@code data.sample.rows}), and a path with any URI
   * scheme goes to that engine as written.
   */
  public SuiteLoader withRemoteRows(dev.gauntlet.harness.data.RemoteRows rows) {
    this.remote = java.util.Objects.requireNonNull(rows, "rows");
    return this;
  }

  /** Streams data in chunks of {@code rows} rows instead of {@link #CHUNK_ROWS} (tests and benchmarks); results do not depend on it. */
  public SuiteLoader withChunkRows(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("chunk rows must be at least 1, not " + rows);
    }
    this.chunkRows = rows;
    return this;
  }

  /** Adds a check type; a second type with the same name is a programming error. */
  public void register(CheckType t) {
    if (checkTypes.putIfAbsent(t.name(), t) != null) {
      throw new IllegalStateException("two check types are named '" + t.name() + "'");
    }
  }

  /** The registered check types by name. */
  public Map<String, CheckType> checkTypes() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(checkTypes));
  }

  /** Loads and validates a suite file. */
  public Suite load(Path file, OptionalLong seedOverride, Consumer<String> progress) {
    Consumer<String> say = progress == null ? s -> {} : progress;
    String text = ConfigNode.readText(file, "suite file");
    ConfigNode root = ConfigNode.parse(file.toString(), text);
    // history and alerts are read by the CLI (module history), not by the run itself
    root.allowOnly("name", "seed", "model", "baseline", "data", "reference", "decision", "gate", "limits", "checks", "history", "alerts");
    Path base = file.toAbsolutePath().getParent();
    String name = root.text("name");
    if (!Suite.isValidName(name)) {
      throw root.get("name").error("suite name '" + name + "' must use letters, digits, '-', '_' and '.' (it names the output folder)");
    }
    long seed = seedOverride.isPresent() ? seedOverride.getAsLong() : root.lng("seed", 42);

    ConfigNode dataNode = root.get("data").allowOnly("path", "schema", "delimiter", "format", "where", "from", "to", "sample");
    Path schemaPath = base.resolve(dataNode.text("schema"));
    Schema fileSchema;
    try {
      fileSchema = SchemaLoader.load(schemaPath);
    } catch (UsageException e) {
      if (e.getMessage().contains("not found")) {
        throw dataNode.get("schema").error(e.getMessage());
      }
      throw e;
    }
    char delimiter = fileSchema.delimiter();
    if (dataNode.has("delimiter")) {
      String d = dataNode.text("delimiter");
      if (d.equals("\\t") || d.equals("tab")) {
        d = "\t";
      }
      if (d.length() != 1) {
        throw dataNode.get("delimiter").error("the delimiter must be one character, got '" + d + "'");
      }
      delimiter = d.charAt(0);
    }
    // The table's schema carries the delimiter the data was read with: an engine that reads the file again (Spark) uses it.
    Schema schema = delimiter == fileSchema.delimiter() ? fileSchema
        : new Schema(fileSchema.name(), delimiter, fileSchema.missing(), fileSchema.columns(), fileSchema.source());
    // Checks and conditions first: a typo in a metric name is exit 2 before any data or model is read.
    List<CheckSpec<?>> checks = new ArrayList<>();
    List<ConfigNode> paramNodes = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    List<ConfigNode> items = root.get("checks").asList();
    if (items.isEmpty()) {
      throw root.get("checks").error("the suite has no checks");
    }
    for (ConfigNode c : items) {
      CheckSpec<?> spec = check(c, schema);
      if (!ids.add(spec.id())) {
        throw c.error("two checks have id '" + spec.id() + "'; ids must be unique");
      }
      checks.add(spec);
      paramNodes.add(c.opt("params").orElse(c));
    }
    java.time.Duration limit = Suite.DEFAULT_CHECK_TIME_LIMIT;
    Optional<ConfigNode> limits = root.opt("limits");
    if (limits.isPresent()) {
      limits.get().allowOnly("checkSeconds");
      long secs = limits.get().lng("checkSeconds", limit.toSeconds());
      if (secs < 1 || secs > 7 * 24 * 3600) {
        throw limits.get().get("checkSeconds").error("checkSeconds must be in [1, 604800] (seconds one check may run on one model), got " + secs);
      }
      limit = java.time.Duration.ofSeconds(secs);
    }

    // Selections are bound before any data is read: a typo in a where expression is exit 2 at once.
    Selection dataSel = selection(dataNode, schema);
    Optional<ConfigNode> refNode = root.opt("reference");
    Selection refSel = null;
    if (refNode.isPresent()) {
      refNode.get().allowOnly("path", "format", "where", "from", "to");
      refSel = selection(refNode.get(), schema);
    }
    int sampleRows = sampleRows(dataNode);
    ChunkCache.Budget cache = new ChunkCache.Budget(cacheBytes(dataNode));
    say.accept("Loading data " + dataNode.text("path") + (dataSel.isAll() ? "" : " (selecting rows)"));
    // One streamed scan first: at most sample.rows kept rows are read whole as before; more are
    // streamed in chunks to the checks that summarise, and a stratified sample goes to the others.
    Rows dataRows = rows("Data", dataNode, base, schema, delimiter, dataSel, sampleRows, seed, cache, say);
    Table data = dataRows.table();
    RowChunks stream = dataRows.stream();
    Table reference = null;
    RowChunks refStream = null;
    if (refNode.isPresent()) {
      say.accept("Loading reference data " + refNode.get().text("path") + (refSel.isAll() ? "" : " (selecting rows)"));
      // The reference likewise: more than sample.rows kept rows are streamed to the checks that
      // summarise, and a stratified sample of them is the reference table for the others; with a
      // remote engine, read and sampled where the rows are, as the evaluation data.
      Rows refRows = rows("Reference data", refNode.get(), base, schema, delimiter, refSel, sampleRows, seed, cache, say);
      reference = refRows.table();
      refStream = refRows.stream();
    }
    // Parameters that depend on the data (e.g. a minimum size above the row count): exit 2 at the parameter.
    for (int i = 0; i < checks.size(); i++) {
      try {
        checks.get(i).check().validateData(data);
      } catch (dev.gauntlet.harness.metric.ParamException e) {
        throw paramNodes.get(i).opt(e.param()).orElse(paramNodes.get(i)).error(e.getMessage());
      }
    }
    say.accept("Loading model");
    ModelUnderTest model = loadModel(root.get("model"), base, schema);
    boolean fromHistory = root.opt("baseline").map(n -> n.isMapping() && n.has("from")).orElse(false);
    ModelUnderTest baseline = fromHistory ? promotedBaseline(root, base, schema, name, say)
        : root.opt("baseline").map(n -> loadModel(n, base, schema)).orElse(null);
    boolean modelDeterministic = root.get("model").bool("deterministic", true);
    boolean baselineDeterministic = root.opt("baseline").map(n -> n.bool("deterministic", true)).orElse(true);

    double threshold = 0.5;
    Optional<ConfigNode> decision = root.opt("decision");
    if (decision.isPresent()) {
      decision.get().allowOnly("threshold");
      threshold = decision.get().dbl("threshold", 0.5);
      if (!(threshold > 0 && threshold < 1)) {
        throw decision.get().get("threshold").error("the decision threshold is a probability strictly between 0 and 1, got " + threshold);
      }
    }
    Gate gate = Gate.standard();
    Optional<ConfigNode> gateNode = root.opt("gate");
    if (gateNode.isPresent()) {
      gateNode.get().allowOnly("failOnWarn", "failOnInconclusive");
      gate = new Gate(gateNode.get().bool("failOnWarn", false), gateNode.get().bool("failOnInconclusive", false));
    }

    try {
      return new Suite(name, seed, model, baseline, data, reference, threshold, gate, checks, text, file.toString(),
          Artifact.of(schemaPath, "schema file"), limit, modelDeterministic, baselineDeterministic, stream, refStream);
    } catch (IllegalArgumentException e) {
      throw root.error(e.getMessage());
    }
  }

  /**
   * {@code baseline: {from: history}}: the candidate model of the suite's last promoted run, loaded
   * with the candidate's model type from the path it had then, after checking that the file still
   * has the SHA-256 recorded. No promoted run yet: no baseline (change conditions are INCONCLUSIVE).
   */
  private ModelUnderTest promotedBaseline(ConfigNode root, Path base, Schema schema, String name, Consumer<String> say) {
    ConfigNode n = root.get("baseline").allowOnly("from", "deterministic");
    if (!n.text("from").equals("history")) {
      throw n.get("from").error("a baseline comes from 'history' (the last promoted run's model) or is a model node with a type; got from: '" + n.text("from") + "'");
    }
    if (promoted == null) {
      throw n.error("baseline: {from: history} needs the run history, which only 'gauntlet audit' reads; give the baseline model here instead");
    }
    java.util.Optional<dev.gauntlet.harness.history.PromotedModels.Promoted> p = promoted.last(name);
    if (p.isEmpty()) {
      say.accept("No promoted run of suite '" + name + "' yet: no baseline (promote a PASSED run with 'gauntlet promote')");
      return null;
    }
    dev.gauntlet.harness.history.PromotedModels.Promoted pm = p.get();
    if (pm.path() == null || pm.sha256() == null) {
      throw n.error("the promoted run #" + pm.runId() + " of suite '" + name + "' has no model file recorded (its model ran from columns of the data), so it cannot be the baseline");
    }
    Path file = Path.of(pm.path());
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw n.error("the model of the promoted run #" + pm.runId() + " was " + file + ", which no longer exists; restore it or give the baseline model here");
    }
    Artifact now = Artifact.of(file, "promoted model");
    if (!now.sha256().equals(pm.sha256())) {
      throw n.error("the model file of the promoted run #" + pm.runId() + " (" + file + ") has changed since that run (SHA-256 " + now.sha256().substring(0, 12)
          + " now, " + pm.sha256().substring(0, 12) + " then); the baseline must be the model that was promoted");
    }
    ConfigNode model = root.get("model");
    String yaml;
    try {
      com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
      yaml = "{type: " + om.writeValueAsString(model.text("type")) + ", path: " + om.writeValueAsString(file.toString()) + ", name: "
          + om.writeValueAsString("promoted run #" + pm.runId()) + "}";
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    say.accept("Baseline: the model of the promoted run #" + pm.runId() + " (" + file + ")");
    try {
      return loadModel(ConfigNode.parse(n.file(), yaml), base, schema);
    } catch (UsageException e) {
      throw n.error("the model of the promoted run #" + pm.runId() + " cannot be loaded as the baseline: " + e.getMessage());
    }
  }

  /** The {@code where}/{@code from}/{@code to} of a data node, bound to the schema; errors at the node, with the offset in the expression. */
  private static Selection selection(ConfigNode node, Schema schema) {
    String where = node.opt("where").map(ConfigNode::asText).orElse(null);
    String from = node.opt("from").map(ConfigNode::asText).orElse(null);
    String to = node.opt("to").map(ConfigNode::asText).orElse(null);
    try {
      return Selection.of(where, from, to, schema);
    } catch (FilterException e) {
      throw node.get("where").error(e.describe());
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      String key = m.startsWith("from: ") ? "from" : "to";
      throw node.get(key).error(m.substring(key.length() + 2));
    }
  }

  /** Rows per chunk when the evaluation data is streamed. */
  public static final int CHUNK_ROWS = 1 << 17;
  /** The default {@code data.sample.rows}: data with at most this many kept rows is read whole, as before. */
  public static final int DEFAULT_SAMPLE_ROWS = 200_000;

  /** Streamed chunks kept in memory within the budget, so the summary passes read the source once when it fits. */
  private static RowChunks cached(RowChunks chunks, ChunkCache.Budget budget) {
    return chunks.chunkRows() == Integer.MAX_VALUE ? chunks : ChunkCache.of(chunks, budget);
  }

  /**
   * {@code data.sample.cacheMB}: how much parsed streamed data (evaluation and reference together)
   * may be kept in memory so the summary passes read it once; default a quarter of the maximum heap.
   */
  private static long cacheBytes(ConfigNode dataNode) {
    long dflt = Runtime.getRuntime().maxMemory() / 4;
    Optional<ConfigNode> n = dataNode.opt("sample");
    if (n.isEmpty() || !n.get().has("cacheMB")) {
      return dflt;
    }
    long mb = n.get().lng("cacheMB", 0);
    if (mb < 0 || mb > 1L << 30) {
      throw n.get().get("cacheMB").error("cacheMB must be in [0, 1073741824] (megabytes of parsed streamed data kept in memory; 0 keeps none), got " + mb);
    }
    return mb << 20;
  }

  private static int sampleRows(ConfigNode dataNode) {
    Optional<ConfigNode> n = dataNode.opt("sample");
    if (n.isEmpty()) {
      return DEFAULT_SAMPLE_ROWS;
    }
    n.get().allowOnly("rows", "cacheMB");
    long rows = n.get().lng("rows", DEFAULT_SAMPLE_ROWS);
    if (rows < 100 || rows > 50_000_000) {
      throw n.get().get("rows").error("sample rows must be in [100, 50000000] (the rows held for checks that run the model on chosen rows), got " + rows);
    }
    return (int) rows;
  }

  private static final java.util.regex.Pattern URI_SCHEME = java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://.*");

  /**
   * The data node's path: a local path resolved against the suite's folder, or a file:// URI. A URI
   * with another scheme is refused: Gauntlet reads the evaluation data on this machine too (for
   * every engine). A file:// URI is kept as written for an engine that reads the data itself (Spark).
   */
  private static Path dataPath(ConfigNode node, Path base) {
    ConfigNode pathNode = node.get("path");
    String text = pathNode.asText();
    java.util.regex.Matcher scheme = URI_SCHEME.matcher(text);
    if (!scheme.matches()) {
      return base.resolve(text);
    }
    if (!scheme.group(1).equalsIgnoreCase("file")) {
      throw pathNode.error("a " + scheme.group(1) + ":// path: Gauntlet reads the evaluation data on this machine too (for every engine),"
          + " which reads local paths and file:// URIs only; copy the data locally or mount it");
    }
    try {
      return Path.of(java.net.URI.create(text));
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw pathNode.error("not a usable file:// URI (" + e.getMessage() + "); write file:///absolute/path");
    }
  }

  private static RowChunks chunks(ConfigNode node, Path base, Schema schema, char delimiter, Selection selection, int rows) {
    Path p = dataPath(node, base);
    return DataSources.chunks(p, format(node, p, delimiter), schema, delimiter, selection, rows);
  }

  private static String format(ConfigNode node, Path p, char delimiter) {
    String format = node.has("format") ? node.text("format") : DataSources.defaultFormat(p);
    if (node.has("format") && !DataSources.readers(delimiter).containsKey(format)) {
      throw node.get("format").error("unknown data format '" + format + "'; known formats: " + String.join(", ", DataSources.readers(delimiter).keySet()));
    }
    return format;
  }

  private static Table loadTable(ConfigNode node, Path base, Schema schema, char delimiter, Selection selection) {
    Path p = dataPath(node, base);
    String format = format(node, p, delimiter);
    Table t = dataErrors(node, () -> DataSources.load(p, format, schema, delimiter, selection));
    String text = node.get("path").asText();
    DataSource src = t.source();
    return URI_SCHEME.matcher(text).matches() && src != null
        ? t.withSource(new DataSource(text, src.format(), src.sha256(), src.bytes(), src.notes(), src.selection(), src.sample())) : t;
  }

  /** The rows of a data or reference node: every kept row, or a sample of them and the rows as a stream (null when held whole). */
  private record Rows(Table table, RowChunks stream) {}

  /**
   * Reads a data or reference node: with the remote engine, where the rows are (the sample drawn
   * there, or every kept row); else streamed in cached chunks, a stratified sample of more than
   * {@code sampleRows} kept rows (telling {@code say}, after {@code what}, how), or the whole table.
   */
  private Rows rows(String what, ConfigNode node, Path base, Schema schema, char delimiter, Selection sel, int sampleRows, long seed,
      ChunkCache.Budget cache, Consumer<String> say) {
    if (remote != null) {
      // The engine reads the rows where they are; this JVM gets the sample it draws there (or the few kept rows).
      Remote r = remote(node, base, schema, sel, sampleRows, seed);
      if (r.stream() != null) {
        say.accept(what + ": " + r.stream().rows() + " rows, more than data.sample.rows " + sampleRows
            + ": summarised where they are; a stratified sample of " + r.table().rowCount() + " rows, drawn there, for the checks that need chosen rows");
      }
      return new Rows(r.table(), r.stream());
    }
    RowChunks chunks = cached(chunks(node, base, schema, delimiter, sel, chunkRows), cache);
    Table sample = chunks.chunkRows() == Integer.MAX_VALUE ? null
        : dataErrors(node, () -> StratifiedSample.draw(chunks, sampleRows, seed));
    if (sample == null) {
      if (chunks instanceof ChunkCache c) {
        c.release(); // held whole: the measuring scan's reservation goes back to the budget for the reference
      }
      return new Rows(loadTable(node, base, schema, delimiter, sel), null);
    }
    say.accept(what + ": " + sample.source().sample().ofRows() + " rows, more than data.sample.rows " + sampleRows
        + ": summarised in chunks of " + chunkRows + "; a stratified sample of " + sample.rowCount() + " rows for the checks that need chosen rows");
    return new Rows(sample, chunks);
  }

  /** Rows a remote engine holds: the table this JVM received (the sample, or every kept row) and, when sampled, the rows as the suite's stream. */
  private record Remote(Table table, dev.gauntlet.harness.data.RemoteRows.Opened stream) {}

  /**
   * Opens a data or reference node's rows with the remote engine (the path as written when it is
   * a URI, else resolved against the suite's folder) and receives the seeded stratified sample it
   * draws there when they keep more than {@code sampleRows} rows, else every kept row.
   */
  private Remote remote(ConfigNode node, Path base, Schema schema, Selection selection, int sampleRows, long seed) {
    String written = node.get("path").asText();
    String where = URI_SCHEME.matcher(written).matches() ? written : base.resolve(written).toString();
    String fmt = node.has("format") ? node.text("format") : null;
    dev.gauntlet.harness.data.RemoteRows.Opened opened = dataErrors(node, () -> remote.open(where, fmt, schema, selection));
    Table sample = dataErrors(node, () -> opened.sample(sampleRows, seed));
    return sample != null ? new Remote(sample, opened) : new Remote(dataErrors(node, opened::collect), null);
  }

  /** Runs a read of the data node, anchoring a missing file or an empty selection at the node's key. */
  private static <T> T dataErrors(ConfigNode node, java.util.function.Supplier<T> read) {
    ConfigNode pathNode = node.get("path");
    try {
      return read.get();
    } catch (UsageException e) {
      if (e.getMessage().contains("data file not found") || e.getMessage().contains("unknown data format")) {
        throw pathNode.error(e.getMessage());
      }
      if (e.getMessage().contains("the selection") && e.getMessage().contains("kept 0 of")) {
        throw node.get(node.has("where") ? "where" : node.has("from") ? "from" : "to").error(e.getMessage());
      }
      throw e;
    }
  }

  /**
   * Loads a model node. {@code deterministic} is a key every model type takes (whether the model
   * gives the same predictions for the same input; read by {@link #load}); it is stripped before
   * the provider reads the rest.
   */
  private ModelUnderTest loadModel(ConfigNode full, Path base, Schema schema) {
    if (full.has("deterministic")) {
      full.get("deterministic").asBoolean();
    }
    ConfigNode node = full.without("deterministic");
    String type = node.text("type");
    ModelProvider p = modelTypes.get(type);
    if (p == null) {
      throw node.get("type").error("unknown model type '" + type + "'; known types: " + String.join(", ", modelTypes.keySet()));
    }
    ModelUnderTest m = p.load(node, base, schema);
    int width = new Encoder(schema).width();
    if (m.inputWidth().isPresent() && m.inputWidth().getAsInt() != width) {
      throw node.error("model '" + m.name() + "' takes inputs of width " + m.inputWidth().getAsInt() + " but schema '" + schema.name()
          + "' encodes its features into " + width + " inputs (" + String.join(", ", new Encoder(schema).names())
          + "); the schema's features and encodings must match what the model was trained on");
    }
    if (schema.label().isPresent() && !m.can(dev.gauntlet.harness.model.Capability.PRECOMPUTED)) {
      try {
        dev.gauntlet.harness.model.Task.requireMatch(m, schema.label().get());
      } catch (UsageException e) {
        throw node.error(e.getMessage());
      }
    }
    if (schema.label().isPresent() && !m.can(dev.gauntlet.harness.model.Capability.PRECOMPUTED)
        && m.task() == dev.gauntlet.harness.model.Task.CLASSIFICATION && schema.label().get().categories().size() != m.classCount()) {
      throw node.error("model '" + m.name() + "' predicts " + m.classCount() + " classes but the label '" + schema.label().get().name()
          + "' has " + schema.label().get().categories().size() + " " + schema.label().get().categories());
    }
    return m;
  }

  private CheckSpec<?> check(ConfigNode c, Schema schema) {
    c.allowOnly("id", "type", "required", "params", "conditions", "defaultConditions");
    String type = c.text("type");
    CheckType t = checkTypes.get(type);
    if (t == null) {
      throw c.get("type").error("unknown check type '" + type + "'; known types: " + String.join(", ", checkTypes.keySet()));
    }
    String id = c.text("id", type);
    ConfigNode params = c.opt("params").orElseGet(c::emptyHere);
    Check<?> check = t.create(params, schema);
    try {
      CheckSpec.requireTask(id, check, schema);
    } catch (IllegalArgumentException e) {
      throw c.get("type").error(e.getMessage());
    }
    List<ConfigNode> condNodes = c.opt("conditions").map(ConfigNode::asList).orElse(List.of());
    if (condNodes.isEmpty()) {
      throw c.error("check '" + id + "' has no conditions; add at least one, e.g. conditions: [{metric: accuracy, atLeast: 0.8}]");
    }
    List<Condition<? super Measured>> conds = new ArrayList<>();
    dev.gauntlet.harness.metric.MetricSet declared = check.metrics() != null ? check.metrics() : t.metrics();
    for (ConfigNode n : condNodes) {
      if (TrendConditions.isTrend(n)) {
        dev.gauntlet.harness.check.TrendCondition tc = TrendConditions.parse(n);
        if (declared != null) {
          try {
            tc.validate(declared, type);
          } catch (IllegalArgumentException e) {
            throw n.get("metric").error(e.getMessage());
          }
          if (tc.subject() != null) {
            try {
              dev.gauntlet.harness.metric.SubjectCheck.against(tc.subject(), schema);
            } catch (IllegalArgumentException e) {
              throw n.get("subject").error(e.getMessage());
            }
          }
        }
        conds.add(tc);
        continue;
      }
      MetricCondition mc = condition(n);
      if (declared != null) {
        try {
          declared.validate(mc.metric(), null, type);
        } catch (IllegalArgumentException e) {
          throw n.get("metric").error(e.getMessage() + taskHint(t, declared, mc.metric(), schema));
        }
        try {
          mc.validate(declared, type);
          if (mc.subject() != null) {
            dev.gauntlet.harness.metric.SubjectCheck.against(mc.subject(), schema);
          }
        } catch (IllegalArgumentException e) {
          throw n.opt("subject").orElse(n).error(e.getMessage());
        }
      }
      conds.add(mc);
    }
    if (c.bool("defaultConditions", true)) {
      conds = withDefaults(check, conds);
    }
    try {
      return spec(id, check, conds, c.bool("required", true));
    } catch (IllegalArgumentException e) {
      throw c.error(e.getMessage());
    }
  }

  /** Why a metric the type publishes is not measured here: it belongs to the other task. */
  private static String taskHint(CheckType t, dev.gauntlet.harness.metric.MetricSet declared, String metric, Schema schema) {
    if (t.metrics() == null || t.metrics().find(metric).isEmpty() || declared.find(metric).isPresent() || schema.label().isEmpty()) {
      return "";
    }
    dev.gauntlet.harness.model.Task task = dev.gauntlet.harness.model.Task.ofLabel(schema.label().get());
    return " '" + metric + "' is measured in a " + (task == dev.gauntlet.harness.model.Task.REGRESSION ? "classification" : "regression")
        + " suite; this is a " + task.text() + " suite: " + dev.gauntlet.harness.model.Task.labelShape(schema.label().get()) + ".";
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Condition<? super Measured>> withDefaults(Check<?> check, List<Condition<? super Measured>> conds) {
    return (List) CheckSpec.withDefaults((Check) check, (List) conds);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static CheckSpec<?> spec(String id, Check<?> check, List<Condition<? super Measured>> conds, boolean required) {
    return new CheckSpec(id, check, conds, required);
  }

  /** Parses one generic metric condition. */
  public static MetricCondition condition(ConfigNode n) {
    n.allowOnly("metric", "subject", "atLeast", "atMost", "between", "maxDrop", "maxRise", "warn", "interval");
    String metric = n.text("metric");
    List<String> kinds = new ArrayList<>();
    for (String k : List.of("atLeast", "atMost", "between", "maxDrop", "maxRise")) {
      if (n.has(k)) {
        kinds.add(k);
      }
    }
    if (kinds.size() != 1) {
      throw n.error("a condition needs exactly one of atLeast, atMost, between, maxDrop, maxRise; found " + (kinds.isEmpty() ? "none" : kinds));
    }
    String kind = kinds.get(0);
    MetricCondition mc;
    try {
      mc = switch (kind) {
        case "atLeast" -> MetricCondition.atLeast(metric, n.get(kind).asDouble());
        case "atMost" -> MetricCondition.atMost(metric, n.get(kind).asDouble());
        case "maxDrop" -> MetricCondition.maxDrop(metric, n.get(kind).asDouble());
        case "maxRise" -> MetricCondition.maxRise(metric, n.get(kind).asDouble());
        default -> {
          double[] band = n.doubles("between");
          if (band.length != 2) {
            throw n.get("between").error("between takes [lower, upper]");
          }
          yield MetricCondition.between(metric, band[0], band[1]);
        }
      };
      if (n.has("warn")) {
        if (kind.equals("between")) {
          double[] w = n.doubles("warn");
          if (w.length != 2) {
            throw n.get("warn").error("for a band, warn takes [lower, upper] inside the band");
          }
          mc = mc.warnBetween(w[0], w[1]);
        } else {
          mc = mc.warnAt(n.get("warn").asDouble());
        }
      }
    } catch (IllegalArgumentException e) {
      throw n.error(e.getMessage());
    }
    if (n.has("subject")) {
      try {
        mc = mc.forSubject(n.text("subject"));
      } catch (IllegalArgumentException e) {
        throw n.get("subject").error(e.getMessage());
      }
    }
    if (n.has("interval")) {
      String r = n.text("interval");
      mc = switch (r) {
        case "point" -> mc.using(MetricCondition.IntervalRule.POINT);
        case "whole" -> mc.using(MetricCondition.IntervalRule.WHOLE_INTERVAL);
        default -> throw n.get("interval").error("interval must be 'point' (judge the estimate) or 'whole' (the whole confidence interval), got '" + r + "'");
      };
    }
    return mc;
  }
}

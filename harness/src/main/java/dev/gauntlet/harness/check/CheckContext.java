package dev.gauntlet.harness.check;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.Models;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.model.Task;
import dev.gauntlet.harness.summary.InProcessEngine;
import dev.gauntlet.harness.summary.SummaryEngine;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * What a check runs against: the model (candidate or baseline), the evaluation data, optional
 * reference data, the encoder, and a seed derived from the suite seed and the check id, so that
 * adding or removing a check does not change another's random choices.
 */
public final class CheckContext {
  private final ModelUnderTest model;
  private final boolean baseline;
  private final Table data;
  private final Table reference;
  private final Encoder encoder;
  private final long seed;
  private final double threshold;
  private final Consumer<String> progress;
  private final Path outputDir;
  private final Map<Table, double[][]> encoded;
  private final Map<Table, Predictions> predictions;
  private final SummaryEngine engine;
  private final dev.gauntlet.harness.data.RowChunks stream;
  private final dev.gauntlet.harness.data.RowChunks referenceStream;
  private final long referenceRows;

  /**
   * @param threshold the decision threshold on the positive class's probability (binary models)
   * @param outputDir where checks may export files (e.g. adversarial examples), or null
   * @param cache shared caches of encodings and predictions, keyed by table identity; pass a new
   *     {@link Cache} per model
   */
  public CheckContext(ModelUnderTest model, boolean baseline, Table data, Table reference, long seed, double threshold,
      Consumer<String> progress, Path outputDir, Cache cache) {
    this.model = Objects.requireNonNull(model, "model");
    this.baseline = baseline;
    this.data = Objects.requireNonNull(data, "data");
    this.reference = reference;
    this.encoder = new Encoder(data.schema());
    this.seed = seed;
    this.threshold = threshold;
    this.progress = progress == null ? s -> {} : progress;
    this.outputDir = outputDir;
    this.encoded = cache.encoded;
    this.predictions = cache.predictions;
    this.engine = InProcessEngine.defaults();
    this.stream = null;
    this.referenceStream = null;
    this.referenceRows = -1;
  }

  private CheckContext(CheckContext c, SummaryEngine engine, dev.gauntlet.harness.data.RowChunks stream) {
    this(c, engine, stream, c.referenceStream, c.referenceRows);
  }

  private CheckContext(CheckContext c, SummaryEngine engine, dev.gauntlet.harness.data.RowChunks stream,
      dev.gauntlet.harness.data.RowChunks referenceStream, long referenceRows) {
    this.model = c.model;
    this.baseline = c.baseline;
    this.data = c.data;
    this.reference = c.reference;
    this.encoder = c.encoder;
    this.seed = c.seed;
    this.threshold = c.threshold;
    this.progress = c.progress;
    this.outputDir = c.outputDir;
    this.encoded = c.encoded;
    this.predictions = c.predictions;
    this.engine = Objects.requireNonNull(engine, "engine");
    this.stream = stream;
    this.referenceStream = referenceStream;
    this.referenceRows = referenceRows;
  }

  /** This context with another summary engine (the same model, data, seed and caches), told which model it summarises for. */
  public CheckContext withEngine(SummaryEngine engine) {
    return new CheckContext(this, engine.forModel(model), stream);
  }

  /**
   * This context for a check that reads the evaluation rows only through {@link #summarizeData}:
   * those summaries stream every kept row of {@code rows} in chunks, while {@link #data()} is the
   * suite's sample (see {@link Check#streams()}).
   */
  public CheckContext withStream(dev.gauntlet.harness.data.RowChunks rows) {
    return new CheckContext(this, engine, Objects.requireNonNull(rows, "rows"));
  }

  /**
   * Whether the evaluation rows are streamed: then {@link #data()} is a sample and only {@link
   * #summarizeData} sees every row.
   */
  public boolean streamed() {
    return stream != null;
  }

  /**
   * The merged summary of every evaluation row: of {@link #data()} by the engine when the rows are
   * held, else of the streamed chunks, each scored by the model (when {@code withPredictions}) and
   * dropped. The same summary either way.
   */
  public <S extends dev.gauntlet.harness.summary.Summary<S>> S summarizeData(boolean withPredictions,
      dev.gauntlet.harness.summary.Summarizer<S> summarizer) {
    if (stream == null) {
      return engine.summarize(data, withPredictions ? predictions(data) : null, summarizer);
    }
    return engine.summarize(stream, withPredictions ? t -> compute(t, false) : null, summarizer); // chunks are not cached
  }

  /**
   * This context for a check that reads the reference rows only through {@link #summarizeReference}:
   * those summaries stream every one of the {@code rows} kept reference rows in chunks, while
   * {@link #reference()} is a sample of them.
   */
  public CheckContext withReferenceStream(dev.gauntlet.harness.data.RowChunks chunks, long rows) {
    if (reference == null) {
      throw new IllegalStateException("a reference stream without reference data");
    }
    if (rows < 1) {
      throw new IllegalArgumentException("a streamed reference has at least one row, not " + rows);
    }
    return new CheckContext(this, engine, stream, Objects.requireNonNull(chunks, "chunks"), rows);
  }

  /** The number of kept reference rows when they are streamed (then {@link #reference()} is a sample), else -1. */
  public long streamedReferenceRows() {
    return referenceStream == null ? -1 : referenceRows;
  }

  /**
   * The merged summary of every reference row: of {@link #reference()} by the engine when the rows
   * are held, else of the streamed chunks, each scored by the model (when {@code withPredictions}).
   * The same summary either way.
   *
   * @throws IllegalStateException when the suite gives no reference data
   */
  public <S extends dev.gauntlet.harness.summary.Summary<S>> S summarizeReference(boolean withPredictions,
      dev.gauntlet.harness.summary.Summarizer<S> summarizer) {
    if (reference == null) {
      throw new IllegalStateException("the suite gives no reference data");
    }
    if (referenceStream == null) {
      return engine.summarize(reference, withPredictions ? predictions(reference) : null, summarizer);
    }
    return engine.summarize(referenceStream, withPredictions ? t -> compute(t, false) : null, summarizer);
  }

  /**
   * The engine that summarises the rows for checks computed from mergeable summaries: by default
   * {@link InProcessEngine#defaults()}. Every engine gives the same summaries.
   */
  public SummaryEngine engine() {
    return engine;
  }

  /** Per-model caches shared by the checks of one run. */
  public static final class Cache {
    final Map<Table, double[][]> encoded = new IdentityHashMap<>();
    final Map<Table, Predictions> predictions = new IdentityHashMap<>();
  }

  public ModelUnderTest model() {
    return model;
  }

  /** Whether this run is for the baseline model rather than the candidate. */
  public boolean isBaseline() {
    return baseline;
  }

  /** The evaluation data. */
  public Table data() {
    return data;
  }

  /** Reference data (training or an earlier period), when the suite gives it. */
  public Optional<Table> reference() {
    return Optional.ofNullable(reference);
  }

  public Schema schema() {
    return data.schema();
  }

  public Encoder encoder() {
    return encoder;
  }

  /** This check's seed. */
  public long seed() {
    return seed;
  }

  /** A fresh generator from this check's seed: the same sequence on every call. */
  public SplittableRandom random() {
    return new SplittableRandom(seed);
  }

  /** The decision threshold on the positive class's probability. */
  public double threshold() {
    return threshold;
  }

  /** Reports progress on a long step (shown on the console). */
  public void progress(String message) {
    progress.accept(message);
  }

  public Optional<Path> outputDir() {
    return Optional.ofNullable(outputDir);
  }

  /** The label column; a {@link UsageException} when the schema has none. */
  public ColumnSpec label() {
    return schema().label().orElseThrow(() -> new UsageException(
        "schema '" + schema().name() + "' has no label column; this check compares predictions with labels"));
  }

  /** The encoded features of a table (cached per table). */
  public synchronized double[][] encode(Table t) {
    return encoded.computeIfAbsent(t, encoder::encode);
  }

  /**
   * The model's predictions for a table (cached per table): precomputed columns for a precomputed
   * model, otherwise the model run on the encoded features, in batches.
   */
  public synchronized Predictions predictions(Table t) {
    Predictions p = predictions.get(t);
    if (p == null) {
      p = compute(t, true);
      predictions.put(t, p);
    }
    return p;
  }

  private Predictions compute(Table t, boolean cache) {
    if (model.precomputed().isPresent()) {
      return model.precomputed().get().predictionsFor(t);
    }
    if (!model.can(Capability.PREDICT)) {
      throw new UsageException("model '" + model.name() + "' can neither be run nor has precomputed predictions");
    }
    double[][] x = cache ? encode(t) : encoder.encode(t);
    int width = encoder.width();
    if (model.inputWidth().isPresent() && model.inputWidth().getAsInt() != width) {
      throw new UsageException("model '" + model.name() + "' takes inputs of width " + model.inputWidth().getAsInt()
          + " but schema '" + schema().name() + "' encodes its features into " + width + " inputs (" + String.join(", ", encoder.names())
          + "); the schema's features and encodings must match what the model was trained on");
    }
    if (schema().label().isPresent()) {
      Task.requireMatch(model, label());
    }
    if (model.task() == Task.REGRESSION) {
      double[] v = valuesBatched(x);
      for (int i = 0; i < v.length; i++) {
        if (!Double.isFinite(v[i])) {
          String at = schema().label().map(ColumnSpec::name).orElse("");
          throw t.errorAt(i, at, "model '" + model.name() + "' predicted " + v[i] + " for row " + i
              + " of the data; a regression model must return a finite number for every row (check the input's encoding and the model's weights)");
        }
      }
      return Predictions.ofValues(model.name(), v);
    }
    double[][] p = predictBatched(x);
    int classes = schema().label().map(l -> l.categories().size()).orElse(model.classCount());
    if (classes != model.classCount()) {
      throw new UsageException("model '" + model.name() + "' predicts " + model.classCount() + " classes but the label '"
          + label().name() + "' has " + classes + " (" + label().categories() + ")");
    }
    int positive = schema().label().map(ColumnSpec::positiveIndex).orElse(1);
    return Predictions.fromProbabilities(p, positive, threshold);
  }

  /**
   * Runs a regression model on encoded rows in batches of 4,096: one finite number per row (a NaN
   * or infinity is a {@link UsageException} naming the model and the row).
   */
  public double[] predictValuesBatched(double[][] x) {
    double[] out = valuesBatched(x);
    Models.checkValues(model.name(), out, x.length);
    return out;
  }

  /** The model's values in batches, the length of each batch checked, finiteness not. */
  private double[] valuesBatched(double[][] x) {
    int batch = 4096;
    double[] out = new double[x.length];
    for (int start = 0; start < x.length; start += batch) {
      int end = Math.min(x.length, start + batch);
      double[][] chunk = java.util.Arrays.copyOfRange(x, start, end);
      double[] v = model.predictValues(chunk);
      if (v == null || v.length != chunk.length) {
        throw new UsageException("model '" + model.name() + "' returned " + (v == null ? "nothing" : v.length + " values") + " for "
            + chunk.length + " inputs; a regression model returns one number per row");
      }
      System.arraycopy(v, 0, out, start, v.length);
    }
    return out;
  }

  /** The suite's task (from the label column); classification when the schema has no label. */
  public Task task() {
    return Task.of(schema()).orElse(Task.CLASSIFICATION);
  }

  /** Runs the model on encoded rows in batches of 4,096. */
  public double[][] predictBatched(double[][] x) {
    int batch = 4096;
    double[][] out = new double[x.length][];
    for (int start = 0; start < x.length; start += batch) {
      int end = Math.min(x.length, start + batch);
      double[][] chunk = java.util.Arrays.copyOfRange(x, start, end);
      double[][] p = model.predict(chunk);
      Models.checkProbabilities(model.name(), p, chunk.length, model.classCount());
      System.arraycopy(p, 0, out, start, p.length);
    }
    return out;
  }
}

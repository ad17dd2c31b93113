package dev.gauntlet.spark;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.DataSource;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.RowChunks;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Selection;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.Models;
import dev.gauntlet.harness.model.PrecomputedModel;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.summary.InProcessEngine;
import dev.gauntlet.harness.summary.Partition;
import dev.gauntlet.harness.summary.ShippableSummarizer;
import dev.gauntlet.harness.summary.UnshippableSummarizerException;
import dev.gauntlet.harness.summary.Summarizer;
import dev.gauntlet.harness.summary.Summary;
import dev.gauntlet.harness.summary.SummaryEngine;
import dev.gauntlet.models.ShippedModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The summary engine on Spark: the evaluation data is read by Spark ({@link SparkData}: CSV by
 * lines or, when a quoted field spans lines, streamed by one task; Parquet typed and rendered
 * exactly), each Spark partition becomes a local {@link Table} through the harness's own {@link
 * dev.gauntlet.harness.data.TableBuilder} (the same schema validation and the same row selection as
 * the in-process reader) once per run (persisted in the executors' memory and reused by every
 * summary), the model's predictions are made there, and the check's own {@link Summarizer}
 * summarises each partition; the summaries travel back as bytes ({@link Summary#encode}, read by
 * the summary type's {@code decode}) to be merged on the driver. Summaries merge exactly, so the
 * result is bit for bit the in-process engine's.
 *
 * <p>Predictions on the executors: a precomputed model reads its columns of the partition's table;
 * an ONNX or DL4J model is shipped once per executor as a broadcast of its file's bytes and their
 * SHA-256 ({@link ShippedModel}), verified and loaded on the executor through the same inert
 * loaders as on the driver, and run on the partition's encoded rows in batches of 4,096. An ONNX
 * model is loaded for prediction only, so an executor scoring it does not load ND4J.
 *
 * <p>What runs where:
 * <ul>
 *   <li>The summaries of the evaluation data ({@code performance}, {@code fairness.slices},
 *       {@code drift.temporal}, {@code drift.features}) run on the executors, over every kept row;
 *       so do those of the suite's reference data when Spark read it too (the suite loaded with
 *       the provider's rows: {@code drift.temporal} and {@code drift.features} against
 *       {@code reference: table}).
 *   <li>The driver holds the seeded stratified sample drawn on the executors (or, for data that
 *       keeps at most the sample size, every kept row, collected from them), and the same of the
 *       reference: the checks that need chosen rows (or that do not stream, such as row-count
 *       windows) run on these, as in-process with streamed data.
 *   <li>Anything else (a sample, a derived table, a reference Spark did not read, a model that
 *       cannot be shipped, such as one built in code or a Keras file) is summarised in-process on
 *       the driver; {@link #describe} counts these.
 *   <li>Everything an executor needs travels with its task, so executors may be other JVMs (a
 *       cluster, or {@code local-cluster}): the check's summariser as Java-serialised bytes (it must
 *       be a {@link ShippableSummarizer}; any other is refused, {@link UnshippableSummarizerException},
 *       which stops the run naming the check), the schema and the selection's text for the tables,
 *       the schema and a precomputed model's column names for the predictions, a shipped model's
 *       broadcast. The summaries come back as bytes.
 * </ul>
 */
public final class SparkEngine implements SummaryEngine, AutoCloseable {
  /** Rows this JVM scored as an executor (tests: local mode runs the executors in the driver's JVM). */
  static final AtomicLong SCORED_ROWS = new AtomicLong();
  /** Rows of evaluation data this JVM has received as a driver from Spark (the sample, or the few kept rows; diagnostics and benchmarks). */
  public static long rowsToDriver() {
    return SparkData.ROWS_TO_DRIVER.get();
  }

  /** Rows per model call on an executor: the driver's batch size. */
  static final int BATCH = 4096;

  private final Shared sh;
  /** Which model's predictions this view summarises (null: the base engine, no model). */
  private final ModelUnderTest model;
  private Scoring scoring;
  /** This view's model's predictions on the rows of each {@link Held} (made on first use; the data's by {@link #prepare}). */
  private final Map<Held, JavaRDD<Scored>> scored = new IdentityHashMap<>();
  /** The decision threshold this view's model was prepared at (NaN before {@link #prepare}). */
  private volatile double threshold = Double.NaN;
  private volatile boolean prepared;

  /**
   * Rows Spark holds for the suite (the evaluation data, or the reference data) and what stands for
   * them in the checks' calls on the driver: {@code bound}, a table of every kept row (data no
   * bigger than its sample), or {@code stream}, the suite's stream (data bigger than its sample).
   */
  private static final class Held {
    final SparkData rows;
    /** The driver's table that stands for the rows Spark holds, or null. */
    final Table bound;
    /** The suite's stream that stands for the rows Spark holds, or null. */
    final RowChunks stream;
    /** A table of no rows of the data's schema (the identity of a summary's merge). */
    final Table empty;

    Held(SparkData rows, Table bound, RowChunks stream) {
      this.rows = Objects.requireNonNull(rows, "rows");
      this.bound = bound;
      this.stream = stream;
      this.empty = rows.empty();
    }
  }

  /** What the views of one engine (one per model) share: the session, the data (and reference) Spark holds, the counters. */
  private static final class Shared {
    final SparkSession spark;
    final boolean ownsSession;
    /** The evaluation rows. */
    final Held data;
    /** The reference rows, when Spark holds them too (else null: a reference is summarised on the driver). */
    final Held reference;
    final AtomicInteger onSpark = new AtomicInteger();
    final AtomicInteger onDriver = new AtomicInteger();
    final Map<ModelUnderTest, SparkEngine> views = new IdentityHashMap<>();
    final List<JavaRDD<?>> persisted = new ArrayList<>();
    final List<Broadcast<?>> broadcasts = new ArrayList<>();
    volatile int lastPartitions = -1;
    ShippedModel tampered; // tests only: the bytes shipped instead of the model's

    Shared(SparkSession spark, boolean ownsSession, Held data, Held reference) {
      this.spark = spark;
      this.ownsSession = ownsSession;
      this.data = data;
      this.reference = reference;
    }

    /** The rows Spark holds that {@code t} stands for, or null. */
    Held bound(Table t) {
      return t == null ? null : t == data.bound ? data : reference != null && t == reference.bound ? reference : null;
    }

    /** The rows Spark holds that {@code s} stands for, or null. */
    Held streamed(RowChunks s) {
      return s == null ? null : s == data.stream ? data : reference != null && s == reference.stream ? reference : null;
    }
  }

  /** How an executor gets a partition's predictions. */
  private sealed interface Scoring permits Precomputed, Shipped {}

  /** From the data's own columns. */
  private record Precomputed(PrecomputedModel model) implements Scoring {}

  /** From a model shipped as broadcast bytes (the encoded {@link ShippedModel}). */
  private record Shipped(String name, String sha256, Broadcast<byte[]> bytes, double threshold) implements Scoring, java.io.Serializable {}

  /** A partition's table with the model's predictions for it (null predictions: none asked for); serialisable, as a cached block may be read by another executor. */
  record Scored(Table table, Predictions predictions) implements java.io.Serializable {}


  /** What an executor needs to score a partition besides the shipped bytes: the schema's encoding, a precomputed model's columns. */
  record ScoreJob(Schema schema, PrecomputedModel precomputed) implements java.io.Serializable {}

  /**
   * An engine over the rows of {@code data}'s source as Spark reads them again (the driver's table
   * is the in-process reading of the same rows; Spark must keep as many).
   *
   * @param spark the session (closed by {@link #close} when {@code ownsSession})
   * @param data the evaluation table as the driver read it: its source (path, format, selection)
   *     is read again by Spark, and summaries of this table go to Spark
   * @param model the candidate model: the base engine summarises without predictions; the engine
   *     {@link #forModel} gives for a model makes that model's predictions on the executors
   * @param partitions the Spark partitions of the data ({@code 0}: as Spark reads it)
   */
  public SparkEngine(SparkSession spark, boolean ownsSession, Table data, ModelUnderTest model, int partitions) {
    this(spark, ownsSession, open(spark, Objects.requireNonNull(data, "data"), partitions), data, null, model);
    if (sh.data.rows.rows() != data.rowCount()) {
      long n = sh.data.rows.rows();
      sh.data.rows.close();
      throw new UsageException(sh.data.rows.name() + ": Spark kept " + n + " rows but the driver read " + data.rowCount()
          + "; did the data change between the two reads? (if not, the readers disagree: a bug to report)");
    }
  }

  /**
   * An engine over rows Spark holds: {@code bound} (a table of every kept row) or {@code stream}
   * (the suite's stream when the data is bigger than its sample) stands for them in the checks'
   * calls; summaries of anything else run on the driver.
   */
  SparkEngine(SparkSession spark, boolean ownsSession, SparkData rows, Table bound, RowChunks stream, ModelUnderTest model) {
    this(spark, ownsSession, rows, bound, stream, null, null, null, model);
  }

  /**
   * As {@link #SparkEngine(SparkSession, boolean, SparkData, Table, RowChunks, ModelUnderTest)},
   * with the reference rows Spark holds too ({@code refRows}, null for none): {@code refBound} (every
   * kept reference row) or {@code refStream} (the suite's reference stream) stands for them, and
   * their summaries run on the executors like the data's.
   */
  SparkEngine(SparkSession spark, boolean ownsSession, SparkData rows, Table bound, RowChunks stream, SparkData refRows, Table refBound,
      RowChunks refStream, ModelUnderTest model) {
    Objects.requireNonNull(spark, "spark");
    this.sh = new Shared(spark, ownsSession, new Held(rows, bound, stream), refRows == null ? null : new Held(refRows, refBound, refStream));
    this.model = null;
    if (model != null) {
      forModel(model);
    }
  }

  /** Spark's reading of the source of a table the driver read. */
  static SparkData open(SparkSession spark, Table data, int partitions) {
    DataSource src = data.source();
    if (src == null || src.path() == null) {
      throw new UsageException("the Spark engine reads the evaluation data from its file, but this table has no source file");
    }
    if (partitions < 0) {
      throw new IllegalArgumentException("partitions must be 0 (as read) or more, not " + partitions);
    }
    Selection.Summary sel = src.selection();
    Selection selection = sel == null ? Selection.ALL : Selection.of(sel.where(), sel.from(), sel.to(), data.schema());
    return SparkData.open(spark, src.path(), src.format() == null ? "csv" : src.format(), data.schema(), selection, partitions);
  }

  private SparkEngine(Shared sh, ModelUnderTest model) {
    this.sh = sh;
    this.model = model;
  }

  @Override
  public SparkEngine forModel(ModelUnderTest m) {
    if (m == null) {
      return this;
    }
    synchronized (sh) {
      return sh.views.computeIfAbsent(m, k -> new SparkEngine(sh, k));
    }
  }

  /** Tests: ship these bytes instead of the model's (e.g. with a wrong digest), to exercise an executor that cannot load the model. */
  SparkEngine shipInstead(ShippedModel bytes) {
    sh.tampered = bytes;
    return this;
  }

  /** The path as Spark reads it: a URI with a scheme (file://, hdfs://, s3a://) untouched, a local path absolute. */
  static String sparkPath(String path) {
    if (path.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      return path;
    }
    return Path.of(path).toAbsolutePath().toString();
  }

  /** How this view's model is scored on the executors, or null when it cannot be (then its summaries run on the driver). */
  private Scoring scoring(double threshold) {
    synchronized (sh) {
      if (scoring == null && model != null) {
        if (model.precomputed().isPresent()) {
          scoring = new Precomputed(model.precomputed().get());
        } else {
          ShippedModel m = sh.tampered != null ? sh.tampered : ShippedModel.of(model).orElse(null);
          if (m != null) {
            Broadcast<byte[]> b = JavaSparkContext.fromSparkContext(sh.spark.sparkContext()).broadcast(m.encode());
            sh.broadcasts.add(b);
            scoring = new Shipped(m.name(), m.sha256(), b, threshold);
          }
        }
      }
      return scoring;
    }
  }

  /** The persisted tables of {@code h} with this view's predictions. */
  private JavaRDD<Scored> scored(Held h, Scoring s) {
    synchronized (sh) {
      JavaRDD<Scored> r = scored.get(h);
      if (r == null) {
        Shipped shipped = s instanceof Shipped x ? x : null;
        ScoreJob job = new ScoreJob(h.rows.schema(), s instanceof Precomputed p ? p.model() : null);
        r = h.rows.tables().mapPartitions(new Score(job, shipped), true).persist(StorageLevel.MEMORY_ONLY());
        sh.persisted.add(r);
        scored.put(h, r);
      }
      return r;
    }
  }

  @Override
  public <S extends Summary<S>> S summarize(Table data, Predictions predictions, Summarizer<S> summarizer) {
    Scoring s = predictions == null ? null : scoring(predictions.threshold());
    // A shipped model decides at the threshold it was shipped with: other predictions of it are summarised on the driver.
    // (NaN: more than two classes, decided by the most probable class whatever the threshold.)
    boolean same = !(s instanceof Shipped x) || Double.compare(x.threshold(), predictions.threshold()) == 0 || Double.isNaN(predictions.threshold());
    Held h = sh.bound(data);
    if (h == null || (predictions != null && (s == null || !same))) {
      sh.onDriver.incrementAndGet();
      return InProcessEngine.defaults().summarize(data, predictions, summarizer);
    }
    int[] none = new int[0];
    return onSpark(h, predictions == null ? null : s, predictions == null ? null : predictions.select(none), summarizer);
  }

  /**
   * The suite's stream of the evaluation or the reference data (bigger than its sample): summarised
   * where Spark holds the rows, the model's predictions made there; a model that cannot be scored
   * there brings the partitions through the driver one at a time (the default streaming summary).
   */
  @Override
  public <S extends Summary<S>> S summarize(RowChunks rows, java.util.function.Function<Table, Predictions> predict, Summarizer<S> summarizer) {
    Held h = sh.streamed(rows);
    if (h == null) {
      return SummaryEngine.super.summarize(rows, predict, summarizer);
    }
    if (predict == null) {
      return onSpark(h, null, null, summarizer);
    }
    Scoring s = !prepared && !(model != null && model.precomputed().isPresent()) ? null : scoring(threshold);
    if (s == null) {
      sh.onDriver.incrementAndGet();
      return SummaryEngine.super.summarize(h.rows, predict, summarizer);
    }
    Predictions none = s instanceof Precomputed p ? p.model().predictionsFor(h.empty)
        : Predictions.fromProbabilities(new double[0][], h.rows.schema().label().map(ColumnSpec::positiveIndex).orElse(1), threshold);
    return onSpark(h, s, none, summarizer);
  }

  /** The summary of every row of {@code h} Spark holds, with this view's predictions when {@code s} is not null. */
  private <S extends Summary<S>> S onSpark(Held h, Scoring s, Predictions emptyPredictions, Summarizer<S> summarizer) {
    // The identity of merge, and through its class the decoder of the executors' bytes.
    S empty = summarizer.summarize(Partition.of(h.empty, emptyPredictions));
    Method decode = decoder(empty.getClass());
    byte[] shipped = ship(summarizer);
    List<byte[]> parts;
    try {
      JavaRDD<Scored> in = s == null ? h.rows.tables().map(t -> new Scored(t, null)) : scored(h, s);
      parts = in.mapPartitions(new SummarizePartition(shipped, allowed(summarizer)), false).collect();
    } catch (UsageException e) {
      throw e;
    } catch (Exception e) { // SparkException is checked, though Scala does not declare it
      throw unwrap(h, e);
    }
    sh.onSpark.incrementAndGet();
    if (h == sh.data) {
      sh.lastPartitions = parts.size();
    }
    S total = empty;
    long kept = 0;
    for (byte[] b : parts) {
      try {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        kept += in.readLong();
        @SuppressWarnings("unchecked")
        S x = (S) decode.invoke(null, (DataInput) in);
        total = total.merge(x);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot decode a " + empty.getClass().getSimpleName() + " from an executor", e);
      }
    }
    if (kept != h.rows.rows()) {
      throw new UsageException(h.rows.name() + ": Spark summarised " + kept + " rows but validated " + h.rows.rows() + " (a bug to report)");
    }
    return total;
  }

  /**
   * The summariser as the bytes its tasks carry (Java serialisation), or an {@link
   * UnshippableSummarizerException} naming its class and what does not serialise.
   */
  static byte[] ship(Summarizer<?> summarizer) {
    if (!(summarizer instanceof ShippableSummarizer)) {
      throw new UnshippableSummarizerException("its summariser (" + summarizer.getClass().getName() + ") is not a ShippableSummarizer,"
          + " so the Spark engine cannot send it to the executors; summarise with the in-process engine (no --engine spark),"
          + " or make the check's summariser a ShippableSummarizer that captures only serialisable values", null);
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(buf)) {
      out.writeObject(summarizer);
    } catch (IOException e) {
      throw new UnshippableSummarizerException("its summariser (" + summarizer.getClass().getName() + ") cannot be sent to the Spark executors:"
          + " it captures a value that does not serialise (" + e + "); a ShippableSummarizer must capture only serialisable values", e);
    }
    return buf.toByteArray();
  }

  /**
   * What an executor accepts in a shipped summariser: Gauntlet's classes, the JDK's ({@code
   * java.base}) and those of the summariser's own package (a check written outside Gauntlet),
   * nothing else.
   */
  static String allowed(Summarizer<?> summarizer) {
    String pkg = summarizer.getClass().getPackageName();
    return "maxdepth=64;dev.gauntlet.**;java.base/*;" + (pkg.isEmpty() || pkg.startsWith("dev.gauntlet.") ? "" : pkg + ".*;") + "!*";
  }

  /** On an executor: the summariser from its bytes, read through the {@code allowed} filter, its classes resolved by the task's class loader (the application's jar). */
  static Summarizer<?> unship(byte[] bytes, String allowed) throws IOException {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      protected Class<?> resolveClass(ObjectStreamClass d) throws IOException, ClassNotFoundException {
        try {
          return Class.forName(d.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          return super.resolveClass(d);
        }
      }
    }) {
      in.setObjectInputFilter(ObjectInputFilter.Config.createFilter(allowed));
      return (Summarizer<?>) in.readObject();
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(executorName() + " lacks a class of the shipped summariser (" + e.getMessage()
          + "): the executors need Gauntlet's jar (spark-submit gauntlet-spark.jar, or spark.jars)", e);
    }
  }

  private static Method decoder(Class<?> type) {
    try {
      Method m = type.getDeclaredMethod("decode", DataInput.class);
      m.setAccessible(true);
      return m;
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(type.getName() + " has no static decode(DataInput), which every Summary must have", e);
    }
  }

  /** A UsageException thrown on an executor, or the Spark failure as one naming the data of {@code h}. */
  private static RuntimeException unwrap(Held h, Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UsageException u) {
        return new UsageException(u.getMessage(), e);
      }
    }
    String m = firstLine(e);
    int at = m.indexOf("dev.gauntlet.harness.UsageException: ");
    if (at >= 0) {
      return new UsageException(m.substring(at + "dev.gauntlet.harness.UsageException: ".length()), e);
    }
    return new UsageException(h.rows.name() + ": the Spark job failed: " + m, e);
  }

  static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /**
   * Reads and validates every partition on Spark before any check runs: a missing or unreadable
   * file, a value the schema refuses, a selection that disagrees with the driver's all fail here,
   * as a {@link UsageException} naming the file and place. The partitions' tables stay in the
   * executors' memory for the summaries.
   *
   * @return the rows Spark kept
   */
  public long validate() {
    return sh.data.rows.rows();
  }

  /**
   * Makes this view's model's predictions on every partition before any check runs (an executor
   * that cannot load the model fails here, naming the model and the executor); nothing for the
   * base engine or a model that is not scored on the executors.
   *
   * @param threshold the decision threshold of the suite (the executors decide at it; NaN for more than two classes)
   */
  public void prepare(double threshold) {
    this.threshold = threshold;
    this.prepared = true;
    Scoring s = scoring(threshold);
    if (s == null) {
      return;
    }
    try {
      long n = scored(sh.data, s).map(x -> (long) x.table().rowCount()).reduce(Long::sum);
      if (n != sh.data.rows.rows()) {
        throw new UsageException(sh.data.rows.name() + ": Spark scored " + n + " rows but validated " + sh.data.rows.rows());
      }
    } catch (UsageException e) {
      throw e;
    } catch (Exception e) {
      throw unwrap(sh.data, e);
    }
  }

  /** Whether this view's model is scored on the executors (precomputed, or shipped). */
  boolean scoresOnExecutors(double threshold) {
    return scoring(threshold) != null;
  }

  /** Whether Spark reads the CSV split across tasks (no quoted field spans lines); Parquet always. */
  boolean splittable() {
    return sh.data.rows.splittable();
  }

  /** The Spark partitions of the data in the last summary ({@code -1} before any). */
  public int lastPartitionCount() {
    return sh.lastPartitions;
  }

  /** The executors registered with the driver, not counting the driver itself (0 in local mode, where the driver's JVM runs the tasks). */
  public int executors() {
    if (sh.spark.sparkContext().isLocal()) {
      return 0;
    }
    return Math.max(0, sh.spark.sparkContext().statusTracker().getExecutorInfos().length - 1);
  }

  @Override
  public String describe(Table data) {
    int k = sh.lastPartitions >= 0 ? sh.lastPartitions : sh.data.rows.partitionCount();
    int e = executors();
    String where = e == 0 ? "executors in the driver's JVM" : e + (e == 1 ? " executor" : " executors");
    int r = sh.reference == null ? -1 : sh.reference.rows.partitionCount();
    return "spark " + sh.spark.version() + " " + sh.spark.sparkContext().master() + ", " + where + ", " + k + (k == 1 ? " partition" : " partitions")
        + (r < 0 ? "" : ", " + r + " of the reference")
        + " (" + sh.onSpark.get() + " summaries on Spark, " + sh.onDriver.get() + " on the driver)";
  }

  @Override
  public void close() {
    synchronized (sh) {
      for (JavaRDD<?> r : sh.persisted) {
        try {
          r.unpersist(false);
        } catch (RuntimeException ignored) {
          // a stopped session
        }
      }
      sh.persisted.clear();
      for (Broadcast<?> b : sh.broadcasts) {
        try {
          b.destroy();
        } catch (RuntimeException ignored) {
          // a stopped session
        }
      }
      sh.broadcasts.clear();
      sh.data.rows.close();
      if (sh.reference != null) {
        sh.reference.rows.close();
      }
    }
    if (sh.ownsSession) {
      sh.spark.stop();
    }
  }

  /** This executor's name for messages: Spark's executor id and the host. */
  static String executorName() {
    SparkEnv env = SparkEnv.get();
    String id = env == null ? "?" : env.executorId();
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return "executor " + id + " on " + host;
  }

  /** The lines of an iterator as one character stream, each followed by a line feed. */
  static final class LinesReader extends java.io.Reader {
    private final Iterator<String> lines;
    private String line;
    private int pos;

    LinesReader(Iterator<String> lines) {
      this.lines = lines;
    }

    @Override
    public int read(char[] buf, int off, int len) {
      if (len == 0) {
        return 0;
      }
      int n = 0;
      while (n < len) {
        if (line == null) {
          if (!lines.hasNext()) {
            break;
          }
          line = lines.next();
          pos = 0;
        }
        if (pos < line.length()) {
          int k = Math.min(len - n, line.length() - pos);
          line.getChars(pos, pos + k, buf, off + n);
          pos += k;
          n += k;
        } else {
          buf[off + n++] = '\n';
          line = null;
        }
      }
      return n == 0 ? -1 : n;
    }

    @Override
    public void close() {}
  }

  /** Models loaded on this executor, by SHA-256: each is loaded once per executor JVM. */
  private static final Map<String, ModelUnderTest> LOADED = new ConcurrentHashMap<>();

  /** Runs on an executor: the partition's predictions, from its columns or from the shipped model. */
  private static final class Score implements FlatMapFunction<Iterator<Table>, Scored> {
    private static final long serialVersionUID = 1L;
    private final ScoreJob job;
    private final Shipped shipped;

    Score(ScoreJob job, Shipped shipped) {
      this.job = job;
      this.shipped = shipped;
    }

    @Override
    public Iterator<Scored> call(Iterator<Table> it) {
      List<Scored> out = new ArrayList<>(1);
      while (it.hasNext()) {
        Table t = it.next();
        if (shipped == null) {
          out.add(new Scored(t, job.precomputed().predictionsFor(t)));
        } else {
          out.add(new Scored(t, score(load(shipped), job.schema(), t, shipped.threshold())));
        }
      }
      return out.iterator();
    }
  }

  /** Tests: forget the models this JVM loaded as an executor. */
  static void forgetLoadedModels() {
    LOADED.clear();
  }

  static ModelUnderTest load(Shipped s) {
    try {
      return LOADED.computeIfAbsent(s.sha256(), k -> {
        ShippedModel m = ShippedModel.decode(s.bytes().value());
        if (!m.sha256().equals(s.sha256())) {
          throw new UsageException("the broadcast bytes name SHA-256 " + m.sha256() + ", not " + s.sha256());
        }
        return m.load();
      });
    } catch (RuntimeException | LinkageError e) {
      throw new UsageException("model '" + s.name() + "' (SHA-256 " + s.sha256() + ") cannot be loaded on " + executorName() + ": "
          + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
    }
  }

  /** The model's predictions for a partition's table: encoded rows in batches, as {@code CheckContext.predictions} makes them. */
  static Predictions score(ModelUnderTest m, Schema schema, Table t, double threshold) {
    double[][] x = new Encoder(schema).encode(t);
    double[][] p = new double[x.length][];
    for (int start = 0; start < x.length; start += BATCH) {
      int end = Math.min(x.length, start + BATCH);
      double[][] chunk = java.util.Arrays.copyOfRange(x, start, end);
      double[][] q = m.predict(chunk);
      Models.checkProbabilities(m.name(), q, chunk.length, m.classCount());
      System.arraycopy(q, 0, p, start, q.length);
    }
    SCORED_ROWS.addAndGet(x.length);
    int positive = schema.label().map(ColumnSpec::positiveIndex).orElse(1);
    return Predictions.fromProbabilities(p, positive, threshold);
  }

  /** Runs on an executor: one partition's summary, as bytes (kept rows first). */
  private static final class SummarizePartition implements FlatMapFunction<Iterator<Scored>, byte[]> {
    private static final long serialVersionUID = 1L;
    private final byte[] summarizer;
    private final String allowed;

    SummarizePartition(byte[] summarizer, String allowed) {
      this.summarizer = summarizer;
      this.allowed = allowed;
    }

    @Override
    public Iterator<byte[]> call(Iterator<Scored> it) throws IOException {
      Summarizer<?> job = it.hasNext() ? unship(summarizer, allowed) : null;
      List<byte[]> out = new ArrayList<>(1);
      while (it.hasNext()) {
        Scored s = it.next();
        Summary<?> sum = job.summarize(Partition.of(s.table(), s.predictions()));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out2 = new DataOutputStream(buf)) {
          out2.writeLong(s.table().rowCount());
          sum.encode(out2);
        }
        out.add(buf.toByteArray());
      }
      return out.iterator();
    }
  }
}

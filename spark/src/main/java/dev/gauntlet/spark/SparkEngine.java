package dev.gauntlet.spark;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.CsvReader;
import dev.gauntlet.harness.data.DataSource;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Selection;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableBuilder;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.PrecomputedModel;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.summary.InProcessEngine;
import dev.gauntlet.harness.summary.Partition;
import dev.gauntlet.harness.summary.Summarizer;
import dev.gauntlet.harness.summary.Summary;
import dev.gauntlet.harness.summary.SummaryEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The summary engine on Spark: the evaluation data is read by Spark (CSV as text cells, Parquet as
 * typed values turned into text), each Spark partition becomes a local {@link Table} through the
 * harness's own {@link TableBuilder} (the same schema validation and the same row selection as
 * the in-process reader), a precomputed model's predictions are taken from that table on the
 * executor, the check's own {@link Summarizer} summarises it there, and the summaries travel back
 * as bytes ({@link Summary#encode}, read by the summary type's {@code decode}) to be merged on the
 * driver. Summaries merge exactly, so the result is bit for bit the in-process engine's.
 *
 * <p>What runs where in this first cut:
 * <ul>
 *   <li>The summaries of the evaluation data ({@code performance}, {@code fairness.slices},
 *       {@code drift.temporal}, {@code drift.features}) run on the executors, for a precomputed
 *       model or a summariser that needs no predictions.
 *   <li>The driver also holds the whole validated table (read by the harness reader, as the
 *       in-process engine does): the checks that need the model on chosen rows (attacks,
 *       perturbation, min-flip, detectors) and the checks' whole-data steps use it. A seeded sample
 *       instead is future work.
 *   <li>Anything else (a reference table, a derived table, a model that must be run) is summarised
 *       in-process on the driver; {@link #describe} counts these.
 *   <li>With a partition count set, the data is read once: the repartition's shuffle output is
 *       reused by every later summary of the run; as read ({@code partitions = 0}), every summary
 *       reads the source again.
 *   <li>The summariser reaches the executor through a registry of this JVM: Spark's local mode
 *       only. On a cluster the executor says so (making summarisers serialisable is future work).
 * </ul>
 */
public final class SparkEngine implements SummaryEngine, AutoCloseable {
  /** Summaries in flight, by job id: how an executor of this JVM (local mode) finds its summariser. */
  private static final Map<Long, Job> JOBS = new ConcurrentHashMap<>();
  private static final AtomicLong IDS = new AtomicLong();

  private final SparkSession spark;
  private final boolean ownsSession;
  private final Table bound;
  private final String path;
  private final String format;
  private final Selection selection;
  private final PrecomputedModel model;
  private final int partitions;
  private final AtomicInteger onSpark = new AtomicInteger();
  private final AtomicInteger onDriver = new AtomicInteger();
  private volatile int lastPartitions = -1;
  private Dataset<Row> rows;
  private String[] header;

  /** What an executor needs to summarise a partition. */
  private record Job(Schema schema, String file, Selection selection, String[] header, PrecomputedModel model, Summarizer<?> summarizer) {}

  /**
   * @param spark the session (closed by {@link #close} when {@code ownsSession})
   * @param data the evaluation table as the driver read it: its source (path, format, selection)
   *     is read again by Spark, and summaries of this table go to Spark
   * @param model the model under test: precomputed models are scored on the executors
   * @param partitions the Spark partitions of the data ({@code 0}: as Spark reads it)
   */
  public SparkEngine(SparkSession spark, boolean ownsSession, Table data, ModelUnderTest model, int partitions) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.ownsSession = ownsSession;
    this.bound = Objects.requireNonNull(data, "data");
    DataSource src = data.source();
    if (src == null || src.path() == null) {
      throw new UsageException("the Spark engine reads the evaluation data from its file, but this table has no source file");
    }
    this.path = src.path();
    this.format = src.format() == null ? "csv" : src.format();
    Selection.Summary sel = src.selection();
    this.selection = sel == null ? Selection.ALL : Selection.of(sel.where(), sel.from(), sel.to(), data.schema());
    this.model = model == null ? null : model.precomputed().orElse(null);
    if (partitions < 0) {
      throw new IllegalArgumentException("partitions must be 0 (as read) or more, not " + partitions);
    }
    this.partitions = partitions;
  }

  private synchronized Dataset<Row> rows() {
    if (rows == null) {
      Dataset<Row> ds;
      try {
        ds = read();
      } catch (UsageException e) {
        throw e;
      } catch (Exception e) { // AnalysisException (e.g. a missing path) is checked, though Scala does not declare it
        throw new UsageException(path + ": Spark cannot read the " + format + " data: " + firstLine(e), e);
      }
      // The file's own header (Spark renames duplicate CSV names, e.g. COMPAS's two decile_score
      // columns), read by the harness's CSV reader: the builder then sees what the in-process reader sees.
      header = "csv".equals(format) ? csvHeader() : ds.columns();
      if (header.length != ds.columns().length) {
        throw new UsageException(path + ": the header has " + header.length + " fields but Spark reads " + ds.columns().length + " columns");
      }
      rows = partitions > 0 ? ds.repartition(partitions) : ds;
    }
    return rows;
  }

  private Dataset<Row> read() throws Exception {
    return switch (format) {
      case "csv" -> spark.read()
          .option("header", "true").option("inferSchema", "false")
          .option("sep", String.valueOf(bound.schema().delimiter()))
          .option("quote", "\"").option("escape", "\"").option("multiLine", "true")
          .option("mode", "FAILFAST").option("encoding", "UTF-8")
          .csv(path);
      case "parquet" -> spark.read().parquet(path);
      default -> throw new UsageException(path + ": the Spark engine reads csv and parquet, not format '" + format + "'");
    };
  }

  private String[] csvHeader() {
    String first;
    try {
      first = spark.read().option("lineSep", "\n").textFile(path).first();
    } catch (Exception e) {
      throw new UsageException(path + ": Spark cannot read the header line: " + firstLine(e), e);
    }
    try (CsvReader r = new CsvReader(new StringReader(first), bound.schema().delimiter(), path)) {
      return r.next();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public <S extends Summary<S>> S summarize(Table data, Predictions predictions, Summarizer<S> summarizer) {
    if (data != bound || (predictions != null && model == null)) {
      onDriver.incrementAndGet();
      return InProcessEngine.defaults().summarize(data, predictions, summarizer);
    }
    // The identity of merge, and through its class the decoder of the executors' bytes.
    int[] none = new int[0];
    S empty = summarizer.summarize(Partition.of(data.select(none), predictions == null ? null : predictions.select(none)));
    Method decode = decoder(empty.getClass());
    Dataset<Row> ds = rows();
    long id = IDS.incrementAndGet();
    JOBS.put(id, new Job(data.schema(), path, selection, header, predictions == null ? null : model, summarizer));
    List<byte[]> parts;
    try {
      parts = ds.javaRDD().mapPartitionsWithIndex(new SummarizePartition(id), false).collect();
    } catch (Exception e) { // SparkException is checked, though Scala does not declare it
      throw unwrap(e);
    } finally {
      JOBS.remove(id);
    }
    onSpark.incrementAndGet();
    lastPartitions = parts.size();
    S total = empty;
    long kept = 0;
    for (byte[] b : parts) {
      try {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        kept += in.readLong();
        @SuppressWarnings("unchecked")
        S s = (S) decode.invoke(null, (DataInput) in);
        total = total.merge(s);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot decode a " + empty.getClass().getSimpleName() + " from an executor", e);
      }
    }
    if (kept != data.rowCount()) {
      throw new UsageException(path + ": Spark kept " + kept + " rows but the driver read " + data.rowCount()
          + "; did the data change between the two reads? (if not, the readers disagree: a bug to report)");
    }
    return total;
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

  /** A UsageException thrown on an executor, or the Spark failure as one naming the data. */
  private RuntimeException unwrap(Exception e) {
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
    return new UsageException(path + ": the Spark job failed: " + m, e);
  }

  static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /**
   * Reads and validates every partition on Spark before any check runs: a missing or unreadable
   * file, a value the schema refuses, a selection that disagrees with the driver's all fail here,
   * as a {@link UsageException} naming the file and place.
   *
   * @return the rows Spark kept
   */
  public long validate() {
    long n = summarize(bound, null, part -> new RowCount(part.size())).rows();
    onSpark.decrementAndGet();
    return n;
  }

  /** The Spark partitions of the data in the last summary ({@code -1} before any). */
  public int lastPartitionCount() {
    return lastPartitions;
  }

  @Override
  public String describe(Table data) {
    int k = lastPartitions >= 0 ? lastPartitions : rows().rdd().getNumPartitions();
    return "spark " + spark.version() + " " + spark.sparkContext().master() + ", " + k + (k == 1 ? " partition" : " partitions")
        + " (" + onSpark.get() + " summaries on Spark, " + onDriver.get() + " on the driver)";
  }

  @Override
  public void close() {
    if (ownsSession) {
      spark.stop();
    }
  }

  /** Runs on an executor: one partition's rows to a table, its summary, as bytes (kept rows first). */
  private static final class SummarizePartition implements Function2<Integer, Iterator<Row>, Iterator<byte[]>> {
    private static final long serialVersionUID = 1L;
    private final long id;

    SummarizePartition(long id) {
      this.id = id;
    }

    @Override
    public Iterator<byte[]> call(Integer index, Iterator<Row> it) throws IOException {
      Job job = JOBS.get(id);
      if (job == null) {
        throw new IllegalStateException("summary job " + id + " is unknown on this executor: this first cut of the Spark engine runs"
            + " summarisers in Spark's local mode only (local[N]); cluster executors need serialisable summarisers");
      }
      String file = job.file();
      TableBuilder b = new TableBuilder(job.schema(), file, job.selection(),
          (pos, col, msg) -> new UsageException(file + ": Spark partition " + index + ", record " + pos + (col > 0 ? ", column " + col : "") + ": " + msg));
      b.header(job.header());
      int w = job.header().length;
      int r = 0;
      while (it.hasNext()) {
        Row row = it.next();
        String[] rec = new String[w];
        for (int c = 0; c < w; c++) {
          Object v = row.get(c);
          // The CSV reader's text: an empty field is "", never null.
          rec[c] = v == null ? "" : v.toString();
        }
        b.row(rec, ++r);
      }
      Table t = b.build(null, false);
      Predictions p = job.model() == null ? null : job.model().predictionsFor(t);
      Summary<?> s = job.summarizer().summarize(Partition.of(t, p));
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(buf)) {
        out.writeLong(t.rowCount());
        s.encode(out);
      }
      return List.of(buf.toByteArray()).iterator();
    }
  }
}

package dev.gauntlet.spark;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.CsvReader;
import dev.gauntlet.harness.data.DataSource;
import dev.gauntlet.harness.data.RemoteRows;
import dev.gauntlet.harness.data.Role;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Selection;
import dev.gauntlet.harness.data.StratifiedSample;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableBuilder;
import dev.gauntlet.harness.data.TimeFormat;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * The evaluation (or reference) rows as Spark reads them, validated and kept on the executors: the driver opens
 * no data file and holds no table of the data. Each Spark partition becomes one table, built by the
 * harness's {@link TableBuilder} (the same validation and selection as the in-process reader) and
 * persisted in the executors' memory; what the driver learns comes back as small per-partition
 * facts: rows seen and kept, the runs of source positions a partition holds, its rows per stratum,
 * its first problem.
 *
 * <p>Source order: every record carries its place in the source (a CSV record its file line, a
 * Parquet row its file's rank among the sorted data files and its row index in the file), and a
 * partition records the runs of consecutive places it holds. The runs sorted give every kept row
 * its position among the kept rows in source order, as the in-process reader numbers them; the
 * seeded stratified sample ({@link StratifiedSample}) is then drawn on the executors from the same
 * positions, so it is the in-process sample row for row.
 *
 * <p>The data's SHA-256 and size are computed on the executors (one task per file), the same
 * digests as the in-process readers record.
 */
final class SparkData implements RemoteRows.Opened, AutoCloseable {
  /** Rows this JVM received as a driver from {@link #sample}, {@link #collect} and {@link #scan} (tests). */
  static final AtomicLong ROWS_TO_DRIVER = new AtomicLong();

  /**
   * What an executor needs to build a partition's table, shipped with the task: the schema, the
   * source's name for messages, the selection as the suite wrote it (parsed again on the executor),
   * the header, the Parquet files' ranks and the columns read as epoch seconds.
   */
  record Build(Schema schema, String name, String where, String from, String to, String[] header, boolean csv, Map<String, Integer> fileRanks,
      List<String> epochColumns) implements Serializable {
    static Build of(Schema schema, String name, Selection selection, String[] header, boolean csv, Map<String, Integer> fileRanks, List<String> epochColumns) {
      Selection.Summary t = selection.isAll() ? null : selection.summarize(0, 0);
      return new Build(schema, name, t == null ? null : t.where(), t == null ? null : t.from(), t == null ? null : t.to(), header, csv,
          new java.util.HashMap<>(fileRanks), List.copyOf(epochColumns));
    }

    Selection selection() {
      return where == null && from == null && to == null ? Selection.ALL : Selection.of(where, from, to, schema);
    }

    List<ColumnSpec> strata() {
      return StratifiedSample.strata(schema);
    }
  }

  /** A record with its place in the source: a CSV file line, or a Parquet file's rank (high bits) and row index. */
  record Rec(long key, String[] cells) implements Serializable {}

  /** Bits of a Parquet key for the row index within a file. */
  static final int ROW_BITS = 40;

  private final SparkSession spark;
  private final String name;
  private final String format;
  private final Schema schema;
  private final JavaRDD<Part> parts;
  private final long kept;
  private final long[] runFirst;
  private final long[] runOffset;
  private final TreeMap<Integer, Long> strata;
  private final DataSource source;
  private final boolean splittable;
  private final int partitionCount;
  private final int largest;
  /** The tables this JVM received from {@link #sample} and {@link #collect}: what stands for these rows on the driver. */
  private final List<Table> handedOut = new java.util.concurrent.CopyOnWriteArrayList<>();

  private SparkData(SparkSession spark, String name, String format, Schema schema, JavaRDD<Part> parts, long kept, long[] runFirst,
      long[] runOffset, TreeMap<Integer, Long> strata, DataSource source, boolean splittable, int largest) {
    this.spark = spark;
    this.name = name;
    this.format = format;
    this.schema = schema;
    this.parts = parts;
    this.kept = kept;
    this.runFirst = runFirst;
    this.runOffset = runOffset;
    this.strata = strata;
    this.source = source;
    this.splittable = splittable;
    this.partitionCount = parts.getNumPartitions();
    this.largest = largest;
  }

  /**
   * Reads and validates the data on Spark.
   *
   * @param path a local path or any URI Spark reads, as the suite wrote it (a local path is made absolute)
   * @param format {@code csv}, {@code parquet}, or null for the one the path implies (a folder or
   *     {@code .parquet}/{@code .parq}/{@code .pq}: parquet)
   * @param partitions the Spark partitions of the rows ({@code 0}: as Spark reads them)
   */
  static SparkData open(SparkSession spark, String path, String format, Schema schema, Selection selection, int partitions) {
    String p = SparkEngine.sparkPath(path);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(p);
    FileSystem fs;
    FileStatus status;
    try {
      fs = root.getFileSystem(conf);
      status = fs.getFileStatus(root);
    } catch (FileNotFoundException e) {
      throw new UsageException(path + ": data file not found (Spark: " + SparkEngine.firstLine(e) + "); check the path in the suite"
          + " (relative paths are resolved against the suite file)");
    } catch (IOException | RuntimeException e) {
      throw new UsageException(path + ": Spark cannot open it: " + SparkEngine.firstLine(e), e);
    }
    String lower = root.getName().toLowerCase(Locale.ROOT);
    String fmt = format != null ? format
        : status.isDirectory() || lower.endsWith(".parquet") || lower.endsWith(".parq") || lower.endsWith(".pq") ? "parquet" : "csv";
    if (!fmt.equals("csv") && !fmt.equals("parquet")) {
      throw new UsageException(path + ": the Spark engine reads csv and parquet, not format '" + fmt + "'");
    }
    List<FileStatus> files = new ArrayList<>();
    if (fmt.equals("csv")) {
      if (status.isDirectory()) {
        throw new UsageException(path + ": is a folder; format csv reads one file (a folder of Parquet files needs format: parquet)");
      }
      files.add(status);
    } else if (status.isDirectory()) {
      try {
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
          LocatedFileStatus f = it.next();
          String n = f.getPath().getName();
          if (f.isFile() && n.endsWith(".parquet") && !n.startsWith(".") && !n.startsWith("_")) {
            files.add(f);
          }
        }
      } catch (IOException e) {
        throw new UsageException(path + ": cannot list the folder: " + SparkEngine.firstLine(e), e);
      }
      // The in-process reader's order: by path.
      files.sort((a, b) -> a.getPath().toUri().getPath().compareTo(b.getPath().toUri().getPath()));
      if (files.isEmpty()) {
        throw new UsageException(path + ": the folder holds no .parquet files (looked in it and its partition subfolders)");
      }
    } else {
      files.add(status);
    }
    return fmt.equals("csv") ? csv(spark, path, p, schema, selection, partitions, files)
        : parquet(spark, path, p, schema, selection, partitions, files, status.isDirectory(), status.getPath().toUri().getPath());
  }

  private static SparkData csv(SparkSession spark, String name, String p, Schema schema, Selection selection, int partitions,
      List<FileStatus> files) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    char delimiter = schema.delimiter();
    JavaRDD<String> lines = jsc.textFile(p, Math.max(partitions, jsc.defaultMinPartitions()));
    // One pass over the lines: how many each split holds (its first line's number), and whether a quoted field spans lines.
    List<long[]> counts;
    try {
      counts = lines.mapPartitionsWithIndex((Integer i, Iterator<String> it) -> {
        long n = 0;
        long odd = 0;
        while (it.hasNext()) {
          String l = it.next();
          n++;
          int q = 0;
          for (int c = 0; c < l.length(); c++) {
            if (l.charAt(c) == '"') {
              q++;
            }
          }
          odd |= q & 1;
        }
        return List.of(new long[] {i, n, odd}).iterator();
      }, true).collect();
    } catch (Exception e) {
      throw failed(name, "csv", e);
    }
    long total = 0;
    boolean multiLine = false;
    long[] start = new long[counts.size()];
    List<long[]> sorted = new ArrayList<>(counts);
    sorted.sort((a, b) -> Long.compare(a[0], b[0]));
    for (long[] c : sorted) {
      start[(int) c[0]] = total + 1;
      total += c[1];
      multiLine |= c[2] != 0;
    }
    if (total == 0) {
      throw UsageException.at(name, 1, 0, "the file is empty; expected a header row naming the columns");
    }
    String[] header;
    try (CsvReader r = new CsvReader(new StringReader(lines.first()), delimiter, name)) {
      header = r.next();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw failed(name, "csv", e);
    }
    Build job = Build.of(schema, name, selection, header, true, Map.of(), List.of());
    JavaRDD<Rec> recs;
    if (!multiLine) {
      // Split across tasks: each split's lines parsed by the harness's CSV reader, numbered from the split's first line.
      recs = lines.mapPartitionsWithIndex((Integer i, Iterator<String> it) -> records(i, it, start[i], delimiter, name), true);
    } else {
      // A quoted field spans lines: the file cannot be split; one task streams it through the harness's CSV reader.
      recs = jsc.binaryFiles(p, 1).flatMap(f -> {
        InputStream in = f._2().open();
        CsvReader r = new CsvReader(new java.io.BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16), delimiter, name);
        r.next(); // the header, read above
        return iterate(r, 0);
      });
    }
    return finish(spark, name, "csv", schema, selection, partitions, job, recs, files, false, !multiLine, null);
  }

  /** A split's lines as records, each keyed by the file line it starts on (split 0's first line, the header, skipped). */
  private static Iterator<Rec> records(int index, Iterator<String> lines, long firstLine, char delimiter, String file) {
    long first = firstLine;
    if (index == 0 && lines.hasNext()) {
      lines.next();
      first++;
    }
    return iterate(new CsvReader(new SparkEngine.LinesReader(lines), delimiter, file), first - 1);
  }

  private static Iterator<Rec> iterate(CsvReader r, long lineBase) {
    return new Iterator<>() {
      Rec next = advance();

      private Rec advance() {
        String[] rec;
        do {
          rec = r.next();
        } while (rec != null && rec.length == 1 && rec[0].isEmpty()); // a blank line, as the in-process reader skips it
        return rec == null ? null : new Rec(lineBase + r.recordLine(), rec);
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Rec next() {
        if (next == null) {
          throw new java.util.NoSuchElementException();
        }
        Rec out = next;
        next = advance();
        return out;
      }
    };
  }

  private static SparkData parquet(SparkSession spark, String name, String p, Schema schema, Selection selection, int partitions,
      List<FileStatus> files, boolean folder, String rootPath) {
    Dataset<Row> ds;
    try {
      ds = spark.read().parquet(p);
    } catch (Exception e) { // AnalysisException is checked, though Scala does not declare it
      throw failed(name, "parquet", e);
    }
    Map<String, StructField> fields = new TreeMap<>();
    for (StructField f : ds.schema().fields()) {
      fields.put(f.name(), f);
    }
    String rel = files.isEmpty() ? "" : files.get(0).getPath().toUri().getPath();
    List<String> epochColumns = new ArrayList<>();
    List<Column> cols = new ArrayList<>();
    int[] kinds = new int[schema.columns().size()];
    int k = 0;
    for (ColumnSpec spec : schema.columns()) {
      StructField f = fields.get(spec.name());
      if (f == null) {
        throw new UsageException(name + ": the schema names column '" + spec.name() + "' but the Parquet data lacks it; it has: "
            + String.join(", ", fields.keySet()) + (folder ? " (partition keys of the folder count as columns)" : ""));
      }
      kinds[k++] = kind(spec, f.dataType(), name, schema, rel.contains("/" + spec.name() + "="), epochColumns);
      cols.add(functions.col("`" + spec.name().replace("`", "``") + "`"));
    }
    cols.add(functions.col("_metadata.file_path").alias("__gauntlet_file"));
    cols.add(functions.col("_metadata.row_index").alias("__gauntlet_row"));
    Map<String, Integer> ranks = new java.util.HashMap<>();
    for (int i = 0; i < files.size(); i++) {
      ranks.put(files.get(i).getPath().toUri().getPath(), i);
    }
    String[] header = schema.columns().stream().map(ColumnSpec::name).toArray(String[]::new);
    Build job = Build.of(schema, name, selection, header, false, ranks, epochColumns);
    int w = header.length;
    JavaRDD<Rec> recs = ds.select(cols.toArray(Column[]::new)).javaRDD().mapPartitions(it -> {
      Map<String, Integer> fileRanks = job.fileRanks();
      // Lazily: a partition's rows are never all held as records.
      return new Iterator<Rec>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Rec next() {
          Row row = it.next();
          String[] cells = new String[w];
          for (int c = 0; c < w; c++) {
            cells[c] = render(row.get(c), kinds[c]);
          }
          String file = URI.create(row.getString(w)).getPath();
          Integer rank = fileRanks.get(file);
          if (rank == null) {
            throw new IllegalStateException(file + ": a file Spark read that the listing of " + name + " did not hold");
          }
          return new Rec(((long) rank << ROW_BITS) | row.getLong(w + 1), cells);
        }
      };
    });
    return finish(spark, name, "parquet", schema, selection, partitions, job, recs, files, folder, true, rootPath);
  }

  /** How a Parquet value is rendered as the text the builder reads: 0 as is, 1 a float as its double, 2 a boolean as 0/1, 3 a date or timestamp as epoch seconds. */
  private static int kind(ColumnSpec spec, DataType t, String file, Schema schema, boolean partitionKey, List<String> epochColumns) {
    boolean integer = t.equals(DataTypes.ByteType) || t.equals(DataTypes.ShortType) || t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType);
    boolean floating = t.equals(DataTypes.FloatType) || t.equals(DataTypes.DoubleType) || t instanceof DecimalType;
    boolean string = t.equals(DataTypes.StringType);
    boolean bool = t.equals(DataTypes.BooleanType);
    boolean date = t.equals(DataTypes.DateType) || t.equals(DataTypes.TimestampType) || t.equals(DataTypes.TimestampNTZType);
    int asIs = t.equals(DataTypes.FloatType) ? 1 : 0;
    if (spec.has(Role.IGNORE)) {
      return asIs;
    }
    ColumnType type = spec.type();
    switch (type) {
      case NUMERIC -> {
        if (integer || floating) {
          return asIs;
        }
      }
      case CATEGORICAL, BINARY -> {
        if (string || integer) {
          return 0;
        }
        if (bool) {
          return spec.categories().contains("0") && spec.categories().contains("1") ? 2 : 0;
        }
      }
      case TEXT -> {
        if (string) {
          return 0;
        }
      }
      case TIMESTAMP -> {
        if (date) {
          epochColumns.add(spec.name());
          return 3;
        }
        String f = spec.format();
        if ((integer && f != null && (f.startsWith("epoch-") || f.equals("yyyy"))) || (string && f != null)) {
          return 0;
        }
      }
    }
    String what = partitionKey ? "a Hive partition key (read by Spark as " + t.simpleString() + ")" : "Parquet type " + parquetType(t);
    throw new UsageException(file + ": column '" + spec.name() + "' is " + what + " in the Parquet data, but the schema"
        + (schema.source() != null ? " (" + schema.source() + ")" : "") + " declares it " + type.name().toLowerCase(Locale.ROOT)
        + (spec.format() != null ? " with format " + spec.format() : ""));
  }

  private static String parquetType(DataType t) {
    if (t.equals(DataTypes.StringType)) {
      return "BYTE_ARRAY (String)";
    }
    if (t.equals(DataTypes.BinaryType)) {
      return "BYTE_ARRAY";
    }
    if (t.equals(DataTypes.ByteType) || t.equals(DataTypes.ShortType) || t.equals(DataTypes.IntegerType)) {
      return "INT32";
    }
    if (t.equals(DataTypes.LongType)) {
      return "INT64";
    }
    if (t.equals(DataTypes.DateType)) {
      return "INT32 (Date)";
    }
    if (t.equals(DataTypes.TimestampType) || t.equals(DataTypes.TimestampNTZType)) {
      return "INT64 (Timestamp)";
    }
    return t.simpleString().toUpperCase(Locale.ROOT);
  }

  private static String render(Object v, int kind) {
    if (v == null) {
      return null;
    }
    return switch (kind) {
      case 1 -> Double.toString(((Number) v).doubleValue());
      case 2 -> ((Boolean) v) ? "1" : "0";
      case 3 -> Long.toString(epochSeconds(v));
      default -> v.toString();
    };
  }

  private static long epochSeconds(Object v) {
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toEpochDay() * 86400L;
    }
    if (v instanceof java.time.LocalDate d) {
      return d.toEpochDay() * 86400L;
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toInstant().getEpochSecond();
    }
    if (v instanceof java.time.Instant i) {
      return i.getEpochSecond();
    }
    if (v instanceof java.time.LocalDateTime t) {
      return t.toEpochSecond(java.time.ZoneOffset.UTC);
    }
    throw new IllegalStateException("not a date or timestamp: " + v.getClass().getName());
  }

  /** Builds and validates the partitions, and learns on the driver what it needs of them. */
  private static SparkData finish(SparkSession spark, String name, String format, Schema schema, Selection selection, int partitions, Build job,
      JavaRDD<Rec> recs, List<FileStatus> files, boolean folder, boolean splittable, String rootPath) {
    int read = recs.getNumPartitions();
    if (partitions > 0 && partitions != read) {
      // Fewer: whole read partitions grouped (no shuffle, each keeps its order); more: a sort by source place into ranges.
      recs = partitions < read ? recs.coalesce(partitions)
          : recs.mapToPair(r -> new Tuple2<>(r.key(), r.cells())).sortByKey(true, partitions).map(t -> new Rec(t._1(), t._2()));
    }
    JavaRDD<Part> parts = recs.mapPartitionsWithIndex((Integer i, Iterator<Rec> it) -> List.of(Part.build(job, i, it)).iterator(), true)
        .persist(StorageLevel.MEMORY_ONLY());
    List<Stats> stats;
    try {
      stats = parts.map(Part::stats).collect();
    } catch (UsageException e) {
      parts.unpersist(false);
      throw e;
    } catch (Exception e) {
      parts.unpersist(false);
      throw "parquet".equals(format) && files.size() > 1 ? unreadable(spark, name, files, e) : failed(name, format, e);
    }
    Stats bad = null;
    long seen = 0;
    long kept = 0;
    int largest = 0;
    List<long[]> runs = new ArrayList<>();
    TreeMap<Integer, Long> strata = new TreeMap<>();
    List<String> notes = null;
    for (Stats s : stats) {
      if (s.error() != null && (bad == null || s.errorKey() < bad.errorKey())) {
        bad = s;
      }
      seen += s.seen();
      int n = 0;
      for (int j = 0; j < s.runFirst().length; j++) {
        runs.add(new long[] {s.runFirst()[j], s.runKept()[j]});
        n += s.runKept()[j];
      }
      kept += n;
      largest = Math.max(largest, n);
      for (int j = 0; j < s.strataKeys().length; j++) {
        strata.merge(s.strataKeys()[j], s.strataCounts()[j], Long::sum);
      }
      if (notes == null && s.notes() != null) {
        notes = s.notes();
      }
    }
    if (bad != null) {
      parts.unpersist(false);
      throw new UsageException(bad.error()); // the problem earliest in the source, as the in-process reader finds it first
    }
    if (seen == 0) {
      parts.unpersist(false);
      throw "csv".equals(format) ? UsageException.at(name, 2, 0, "the file has a header but no data rows") : new UsageException(name + ": the Parquet data has no rows");
    }
    Selection.Summary sel = selection.isAll() ? null : selection.summarize(kept, seen);
    if (kept == 0) {
      parts.unpersist(false);
      throw new UsageException(name + ": the " + sel.describe() + "; widen the selection or check its values against the data");
    }
    runs.sort((a, b) -> Long.compare(a[0], b[0]));
    long[] first = new long[runs.size()];
    long[] offset = new long[runs.size()];
    long at = 0;
    for (int j = 0; j < first.length; j++) {
      first[j] = runs.get(j)[0];
      offset[j] = at;
      at += runs.get(j)[1];
    }
    List<String> allNotes = new ArrayList<>(notes == null ? List.of() : notes);
    if (folder) {
      allNotes.add(name + ": " + files.size() + " Parquet files read in the order of their paths");
    }
    String[] digest = digest(spark, files, folder, rootPath);
    DataSource src = new DataSource(name, format, digest[0], Long.parseLong(digest[1]), allNotes, sel);
    return new SparkData(spark, name, format, schema, parts, kept, first, offset, strata, src, splittable, largest);
  }

  /** The SHA-256 (a folder: of its sorted relative paths and files' SHA-256s) and size of the files, each hashed by an executor. */
  private static String[] digest(SparkSession spark, List<FileStatus> files, boolean folder, String rootPath) {
    PerFile job = PerFile.of(spark, files);
    Broadcast<SerializableConfiguration> conf = job.conf();
    List<String> paths = job.paths();
    List<String[]> out;
    try {
      out = job.rdd().map(f -> {
        org.apache.hadoop.fs.Path hp = new org.apache.hadoop.fs.Path(f);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long size = 0;
        try (InputStream in = hp.getFileSystem(conf.value().value()).open(hp)) {
          byte[] buf = new byte[1 << 16];
          for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
            size += n;
          }
        }
        return new String[] {f, HexFormat.of().formatHex(sha.digest()), Long.toString(size)};
      }).collect();
    } catch (Exception e) {
      throw new UsageException(paths.get(0) + ": Spark cannot read the data file to hash it: " + SparkEngine.firstLine(e), e);
    } finally {
      conf.destroy();
    }
    long bytes = 0;
    for (String[] o : out) {
      bytes += Long.parseLong(o[2]);
    }
    if (!folder) {
      return new String[] {out.get(0)[1], Long.toString(bytes)};
    }
    // one "relative-path sha256" line per file, relative to the folder the suite named, as the in-process reader writes them
    StringBuilder b = new StringBuilder();
    String prefix = rootPath.endsWith("/") ? rootPath : rootPath + "/";
    for (String[] o : out) {
      String p = new org.apache.hadoop.fs.Path(o[0]).toUri().getPath();
      b.append(p.substring(prefix.length())).append(' ').append(o[1]).append('\n');
    }
    return new String[] {dev.gauntlet.harness.model.Artifact.sha256(b.toString().getBytes(StandardCharsets.UTF_8)), Long.toString(bytes)};
  }

  /**
   * A read that failed on Spark, as exit 2: a problem the harness found on an executor as it is;
   * else naming the data and the innermost reason Spark gives (its wrappers, "Job aborted due to
   * stage failure" and "Exception thrown in awaitResult", say only where it failed, not what is wrong).
   */
  static UsageException failed(String name, String format, Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UsageException u) {
        return new UsageException(u.getMessage(), e);
      }
    }
    return new UsageException(name + ": Spark cannot read the " + format + " data: " + reason(e), e);
  }

  /** The first line of the innermost cause that has a message. */
  static String reason(Throwable e) {
    Throwable said = e;
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < 64; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        said = t;
      }
    }
    return SparkEngine.firstLine(said);
  }

  /**
   * A read of a folder of Parquet files failed on Spark, whose reason names no file (a footer that
   * cannot be read, say): the first file in path order whose footer does not read is named with its
   * reason, each file's footer read by a task; else as {@link #failed}. Only on failure: a read that
   * succeeds reads no footer twice.
   */
  private static UsageException unreadable(SparkSession spark, String name, List<FileStatus> files, Exception e) {
    UsageException plain = failed(name, "parquet", e);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UsageException) {
        return plain;
      }
    }
    PerFile job = PerFile.of(spark, files);
    Broadcast<SerializableConfiguration> conf = job.conf();
    List<String[]> bad;
    try {
      bad = job.rdd().flatMap(f -> {
        try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
            org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f), conf.value().value()))) {
          r.getFooter();
          return java.util.Collections.<String[]>emptyIterator();
        } catch (IOException | RuntimeException x) {
          return java.util.Collections.singletonList(new String[] {f, reason(x)}).iterator();
        }
      }).collect();
    } catch (RuntimeException again) {
      return plain;
    } finally {
      conf.destroy();
    }
    return bad.isEmpty() ? plain
        : new UsageException(name + ": Spark cannot read the parquet data: " + bad.get(0)[0] + " is not a readable Parquet file: " + bad.get(0)[1], e);
  }

  /**
   * A job of one element per file (its path), in at most the default parallelism's tasks, with the
   * Hadoop configuration broadcast for the executors to open the files; destroy {@code conf} after.
   */
  private record PerFile(List<String> paths, JavaRDD<String> rdd, Broadcast<SerializableConfiguration> conf) {
    static PerFile of(SparkSession spark, List<FileStatus> files) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<String> paths = files.stream().map(f -> f.getPath().toString()).toList();
      return new PerFile(paths, jsc.parallelize(paths, Math.max(1, Math.min(paths.size(), jsc.defaultParallelism()))),
          jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration())));
    }
  }

  /** What the driver learns of a partition. */
  record Stats(long[] runFirst, int[] runKept, long seen, int[] strataKeys, long[] strataCounts, List<String> notes, String error, long errorKey)
      implements Serializable {}

  /** A partition on an executor: its table, the runs of source places it holds, its first problem. */
  static final class Part implements Serializable {
    private static final long serialVersionUID = 1L;
    final Table table;
    final long[] runFirst;
    final int[] runKept;
    final long seen;
    final List<String> notes;
    final String error;
    final long errorKey;
    final int[] strata; // per row, its stratum

    private Part(Build job, Table table, long[] runFirst, int[] runKept, long seen, List<String> notes, String error, long errorKey) {
      this.table = table;
      this.runFirst = runFirst;
      this.runKept = runKept;
      this.seen = seen;
      this.notes = notes;
      this.error = error;
      this.errorKey = errorKey;
      if (table == null) {
        strata = new int[0];
      } else {
        List<ColumnSpec> specs = job.strata();
        int[][] codes = StratifiedSample.codes(specs, table);
        strata = new int[table.rowCount()];
        for (int i = 0; i < strata.length; i++) {
          strata[i] = StratifiedSample.stratum(specs, codes, i);
        }
      }
    }

    static Part build(Build job, int index, Iterator<Rec> it) {
      String file = job.name();
      TableBuilder b = job.csv() ? TableBuilder.csv(job.schema(), file, job.selection())
          : new TableBuilder(job.schema(), file, job.selection(), (pos, col, msg) -> new UsageException(file + ": row " + pos + " (Parquet row index, from 0)"
              + (col > 0 ? ", column " + col : "") + ": " + msg));
      for (String c : job.epochColumns()) {
        b.timeFormat(c, TimeFormat.of(TimeFormat.EPOCH_SECONDS));
      }
      long[] first = new long[4];
      int[] keptIn = new int[4];
      int runs = 0;
      long prev = Long.MIN_VALUE;
      long key = -1;
      try {
        b.header(job.header());
        while (it.hasNext()) {
          Rec r = it.next();
          key = r.key();
          long line = job.csv() ? key : key & ((1L << ROW_BITS) - 1);
          boolean kept = b.row(r.cells(), (int) Math.min(line, Integer.MAX_VALUE));
          if (runs == 0 || key != prev + 1) {
            if (runs == first.length) {
              first = Arrays.copyOf(first, runs * 2);
              keptIn = Arrays.copyOf(keptIn, runs * 2);
            }
            first[runs] = key;
            keptIn[runs++] = 0;
          }
          prev = key;
          if (kept) {
            keptIn[runs - 1]++;
          }
        }
      } catch (UsageException e) {
        return new Part(job, null, new long[0], new int[0], b.rowsSeen(), b.notes(), e.getMessage(), key);
      }
      return new Part(job, b.build(null, job.csv()), Arrays.copyOf(first, runs), Arrays.copyOf(keptIn, runs), b.rowsSeen(), List.copyOf(b.notes()),
          null, Long.MAX_VALUE);
    }

    Stats stats() {
      TreeMap<Integer, Long> byStratum = new TreeMap<>();
      for (int s : strata) {
        byStratum.merge(s, 1L, Long::sum);
      }
      int[] keys = byStratum.keySet().stream().mapToInt(Integer::intValue).toArray();
      long[] counts = byStratum.values().stream().mapToLong(Long::longValue).toArray();
      return new Stats(runFirst, runKept, seen, keys, counts, notes, error, errorKey);
    }

    /** Each row's position among the kept rows of the source, from the sorted runs' first places and offsets. */
    long[] positions(long[] sortedFirst, long[] offsets) {
      long[] pos = new long[table.rowCount()];
      int at = 0;
      for (int j = 0; j < runFirst.length; j++) {
        int r = Arrays.binarySearch(sortedFirst, runFirst[j]);
        long o = offsets[r];
        for (int i = 0; i < runKept[j]; i++) {
          pos[at++] = o + i;
        }
      }
      return pos;
    }
  }

  /** The persisted tables of the partitions. */
  JavaRDD<Table> tables() {
    return parts.map(p -> p.table);
  }

  @Override
  public long rows() {
    return kept;
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public int chunkRows() {
    return Math.max(1, largest);
  }

  /** The data's identity as the in-process reader records it. */
  DataSource source() {
    return source;
  }

  String name() {
    return name;
  }

  String format() {
    return format;
  }

  /** Whether Spark read the CSV split across tasks (no quoted field spans lines); Parquet always. */
  boolean splittable() {
    return splittable;
  }

  int partitionCount() {
    return partitionCount;
  }

  @Override
  public Table sample(int size, long seed) {
    if (size < 1) {
      throw new IllegalArgumentException("sample size must be at least 1, not " + size);
    }
    if (kept <= size) {
      return null;
    }
    int[] keys = strata.keySet().stream().mapToInt(Integer::intValue).toArray();
    long[] totals = strata.values().stream().mapToLong(Long::longValue).toArray();
    long[] take = StratifiedSample.allocate(totals, size);
    long[] first = runFirst;
    long[] offsets = runOffset;
    // On the executors: per stratum, the (priority, position) pairs of smallest priority, as many as the stratum gives;
    // merged pairwise on the executors (treeReduce), so the driver receives one list of `size` pairs.
    long[][] smallest = parts.map(p -> {
      long[] pos = p.positions(first, offsets);
      // One pass over the rows: each row's stratum index (keys are sorted), its stratum's count, then the pairs in row order.
      int[] of = new int[p.strata.length];
      int[] m = new int[keys.length];
      for (int i = 0; i < of.length; i++) {
        of[i] = Arrays.binarySearch(keys, p.strata[i]);
        m[of[i]]++;
      }
      long[][] pairs = new long[keys.length][];
      for (int s = 0; s < keys.length; s++) {
        pairs[s] = new long[2 * m[s]];
      }
      int[] c = new int[keys.length];
      for (int i = 0; i < of.length; i++) {
        int s = of[i];
        pairs[s][c[s]++] = StratifiedSample.priority(seed, pos[i]);
        pairs[s][c[s]++] = pos[i];
      }
      long[][] out = new long[keys.length][];
      for (int s = 0; s < keys.length; s++) {
        out[s] = smallest(pairs[s], (int) take[s]);
      }
      return out;
    }).treeReduce((a, b) -> {
      long[][] out = new long[a.length][];
      for (int s = 0; s < a.length; s++) {
        out[s] = merge(a[s], b[s], (int) take[s]);
      }
      return out;
    }, 2);
    int c = 0;
    for (long[] s : smallest) {
      c += s.length / 2;
    }
    long[] chosen = new long[c];
    int at = 0;
    for (long[] s : smallest) {
      for (int i = 1; i < s.length; i += 2) {
        chosen[at++] = s[i];
      }
    }
    Arrays.sort(chosen);
    Broadcast<long[]> pick = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(chosen);
    Table t;
    try {
      t = gather(p -> {
        long[] pos = p.positions(first, offsets);
        long[] want = pick.value();
        int[] idx = new int[pos.length];
        int m = 0;
        for (int i = 0; i < pos.length; i++) {
          if (Arrays.binarySearch(want, pos[i]) >= 0) {
            idx[m++] = i;
          }
        }
        int[] sel = Arrays.copyOf(idx, m);
        long[] selPos = new long[m];
        for (int i = 0; i < m; i++) {
          selPos[i] = pos[sel[i]];
        }
        return TableCodec.encode(p.table.select(sel), selPos);
      }, source.withSample(StratifiedSample.describe(StratifiedSample.strata(schema), keys.length, c, kept, seed)));
    } finally {
      pick.destroy();
    }
    if (t.rowCount() != c) {
      throw new IllegalStateException("the executors gave " + t.rowCount() + " sampled rows for " + c + " chosen");
    }
    handedOut.add(t);
    return t;
  }

  @Override
  public Table collect() {
    long[] first = runFirst;
    long[] offsets = runOffset;
    Table t = gather(p -> TableCodec.encode(p.table, p.positions(first, offsets)), source);
    handedOut.add(t);
    return t;
  }

  /** Whether {@code t} is a table this JVM received from {@link #sample} or {@link #collect} of these rows (identity). */
  boolean handedOut(Table t) {
    return t != null && handedOut.stream().anyMatch(x -> x == t);
  }

  /** The encoded slices of the partitions, brought to the driver and put in source order. */
  private Table gather(org.apache.spark.api.java.function.Function<Part, byte[]> slice, DataSource src) {
    List<byte[]> got;
    try {
      got = parts.map(slice).collect();
    } catch (Exception e) {
      throw failed(name, format, e);
    }
    List<Table> tables = new ArrayList<>();
    List<long[]> positions = new ArrayList<>();
    int n = 0;
    for (byte[] b : got) {
      TableCodec.Decoded d = TableCodec.decode(schema, b);
      tables.add(d.table());
      positions.add(d.positions());
      n += d.table().rowCount();
    }
    long[] pos = new long[n];
    int at = 0;
    for (long[] p : positions) {
      System.arraycopy(p, 0, pos, at, p.length);
      at += p.length;
    }
    Table all = Table.concat(schema, tables.isEmpty() ? List.of(empty()) : tables, src);
    ROWS_TO_DRIVER.addAndGet(n);
    boolean inOrder = true;
    for (int i = 1; i < n && inOrder; i++) {
      inOrder = pos[i - 1] < pos[i];
    }
    if (inOrder) {
      return all; // the partitions came in source order (as a split read does): no second copy of the rows
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(pos[a], pos[b]));
    return all.select(Arrays.stream(order).mapToInt(Integer::intValue).toArray());
  }

  /** A table of no rows of the schema. */
  Table empty() {
    TableBuilder b = TableBuilder.csv(schema, name, Selection.ALL);
    b.header(schema.columns().stream().map(ColumnSpec::name).toArray(String[]::new));
    return b.build(source, false);
  }

  /** The (priority, position) pairs of smallest priority, at most {@code k}, sorted; ties by position, as the in-process heap orders them. */
  static long[] smallest(long[] pairs, int k) {
    int m = pairs.length / 2;
    Integer[] idx = new Integer[m];
    for (int i = 0; i < m; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> pairs[2 * a] != pairs[2 * b] ? Long.compare(pairs[2 * a], pairs[2 * b]) : Long.compare(pairs[2 * a + 1], pairs[2 * b + 1]));
    int keep = Math.min(k, m);
    long[] out = new long[2 * keep];
    for (int i = 0; i < keep; i++) {
      out[2 * i] = pairs[2 * idx[i]];
      out[2 * i + 1] = pairs[2 * idx[i] + 1];
    }
    return out;
  }

  /** Two sorted pair lists merged, the {@code k} smallest kept. */
  static long[] merge(long[] a, long[] b, int k) {
    int n = Math.min(k, (a.length + b.length) / 2);
    long[] out = new long[2 * n];
    int i = 0;
    int j = 0;
    for (int o = 0; o < n; o++) {
      boolean fromA = j >= b.length || (i < a.length && (a[i] != b[j] ? a[i] < b[j] : a[i + 1] < b[j + 1]));
      long[] s = fromA ? a : b;
      int at = fromA ? i : j;
      out[2 * o] = s[at];
      out[2 * o + 1] = s[at + 1];
      if (fromA) {
        i += 2;
      } else {
        j += 2;
      }
    }
    return out;
  }

  /** Every partition through this JVM, one at a time, in partition order (for a summary that cannot run on the executors). */
  @Override
  public DataSource scan(Consumer<Table> sink) {
    Iterator<byte[]> it;
    try {
      it = parts.map(p -> TableCodec.encode(p.table, new long[p.table.rowCount()])).toLocalIterator();
    } catch (Exception e) {
      throw failed(name, format, e);
    }
    boolean any = false;
    while (it.hasNext()) {
      Table t = TableCodec.decode(schema, it.next()).table();
      ROWS_TO_DRIVER.addAndGet(t.rowCount());
      sink.accept(t);
      any = true;
    }
    if (!any) {
      sink.accept(empty());
    }
    return source;
  }

  @Override
  public void close() {
    try {
      parts.unpersist(false);
    } catch (RuntimeException ignored) {
      // a stopped session
    }
  }
}

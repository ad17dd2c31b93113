package dev.gauntlet.harness.data;

import dev.gauntlet.harness.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The data formats a suite can name: {@code csv} (built in) and those found by {@link ServiceLoader}. */
public final class DataSources {
  private DataSources() {}

  private static final java.util.concurrent.atomic.AtomicLong READS = new java.util.concurrent.atomic.AtomicLong();

  /**
   * How many times this JVM has opened a data source through {@link #load} or {@link #chunks} (a
   * whole table, or the chunks of one): an engine that reads the data where it is (Spark) adds none.
   */
  public static long reads() {
    return READS.get();
  }

  /** The format a path implies: a folder or a {@code .parquet}/{@code .parq}/{@code .pq} file is {@code parquet}, anything else {@code csv}. */
  public static String defaultFormat(Path path) {
    String n = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (Files.isDirectory(path) || n.endsWith(".parquet") || n.endsWith(".parq") || n.endsWith(".pq") || n.endsWith("/")) {
      return "parquet";
    }
    return "csv";
  }

  /** Readers by format, the built-in CSV reader included. */
  public static Map<String, DataReader> readers(char delimiter) {
    Map<String, DataReader> out = new TreeMap<>();
    out.put("csv", new DataReader() {
      @Override
      public String format() {
        return "csv";
      }

      @Override
      public Table read(Path path, Schema schema, Selection selection) {
        if (Files.isDirectory(path)) {
          throw new UsageException(path + ": is a folder; format csv reads one file (a folder of Parquet files needs format: parquet)");
        }
        return TableLoader.load(path, schema, delimiter, selection);
      }

      @Override
      public RowChunks chunks(Path path, Schema schema, Selection selection, int chunkRows) {
        if (Files.isDirectory(path)) {
          throw new UsageException(path + ": is a folder; format csv reads one file (a folder of Parquet files needs format: parquet)");
        }
        return TableLoader.chunks(path, schema, delimiter, selection, chunkRows);
      }
    });
    for (DataReader r : ServiceLoader.load(DataReader.class)) {
      out.putIfAbsent(r.format(), r);
    }
    return out;
  }

  /**
   * Loads {@code path} in {@code format}.
   *
   * @throws UsageException for an unknown format, naming the known ones
   */
  public static Table load(Path path, String format, Schema schema, char delimiter, Selection selection) {
    READS.incrementAndGet();
    return reader(format, delimiter).read(path, schema, selection);
  }

  /** The kept rows of {@code path} in {@code format} as chunks of at most {@code chunkRows} rows (see {@link DataReader#chunks}). */
  public static RowChunks chunks(Path path, String format, Schema schema, char delimiter, Selection selection, int chunkRows) {
    READS.incrementAndGet();
    return reader(format, delimiter).chunks(path, schema, selection, chunkRows);
  }

  private static DataReader reader(String format, char delimiter) {
    Map<String, DataReader> readers = readers(delimiter);
    DataReader r = readers.get(format);
    if (r == null) {
      throw new UsageException("unknown data format '" + format + "'; known formats: " + String.join(", ", readers.keySet())
          + ("parquet".equals(format) ? " (Parquet support is the gauntlet-parquet module: put it on the classpath)" : ""));
    }
    return r;
  }
}

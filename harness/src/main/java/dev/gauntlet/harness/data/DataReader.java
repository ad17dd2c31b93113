package dev.gauntlet.harness.data;

import java.nio.file.Path;

/**
 * Reads a data source of one format into a {@link Table}. Implementations (other than the built-in
 * CSV reader) are listed in {@code META-INF/services/dev.gauntlet.harness.data.DataReader}; the
 * rest of Gauntlet sees only this interface, never the library behind it.
 *
 * @since 0.1
 */
public interface DataReader {

  /** The suite's {@code format:} value, e.g. {@code parquet}. */
  String format();

  /**
   * Reads the rows of {@code path} (a file, or a folder of files where the format allows) that
   * {@code selection} keeps, validated against {@code schema}.
   *
   * @throws dev.gauntlet.harness.UsageException naming the source, the place and the fix for any
   *     problem in the data (missing file, wrong column type, missing value, corrupt file, a
   *     selection that keeps no row)
   */
  Table read(Path path, Schema schema, Selection selection);

  /**
   * The rows of {@code path} that {@code selection} keeps, as chunks of at most {@code chunkRows}
   * rows read again on every scan. The default reads the whole table on each scan and hands it over
   * as one chunk (correct, but not flat in memory); readers that can stream override it.
   */
  default RowChunks chunks(Path path, Schema schema, Selection selection, int chunkRows) {
    return RowChunks.of(schema, Integer.MAX_VALUE, sink -> {
      Table t = read(path, schema, selection);
      sink.accept(t);
      return t.source();
    });
  }
}

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
}

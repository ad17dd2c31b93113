package dev.gauntlet.harness.data;

/**
 * Evaluation or reference rows read where they are by an engine (Spark's executors) rather than by
 * this JVM: the suite loader neither opens the path nor holds the rows, only the seeded stratified
 * sample (or, when the data keeps at most the sample size, every kept row). The loader opens the
 * evaluation data first, then the suite's reference data (when it has one), each with its own call.
 *
 * @since 0.3
 */
public interface RemoteRows {

  /**
   * Opens and validates the data (every record through the schema and the selection, where the rows are).
   *
   * @param path a local path (resolved) or a URI as the suite wrote it; the engine reads it, this JVM does not
   * @param format {@code csv}, {@code parquet}, or null for the format the path implies
   * @throws dev.gauntlet.harness.UsageException naming the path (a missing one says {@code data file not found}) and what is wrong
   */
  Opened open(String path, String format, Schema schema, Selection selection);

  /**
   * The opened rows. As {@link RowChunks} they are the suite's stream: an engine that holds them
   * summarises them where they are; {@link #scan} brings them through this JVM one partition at a
   * time (for a summary no engine can run where the rows are).
   */
  interface Opened extends RowChunks {

    /** The kept rows. */
    long rows();

    /**
     * The seeded stratified sample drawn where the rows are: the same rows in the same order, with
     * the same {@link DataSource.Sample}, as {@link StratifiedSample#draw} over the kept rows in
     * source order; null when {@link #rows()} is at most {@code size}.
     */
    Table sample(int size, long seed);

    /** Every kept row in source order (for data that keeps at most the sample size). */
    Table collect();
  }
}

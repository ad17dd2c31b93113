package dev.gauntlet.harness.data;

import java.util.function.Consumer;

/**
 * The kept rows of a data source as a sequence of chunks, read again on every {@link #scan}: a
 * check that only needs mergeable summaries sees the rows chunk by chunk and never holds more than
 * one. Every chunk is validated exactly as a whole-table read validates it (the same
 * {@link TableBuilder}, the same {@link Selection}); a problem is the same {@link
 * dev.gauntlet.harness.UsageException} naming the file, line and column. Chunks come in source
 * order; a chunk's rows know their file lines when the source is a CSV file.
 *
 * @since 0.3
 */
public interface RowChunks {

  /** The schema every chunk is validated against. */
  Schema schema();

  /** The most rows a chunk holds. */
  int chunkRows();

  /**
   * Reads the source once more and hands each chunk to {@code sink}, in source order; the reader
   * keeps no reference to a chunk after {@code sink} returns. At least one chunk (maybe empty) is
   * handed over.
   *
   * @return the source's identity (SHA-256, size, the selection's counts), as a whole-table read
   *     records it
   * @throws dev.gauntlet.harness.UsageException for a problem in the data, at its place
   */
  DataSource scan(Consumer<Table> sink);

  /**
   * Chunks of at most {@code chunkRows} rows of {@code schema}, each scan done by {@code scan}
   * (handed the sink, never null, it returns the source's identity).
   *
   * @throws IllegalArgumentException when {@code chunkRows} is below 1
   */
  static RowChunks of(Schema schema, int chunkRows, java.util.function.Function<Consumer<Table>, DataSource> scan) {
    if (chunkRows < 1) {
      throw new IllegalArgumentException("chunk rows must be at least 1, not " + chunkRows);
    }
    java.util.Objects.requireNonNull(scan, "scan");
    return new RowChunks() {
      @Override
      public Schema schema() {
        return schema;
      }

      @Override
      public int chunkRows() {
        return chunkRows;
      }

      @Override
      public DataSource scan(Consumer<Table> sink) {
        return scan.apply(java.util.Objects.requireNonNull(sink, "sink"));
      }
    };
  }
}

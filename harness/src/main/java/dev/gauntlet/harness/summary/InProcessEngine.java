package dev.gauntlet.harness.summary;

import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Predictions;
import java.util.stream.IntStream;

/**
 * The engine of one JVM: splits the rows into contiguous ranges, summarises the ranges in parallel
 * and merges them (in range order; the order does not change the result, merges being exact).
 *
 * @since 0.3
 */
public final class InProcessEngine implements SummaryEngine {
  /** The default partition size: 2^20 rows. */
  public static final int DEFAULT_ROWS_PER_PARTITION = 1 << 20;

  private final int rowsPerPartition;
  private final int partitions;

  private InProcessEngine(int rowsPerPartition, int partitions) {
    this.rowsPerPartition = rowsPerPartition;
    this.partitions = partitions;
  }

  /** Partitions of {@value #DEFAULT_ROWS_PER_PARTITION} rows. */
  public static InProcessEngine defaults() {
    return byRows(DEFAULT_ROWS_PER_PARTITION);
  }

  /** Partitions of at most {@code rows} rows each; {@code rows >= 1}. */
  public static InProcessEngine byRows(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("rows per partition must be at least 1, not " + rows);
    }
    return new InProcessEngine(rows, 0);
  }

  /** Exactly {@code count} partitions of (nearly) equal size, some empty when rows are fewer; {@code count >= 1}. */
  public static InProcessEngine partitions(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("partition count must be at least 1, not " + count);
    }
    return new InProcessEngine(0, count);
  }

  int count(int rows) {
    if (partitions > 0) {
      return partitions;
    }
    return Math.max(1, (int) ((rows + (long) rowsPerPartition - 1) / rowsPerPartition));
  }

  @Override
  public <S extends Summary<S>> S summarize(Table data, Predictions predictions, Summarizer<S> summarizer) {
    int n = data.rowCount();
    int k = count(n);
    Object[] parts = IntStream.range(0, k).parallel()
        .mapToObj(c -> summarizer.summarize(new Partition(data, predictions, (int) ((long) n * c / k), (int) ((long) n * (c + 1) / k))))
        .toArray();
    @SuppressWarnings("unchecked")
    S total = (S) parts[0];
    for (int c = 1; c < k; c++) {
      @SuppressWarnings("unchecked")
      S next = (S) parts[c];
      total = total.merge(next);
    }
    return total;
  }

  @Override
  public String describe(Table data) {
    int k = count(data.rowCount());
    return "in-process, " + k + (k == 1 ? " partition" : " partitions");
  }
}

package dev.gauntlet.harness.summary;

import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Predictions;

/**
 * Runs a {@link Summarizer} over the rows of a table, partition by partition, and merges the
 * partitions' summaries. Because summaries merge exactly, every engine (and every partitioning)
 * returns the same summary; engines differ only in where the partitions are summarised.
 *
 * @since 0.3
 */
public interface SummaryEngine {

  /**
   * The merged summary of every row of {@code data}.
   *
   * @param predictions the model's predictions for the rows of {@code data}, or null when the
   *     summariser does not need them
   */
  <S extends Summary<S>> S summarize(Table data, Predictions predictions, Summarizer<S> summarizer);

  /**
   * This engine for the predictions of {@code model} (the candidate's or the baseline's): an engine
   * that runs the model itself where the rows are (Spark's executors) needs to know which one the
   * {@code predictions} it is given come from. By default the engine itself.
   */
  default SummaryEngine forModel(dev.gauntlet.harness.model.ModelUnderTest model) {
    return this;
  }

  /**
   * The merged summary of every row of {@code rows}, one chunk at a time: each chunk is scored by
   * {@code predict} (when not null), summarised by this engine as a table of its own, and dropped;
   * the chunks' summaries merge as they come. Equal, bit for bit, to {@link #summarize(Table,
   * Predictions, Summarizer)} of the whole table, since summaries merge exactly.
   *
   * @param predict the model's predictions for a chunk, or null when the summariser does not need them
   * @since 0.3
   */
  default <S extends Summary<S>> S summarize(dev.gauntlet.harness.data.RowChunks rows,
      java.util.function.Function<Table, Predictions> predict, Summarizer<S> summarizer) {
    Merger<S> merger = new Merger<>();
    rows.scan(chunk -> merger.add(summarize(chunk, predict == null ? null : predict.apply(chunk), summarizer)));
    return merger.result();
  }

  /** A short description for provenance, e.g. {@code in-process, 4 partitions}. */
  String describe(Table data);
}

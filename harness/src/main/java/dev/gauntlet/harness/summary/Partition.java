package dev.gauntlet.harness.summary;

import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Predictions;
import java.util.Objects;

/**
 * Some rows to summarise: rows {@code from} (inclusive) to {@code to} (exclusive) of a table, with
 * the model's predictions for the same rows of that table (index {@code i} of {@code predictions}
 * is row {@code i} of {@code data}), or null when the summariser does not need the model.
 * The in-process engine passes ranges of the whole table; an engine that ships rows passes a
 * table of its own rows with {@code from = 0, to = data.rowCount()}.
 *
 * @since 0.3
 */
public record Partition(Table data, Predictions predictions, int from, int to) {

  /** Checks the range against the table and the predictions. */
  public Partition {
    Objects.requireNonNull(data, "data");
    if (from < 0 || to < from || to > data.rowCount()) {
      throw new IllegalArgumentException("partition rows [" + from + ", " + to + ") outside the table's " + data.rowCount() + " rows");
    }
    if (predictions != null && predictions.size() != data.rowCount()) {
      throw new IllegalArgumentException("partition predictions cover " + predictions.size() + " rows, the table " + data.rowCount());
    }
  }

  /** The whole of a table. */
  public static Partition of(Table data, Predictions predictions) {
    return new Partition(data, predictions, 0, data.rowCount());
  }

  /** The number of rows. */
  public int size() {
    return to - from;
  }
}

package dev.gauntlet.spark;

import dev.gauntlet.harness.summary.Summary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** The rows of a partition that the schema validated and the selection kept: the Spark engine's validation pass. */
record RowCount(long rows) implements Summary<RowCount> {

  @Override
  public RowCount merge(RowCount other) {
    return new RowCount(rows + other.rows);
  }

  @Override
  public void encode(DataOutput out) throws IOException {
    out.writeLong(rows);
  }

  static RowCount decode(DataInput in) throws IOException {
    return new RowCount(in.readLong());
  }
}

package dev.gauntlet.harness.data;

/** The kind of values a column holds. */
public enum ColumnType {
  /** Real numbers (integers too, with {@code integer: true}). */
  NUMERIC,
  /** A closed set of categories declared in the schema. */
  CATEGORICAL,
  /** Two categories; encoded as a single 0/1 input. */
  BINARY,
  /** A date or date-time; stored as epoch seconds (UTC). */
  TIMESTAMP,
  /** Free text; only for id and ignored columns. */
  TEXT
}

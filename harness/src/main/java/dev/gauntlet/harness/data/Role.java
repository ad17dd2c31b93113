package dev.gauntlet.harness.data;

/** What a column is for in an audit. A column may have several roles (e.g. feature and protected). */
public enum Role {
  /** An input of the model. */
  FEATURE,
  /** A protected attribute whose groups fairness checks compare. */
  PROTECTED,
  /** The true outcome. */
  LABEL,
  /** A precomputed decision (class) of a model that cannot be run. */
  PREDICTION,
  /** A precomputed score of a model that cannot be run (e.g. a vendor's risk score). */
  SCORE,
  /** The time of the row, for temporal holdout and drift. */
  TIME,
  /** A row identifier shown in evidence. */
  ID,
  /** Carried along as the text the file holds, never parsed or validated (any value is fine); not combinable with another role. */
  IGNORE
}

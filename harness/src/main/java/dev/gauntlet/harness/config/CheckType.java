package dev.gauntlet.harness.config;

import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.data.Schema;

/**
 * A check that YAML suites can name with {@code type:}. Modules publish their types through a
 * {@link CheckProvider}; the vocabulary is closed and documented, never class names from config.
 */
public interface CheckType {

  /** The name used in YAML, e.g. {@code performance} or {@code fairness.selection-rate}. */
  String name();

  /** One line for {@code gauntlet checks} and error messages. */
  String description();

  /**
   * Makes the check from its {@code params:} mapping (an empty mapping when absent). Validates every
   * parameter against the schema and reports mistakes at the offending node.
   */
  Check<?> create(ConfigNode params, Schema schema);
}

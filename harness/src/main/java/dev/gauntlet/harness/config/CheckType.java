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

  /** Makes a check from its validated {@code params:}; see {@link CheckType#create}. */
  @FunctionalInterface
  interface Factory {
    Check<?> create(ConfigNode params, Schema schema);
  }

  /** A check type from its name, its one-line description and the factory that makes it. */
  static CheckType of(String name, String description, Factory factory) {
    java.util.Objects.requireNonNull(name, "name");
    java.util.Objects.requireNonNull(description, "description");
    java.util.Objects.requireNonNull(factory, "factory");
    return new CheckType() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public Check<?> create(ConfigNode params, Schema schema) {
        return factory.create(params, schema);
      }
    };
  }
}

package dev.gauntlet.harness.config;

import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.ParamDecl;
import java.util.List;
import java.util.Objects;

/**
 * A check that YAML suites can name with {@code type:}: the one place where the type is published,
 * with its parameters and its metrics as data. Modules publish their types through a {@link
 * CheckProvider}; the vocabulary is closed and documented, never class names from config.
 *
 * <p>The loader accepts only the declared parameter keys (anything else is exit 2 at the key's
 * line and column) and validates every condition against {@link #metrics()} before any data or
 * model is loaded.
 */
public interface CheckType {

  /** The name used in YAML, e.g. {@code performance} or {@code fairness.slices}. */
  String name();

  /** One line for {@code gauntlet checks} and error messages. */
  String description();

  /** The metrics the check measures: the same set its checks return from {@link Check#metrics()}. */
  MetricSet metrics();

  /** The parameters, in documentation order. */
  List<ParamDecl> params();

  /**
   * Makes the check from its {@code params:} mapping (an empty mapping when absent). Only the
   * declared keys reach the factory; the check's own record validates the values (a {@link
   * dev.gauntlet.harness.metric.ParamException} is reported at the parameter's node).
   */
  Check<?> create(ConfigNode params, Schema schema);

  /** Makes a check from its {@code params:}; see {@link CheckType#create}. */
  @FunctionalInterface
  interface Factory {
    Check<?> create(ConfigNode params, Schema schema);
  }

  /** A check type from its name, description, declarations and the factory that makes it. */
  static CheckType of(String name, String description, MetricSet metrics, List<ParamDecl> params, Factory factory) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(metrics, "metrics");
    List<ParamDecl> ps = List.copyOf(params);
    Objects.requireNonNull(factory, "factory");
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
      public MetricSet metrics() {
        return metrics;
      }

      @Override
      public List<ParamDecl> params() {
        return ps;
      }

      @Override
      public Check<?> create(ConfigNode params, Schema schema) {
        List<String> keys = ps.stream().map(ParamDecl::name).toList();
        if (params.isMapping()) {
          for (String k : params.keys()) {
            if (!keys.contains(k)) {
              String near = MetricSet.nearest(k, keys).map(n -> " Did you mean '" + n + "'?").orElse("");
              throw params.get(k).error("check type '" + name + "' has no parameter '" + k + "'." + near
                  + (keys.isEmpty() ? " It takes no parameters." : " Its parameters: " + String.join(", ", keys) + "."));
            }
          }
        }
        params.allowOnly(keys.toArray(String[]::new));
        try {
          return factory.create(params, schema);
        } catch (dev.gauntlet.harness.metric.ParamException e) {
          throw params.opt(e.param()).orElse(params).error(e.getMessage());
        }
      }
    };
  }
}

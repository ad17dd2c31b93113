package dev.gauntlet.harness.run;

import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.Condition;
import dev.gauntlet.harness.check.Measured;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A check in a suite, with its id and the conditions that judge it.
 *
 * @param id unique in the suite; letters, digits, '-', '_' and '.'
 * @param check the check
 * @param conditions at least one; a check nobody judges would pass silently
 * @param required whether the gate needs it: a required check that ends all INCONCLUSIVE fails the
 *     gate; an advisory one ({@code false}) turns its FAILs into warnings. An ERROR always fails.
 */
public record CheckSpec<V extends Measured>(String id, Check<V> check, List<Condition<? super V>> conditions, boolean required) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  public CheckSpec {
    Objects.requireNonNull(check, "check");
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("check id '" + id + "' must start with a letter or digit and use only letters, digits, '-', '_' and '.'");
    }
    conditions = List.copyOf(conditions);
    if (conditions.isEmpty()) {
      throw new IllegalArgumentException("check '" + id + "' has no conditions; a check nobody judges would pass silently");
    }
  }

  /**
   * Validates every metric condition against the check's declared metrics and the schema's
   * attributes: an unknown metric or subject is an {@link IllegalArgumentException} naming the
   * valid ones (and the nearest, for a typo).
   */
  public void validate(dev.gauntlet.harness.data.Schema schema) {
    if (schema != null) {
      requireTask(id, check, schema);
    }
    dev.gauntlet.harness.metric.MetricSet ms = check.metrics();
    java.util.Objects.requireNonNull(ms, () -> "check '" + id + "' declares no metrics");
    for (Condition<? super V> c : conditions) {
      if (c instanceof dev.gauntlet.harness.check.MetricCondition mc) {
        try {
          mc.validate(ms, null);
          if (mc.subject() != null && schema != null) {
            dev.gauntlet.harness.metric.SubjectCheck.against(mc.subject(), schema);
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("check '" + id + "': " + e.getMessage(), e);
        }
      } else if (c instanceof dev.gauntlet.harness.check.TrendCondition tc) {
        try {
          tc.validate(ms, null);
          if (tc.subject() != null && schema != null) {
            dev.gauntlet.harness.metric.SubjectCheck.against(tc.subject(), schema);
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("check '" + id + "': " + e.getMessage(), e);
        }
      }
    }
  }

  @SafeVarargs
  public static <V extends Measured> CheckSpec<V> of(String id, Check<V> check, Condition<? super V>... conditions) {
    return new CheckSpec<>(id, check, List.of(conditions), true);
  }

  /** The same check, advisory. */
  public CheckSpec<V> advisory() {
    return new CheckSpec<>(id, check, conditions, false);
  }

  /**
   * Refuses a check that does not apply to the suite's task (a classification check in a regression
   * suite, or the reverse), with an {@link IllegalArgumentException} naming the check, its tasks and
   * the label's shape.
   */
  public static void requireTask(String id, dev.gauntlet.harness.check.Check<?> check, dev.gauntlet.harness.data.Schema schema) {
    java.util.Optional<dev.gauntlet.harness.model.Task> task = dev.gauntlet.harness.model.Task.of(schema);
    if (task.isPresent() && !check.tasks().contains(task.get())) {
      throw new IllegalArgumentException("check '" + id + "' (" + check.title() + ") applies to "
          + check.tasks().stream().map(dev.gauntlet.harness.model.Task::text).sorted().collect(java.util.stream.Collectors.joining(" and "))
          + " suites, but " + dev.gauntlet.harness.model.Task.labelShape(schema.label().get())
          + "; remove the check or use one made for " + task.get().text() + " models");
    }
  }
}

package dev.gauntlet.harness.metric;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The declaration of one metric a check type measures: its name, the shapes its subjects take,
 * which way is better, whether it carries an interval, and what it means. Conditions are validated
 * against declarations when a suite loads or is built; a check that measures an undeclared metric
 * is an ERROR.
 *
 * @param name lower snake case, e.g. {@code robust_accuracy}
 * @param subjects the allowed subject shapes, at least one
 * @param direction which way is better
 * @param interval whether measurements carry a confidence interval (when there is data for one)
 * @param description one line for the README and {@code gauntlet checks}
 */
public record MetricDecl(String name, List<SubjectShape> subjects, Direction direction, boolean interval, String description) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  public MetricDecl {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("metric name '" + name + "' must be lower snake case");
    }
    subjects = List.copyOf(subjects);
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("metric '" + name + "' declares no subject shape");
    }
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(description, "description");
  }

  /** A metric of the whole data without an interval. */
  public static MetricDecl of(String name, Direction direction, String description) {
    return new MetricDecl(name, List.of(SubjectShape.NONE), direction, false, description);
  }

  /** The same metric with these subject shapes instead. */
  public MetricDecl about(SubjectShape... shapes) {
    return new MetricDecl(name, List.of(shapes), direction, interval, description);
  }

  /** The same metric, with an interval. */
  public MetricDecl withInterval() {
    return new MetricDecl(name, subjects, direction, true, description);
  }

  public boolean accepts(Subject s) {
    for (SubjectShape sh : subjects) {
      if (sh.matches(s)) {
        return true;
      }
    }
    return false;
  }

  /** The allowed subject patterns, joined by " or ". */
  public String subjectPatterns() {
    return String.join(" or ", subjects.stream().map(SubjectShape::pattern).toList());
  }
}

package dev.gauntlet.harness.metric;

import java.util.Objects;

/**
 * Names one measurement: a metric and what it is about. Rendered as {@code name} for the whole
 * data and {@code name[subject]} otherwise, the same way in every report.
 */
public record MetricId(String name, Subject subject) {
  public MetricId {
    Objects.requireNonNull(name, "name");
    subject = subject == null ? Subject.all() : subject;
  }

  public static MetricId of(String name) {
    return new MetricId(name, Subject.all());
  }

  public static MetricId of(String name, Subject subject) {
    return new MetricId(name, subject);
  }

  @Override
  public String toString() {
    return subject.isAll() ? name : name + "[" + subject + "]";
  }
}

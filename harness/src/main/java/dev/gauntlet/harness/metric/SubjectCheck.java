package dev.gauntlet.harness.metric;

import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Schema;


import java.util.Map;
import java.util.Optional;

/** Checks a condition's subject against the schema: slice attributes and feature names must exist. */
public final class SubjectCheck {
  private SubjectCheck() {}

  public static void against(Subject s, Schema schema) {
    for (Map.Entry<String, String> a : s.attributes().entrySet()) {
      Optional<ColumnSpec> c = schema.find(a.getKey());
      if (c.isEmpty()) {
        String near = MetricSet.nearest(a.getKey(), schema.columns().stream().map(ColumnSpec::name).toList())
            .map(n -> " Did you mean '" + n + "'?").orElse("");
        throw new IllegalArgumentException("subject '" + s + "' names attribute '" + a.getKey() + "', which schema '" + schema.name()
            + "' does not have." + near);
      }
      if (c.get().hasCategories() && !c.get().categories().contains(a.getValue())) {
        String near = MetricSet.nearest(a.getValue(), c.get().categories()).map(n -> " Did you mean '" + n + "'?").orElse("");
        throw new IllegalArgumentException("subject '" + s + "': column '" + a.getKey() + "' has no category '" + a.getValue() + "'; its categories: "
            + String.join(", ", c.get().categories()) + "." + near);
      }
    }
    String f = s.get(Subject.Dim.FEATURE);
    if (f != null && schema.find(f).isEmpty() && !f.equals("score") && !f.equals("prediction")) {
      // an intersection of attributes is written with '*': feature=sex*region
      for (String part : f.contains("*") ? f.split("\\*", -1) : new String[] {f}) {
        if (schema.find(part).isEmpty()) {
          String near = MetricSet.nearest(part, schema.columns().stream().map(ColumnSpec::name).toList())
              .map(n -> " Did you mean '" + n + "'?").orElse("");
          throw new IllegalArgumentException("subject '" + s + "' names feature '" + part + "', which schema '" + schema.name() + "' does not have."
              + near);
        }
      }
    }
  }
}

package dev.gauntlet.harness.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The columns of a dataset, their types, roles, valid ranges and encodings.
 *
 * @param name a short name for reports
 * @param delimiter the CSV field delimiter
 * @param missing tokens that mean "no value" (a missing value in a used column is an error)
 * @param columns the declared columns, in encoding order
 * @param source where the schema was read from, or null when built in code
 */
public record Schema(String name, char delimiter, Set<String> missing, List<ColumnSpec> columns, String source) implements java.io.Serializable {

  public Schema {
    columns = List.copyOf(columns);
    missing = Set.copyOf(missing);
    Map<String, ColumnSpec> seen = new LinkedHashMap<>();
    for (ColumnSpec c : columns) {
      if (seen.put(c.name(), c) != null) {
        throw new IllegalArgumentException("schema declares column '" + c.name() + "' twice");
      }
    }
    long labels = columns.stream().filter(c -> c.has(Role.LABEL)).count();
    if (labels > 1) {
      throw new IllegalArgumentException("schema declares " + labels + " label columns; at most one is allowed");
    }
  }

  public Optional<ColumnSpec> find(String column) {
    return columns.stream().filter(c -> c.name().equals(column)).findFirst();
  }

  public ColumnSpec column(String column) {
    return find(column).orElseThrow(() -> new IllegalArgumentException(
        "schema '" + name + "' has no column '" + column + "'; it has " + names(columns)));
  }

  public List<ColumnSpec> withRole(Role role) {
    List<ColumnSpec> out = new ArrayList<>();
    for (ColumnSpec c : columns) {
      if (c.has(role)) {
        out.add(c);
      }
    }
    return out;
  }

  public List<ColumnSpec> features() {
    return withRole(Role.FEATURE);
  }

  public List<ColumnSpec> protectedAttributes() {
    return withRole(Role.PROTECTED);
  }

  public Optional<ColumnSpec> label() {
    return withRole(Role.LABEL).stream().findFirst();
  }

  public Optional<ColumnSpec> time() {
    return withRole(Role.TIME).stream().findFirst();
  }

  public Optional<ColumnSpec> id() {
    return withRole(Role.ID).stream().findFirst();
  }

  static String names(List<ColumnSpec> cols) {
    List<String> n = new ArrayList<>();
    for (ColumnSpec c : cols) {
      n.add(c.name());
    }
    return String.join(", ", n);
  }
}

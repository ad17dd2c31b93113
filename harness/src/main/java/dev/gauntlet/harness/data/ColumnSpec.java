package dev.gauntlet.harness.data;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One column of a {@link Schema}.
 *
 * @param name the header name in the data file
 * @param type the kind of values
 * @param roles what the column is for; never empty
 * @param min the smallest valid value (numeric), or {@code NaN} for none
 * @param max the largest valid value (numeric), or {@code NaN} for none
 * @param integer whether numeric values are whole numbers (attacks keep them whole)
 * @param categories the declared categories (categorical, binary, label); values outside are errors
 * @param mutable whether an attack or perturbation may change this feature
 * @param monotone the direction in which this feature must move the positive score, if any
 * @param encoding how the feature enters the model's input vector
 * @param format a {@link java.time.format.DateTimeFormatter} pattern for timestamps, or null for ISO
 * @param positive the positive class of a label column, or null for the second category
 */
public record ColumnSpec(
    String name,
    ColumnType type,
    Set<Role> roles,
    double min,
    double max,
    boolean integer,
    List<String> categories,
    boolean mutable,
    Monotone monotone,
    Encoding encoding,
    String format,
    String positive) implements java.io.Serializable {

  public ColumnSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (roles == null || roles.isEmpty()) {
      throw new IllegalArgumentException("column '" + name + "' needs at least one role");
    }
    roles = Set.copyOf(EnumSet.copyOf(roles));
    categories = categories == null ? List.of() : List.copyOf(categories);
    monotone = monotone == null ? Monotone.NONE : monotone;
    if (encoding == null) {
      encoding = new Encoding.Excluded();
    }
    if (!Double.isNaN(min) && !Double.isNaN(max) && min > max) {
      throw new IllegalArgumentException("column '" + name + "': range min " + min + " is above max " + max);
    }
    if ((type == ColumnType.CATEGORICAL || type == ColumnType.BINARY) && categories.isEmpty()) {
      throw new IllegalArgumentException("column '" + name + "' is " + type.name().toLowerCase() + " and needs its categories listed");
    }
    if (type == ColumnType.BINARY && categories.size() != 2) {
      throw new IllegalArgumentException("column '" + name + "' is binary and needs exactly 2 categories, got " + categories);
    }
    if (positive != null && !categories.contains(positive)) {
      throw new IllegalArgumentException("column '" + name + "': positive class '" + positive + "' is not one of " + categories);
    }
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  public boolean isFeature() {
    return roles.contains(Role.FEATURE);
  }

  public boolean hasCategories() {
    return type == ColumnType.CATEGORICAL || type == ColumnType.BINARY;
  }

  /** Index of the positive class among the categories (the second one unless {@code positive} says otherwise). */
  public int positiveIndex() {
    if (positive != null) {
      return categories.indexOf(positive);
    }
    return categories.size() >= 2 ? 1 : 0;
  }
}

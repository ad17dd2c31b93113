package dev.gauntlet.harness.data;

import dev.gauntlet.harness.config.ConfigNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a {@link Schema} from YAML. The format is documented in the README ("Schema file"); every
 * mistake is reported with the file, line and column of the offending key.
 */
public final class SchemaLoader {
  private SchemaLoader() {}

  public static Schema load(Path file) {
    return parse(ConfigNode.load(file));
  }

  public static Schema parse(ConfigNode root) {
    root.allowOnly("name", "delimiter", "missing", "columns");
    String name = root.text("name", "data");
    String delim = root.text("delimiter", ",");
    if ("\\t".equals(delim) || "tab".equals(delim)) {
      delim = "\t";
    }
    if (delim.length() != 1 || delim.equals("\"") || delim.equals("\n") || delim.equals("\r")) {
      throw root.get("delimiter").error("the delimiter must be one character other than a quote or a line break, got '" + delim + "'");
    }
    Set<String> missing = new HashSet<>(root.has("missing") ? root.strings("missing") : List.of(""));
    List<ColumnSpec> cols = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<ConfigNode> items = root.get("columns").asList();
    if (items.isEmpty()) {
      throw root.get("columns").error("the schema declares no columns");
    }
    for (ConfigNode c : items) {
      ColumnSpec spec = column(c);
      if (!names.add(spec.name())) {
        throw c.error("column '" + spec.name() + "' is declared twice");
      }
      cols.add(spec);
    }
    long labels = cols.stream().filter(c -> c.has(Role.LABEL)).count();
    if (labels > 1) {
      throw root.get("columns").error("more than one column has role label; a schema has at most one label");
    }
    return new Schema(name, delim.charAt(0), missing, cols, root.file());
  }

  private static ColumnSpec column(ConfigNode c) {
    c.allowOnly("name", "type", "role", "roles", "range", "integer", "categories", "mutable", "monotone",
        "encoding", "format", "positive", "description");
    String name = c.text("name");
    ColumnType type = c.get("type").asEnum(ColumnType.class);
    Set<Role> roles = EnumSet.noneOf(Role.class);
    ConfigNode roleNode = c.opt("role").or(() -> c.opt("roles")).orElseThrow(
        () -> c.error("column '" + name + "' needs a role (feature, protected, label, prediction, score, time, id, ignore)"));
    if (roleNode.isScalar()) {
      roles.add(roleNode.asEnum(Role.class));
    } else {
      for (ConfigNode r : roleNode.asList()) {
        roles.add(r.asEnum(Role.class));
      }
    }
    if (roles.contains(Role.IGNORE) && roles.size() > 1) {
      throw roleNode.error("column '" + name + "' has role ignore and also " + roles.stream().filter(r -> r != Role.IGNORE)
          .map(r -> r.name().toLowerCase(java.util.Locale.ROOT)).toList() + "; an ignored column is not parsed, so it cannot be used: keep one or the other");
    }
    double min = Double.NaN;
    double max = Double.NaN;
    Optional<ConfigNode> range = c.opt("range");
    if (range.isPresent()) {
      if (type != ColumnType.NUMERIC) {
        throw range.get().error("a range applies to numeric columns only; '" + name + "' is " + type.name().toLowerCase());
      }
      List<ConfigNode> r = range.get().asList();
      if (r.size() != 2) {
        throw range.get().error("range must be [min, max], got " + r.size() + " values");
      }
      min = r.get(0).asDouble();
      max = r.get(1).asDouble();
      if (min > max) {
        throw range.get().error("range min " + min + " is above max " + max);
      }
    }
    List<String> categories = c.strings("categories");
    if ((type == ColumnType.CATEGORICAL || type == ColumnType.BINARY) && categories.isEmpty()) {
      throw c.error("column '" + name + "' is " + type.name().toLowerCase() + ": list its categories, e.g. categories: [a, b]");
    }
    if (type == ColumnType.BINARY && categories.size() != 2) {
      throw c.get("categories").error("a binary column needs exactly 2 categories, got " + categories.size());
    }
    if (new HashSet<>(categories).size() != categories.size()) {
      throw c.get("categories").error("categories are listed twice: " + categories);
    }
    if (type == ColumnType.TEXT && !(roles.contains(Role.ID) || roles.contains(Role.IGNORE))) {
      throw c.get("type").error("type text is only for id or ignored columns; '" + name + "' has roles " + roles);
    }
    if (roles.contains(Role.LABEL) && !(type == ColumnType.CATEGORICAL || type == ColumnType.BINARY || type == ColumnType.NUMERIC)) {
      throw c.get("type").error("a label column must be categorical or binary with its classes listed (a classification suite),"
          + " or numeric (a regression suite)");
    }
    if (roles.contains(Role.LABEL) && type == ColumnType.NUMERIC && c.has("categories")) {
      throw c.get("categories").error("a numeric label (a regression suite) has no categories; for classes, make the label categorical");
    }
    if (roles.contains(Role.TIME) && type != ColumnType.TIMESTAMP) {
      throw c.get("type").error("a time column must have type timestamp");
    }
    if ((roles.contains(Role.SCORE)) && type != ColumnType.NUMERIC) {
      throw c.get("type").error("a score column must be numeric");
    }
    boolean feature = roles.contains(Role.FEATURE);
    boolean mutable = c.bool("mutable", feature && !roles.contains(Role.PROTECTED));
    Monotone monotone = c.opt("monotone").map(n -> n.asEnum(Monotone.class)).orElse(Monotone.NONE);
    if (monotone != Monotone.NONE && type != ColumnType.NUMERIC) {
      throw c.get("monotone").error("monotone applies to numeric features only");
    }
    Encoding enc = feature ? encoding(c, name, type, min, max) : new Encoding.Excluded();
    if (!feature && c.has("encoding")) {
      throw c.get("encoding").error("column '" + name + "' is not a feature, so it has no encoding");
    }
    String positive = c.opt("positive").map(ConfigNode::asText).orElse(null);
    if (positive != null && !categories.contains(positive)) {
      throw c.get("positive").error("positive class '" + positive + "' is not one of the categories " + categories);
    }
    String format = c.opt("format").map(ConfigNode::asText).orElse(null);
    if (format != null) {
      if (type != ColumnType.TIMESTAMP) {
        throw c.get("format").error("'format' says how a timestamp is written; column '" + name + "' is " + type.name().toLowerCase());
      }
      try {
        TimeFormat.of(format);
      } catch (IllegalArgumentException e) {
        throw c.get("format").error("invalid time format '" + format + "': " + e.getMessage() + "; use a date pattern (yyyy, yyyy-MM, yyyy-MM-dd,"
            + " dd/MM/yyyy HH:mm, ...) or epoch-seconds / epoch-millis");
      }
    }
    try {
      return new ColumnSpec(name, type, roles, min, max, c.bool("integer", false), categories, mutable, monotone, enc, format, positive);
    } catch (IllegalArgumentException e) {
      throw c.error(e.getMessage());
    }
  }

  private static Encoding encoding(ConfigNode c, String name, ColumnType type, double min, double max) {
    Optional<ConfigNode> n = c.opt("encoding");
    switch (type) {
      case CATEGORICAL -> {
        String kind = n.map(ConfigNode::asText).orElse("onehot");
        return switch (kind) {
          case "onehot", "one-hot" -> new Encoding.OneHot();
          case "ordinal" -> new Encoding.Ordinal();
          default -> throw n.get().error("categorical encoding must be onehot or ordinal, got '" + kind + "'");
        };
      }
      case BINARY -> {
        if (n.isPresent() && !n.get().asText().equals("binary")) {
          throw n.get().error("a binary feature is encoded as one 0/1 input; remove the encoding or write 'binary'");
        }
        return new Encoding.Ordinal();
      }
      case NUMERIC -> {
        if (n.isEmpty()) {
          return Encoding.Scaled.none();
        }
        ConfigNode e = n.get();
        if (e.isScalar()) {
          String kind = e.asText();
          if (kind.equals("none")) {
            return Encoding.Scaled.none();
          }
          if (kind.equals("minmax")) {
            return minmax(e, name, min, max);
          }
          throw e.error("numeric encoding must be none, minmax, {scale: minmax, min:, max:} or {scale: standard, mean:, std:}; got '" + kind + "'");
        }
        e.allowOnly("scale", "mean", "std", "min", "max");
        String kind = e.text("scale");
        switch (kind) {
          case "none":
            return Encoding.Scaled.none();
          case "minmax":
            return minmax(e, name, e.dbl("min", min), e.dbl("max", max));
          case "standard": {
            double mean = e.get("mean").asDouble();
            double std = e.get("std").asDouble();
            if (!(std > 0)) {
              throw e.get("std").error("std must be positive, got " + std);
            }
            return new Encoding.Scaled("standard", mean, std);
          }
          default:
            throw e.get("scale").error("scale must be none, minmax or standard, got '" + kind + "'");
        }
      }
      default -> throw c.get("type").error("a " + type.name().toLowerCase() + " column cannot be a model feature");
    }
  }

  private static Encoding minmax(ConfigNode e, String name, double min, double max) {
    if (Double.isNaN(min) || Double.isNaN(max)) {
      throw e.error("minmax scaling of '" + name + "' needs min and max, in the encoding or as the column's range");
    }
    if (!(max > min)) {
      throw e.error("minmax scaling of '" + name + "' needs max > min, got [" + min + ", " + max + "]");
    }
    return new Encoding.Scaled("minmax", min, max - min);
  }
}

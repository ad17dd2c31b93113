package dev.gauntlet.harness.metric;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics a check type declares, by name. {@link #require} fails loudly on an unknown name,
 * with the valid names and a "did you mean" for a near miss.
 */
public final class MetricSet {
  private final Map<String, MetricDecl> byName = new LinkedHashMap<>();

  private MetricSet(List<MetricDecl> decls) {
    for (MetricDecl d : decls) {
      if (byName.putIfAbsent(d.name(), d) != null) {
        throw new IllegalArgumentException("metric '" + d.name() + "' is declared twice");
      }
    }
  }

  public static MetricSet of(MetricDecl... decls) {
    return new MetricSet(List.of(decls));
  }

  public static MetricSet of(List<MetricDecl> decls) {
    return new MetricSet(decls);
  }

  public Collection<MetricDecl> all() {
    return byName.values();
  }

  public Optional<MetricDecl> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The declaration of {@code name}; an {@link IllegalArgumentException} naming the valid ones otherwise. */
  public MetricDecl require(String name, String checkType) {
    MetricDecl d = byName.get(name);
    if (d == null) {
      String near = nearest(name, byName.keySet()).map(n -> " Did you mean '" + n + "'?").orElse("");
      throw new IllegalArgumentException((checkType == null ? "this check" : "check type '" + checkType + "'") + " measures no metric '" + name + "'."
          + near + " Its metrics: " + String.join(", ", byName.keySet()) + ".");
    }
    return d;
  }

  /**
   * Checks a condition's metric and optional subject. Throws {@link IllegalArgumentException}
   * saying what is wrong and what is allowed.
   */
  public MetricDecl validate(String metric, Subject subject, String checkType) {
    MetricDecl d = require(metric, checkType);
    if (subject != null && !d.accepts(subject)) {
      throw new IllegalArgumentException("metric '" + metric + "' has no subject '" + subject + "'; its subjects look like "
          + d.subjectPatterns() + (subject.isAll() ? "" : "") + ".");
    }
    return d;
  }

  /** The closest name within an edit distance of a third of the name's length (at least 2). */
  public static Optional<String> nearest(String name, Collection<String> names) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String n : names) {
      int d = distance(name.toLowerCase(), n.toLowerCase());
      if (d < bestD) {
        bestD = d;
        best = n;
      }
    }
    int limit = Math.max(2, name.length() / 3);
    return best != null && bestD <= limit ? Optional.of(best) : Optional.empty();
  }

  /** Damerau-Levenshtein (optimal string alignment) distance. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  public List<String> names() {
    return new ArrayList<>(byName.keySet());
  }
}

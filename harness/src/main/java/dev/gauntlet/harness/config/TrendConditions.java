package dev.gauntlet.harness.config;

import dev.gauntlet.harness.check.TrendCondition;
import java.util.List;

/**
 * Parses the trend conditions of a suite's {@code conditions:} list (README, "Trend conditions"):
 * {@code maxDropFromPromoted: d} (with optional {@code warn}), {@code sustainedDrop: {windows: k, by:
 * d}} and {@code controlChart: {sigma: s, min: n}}, each with {@code metric} and an optional {@code
 * subject}.
 */
public final class TrendConditions {
  /** The keys that make a condition a trend condition. */
  public static final List<String> KINDS = List.of("maxDropFromPromoted", "sustainedDrop", "controlChart");

  private TrendConditions() {}

  /** Whether this condition node names a trend rule. */
  public static boolean isTrend(ConfigNode n) {
    return n.isMapping() && KINDS.stream().anyMatch(n::has);
  }

  /** Parses one trend condition; a {@link dev.gauntlet.harness.UsageException} at the node otherwise. */
  public static TrendCondition parse(ConfigNode n) {
    n.allowOnly("metric", "subject", "maxDropFromPromoted", "sustainedDrop", "controlChart", "warn");
    List<String> kinds = KINDS.stream().filter(n::has).toList();
    if (kinds.size() != 1) {
      throw n.error("a trend condition needs exactly one of " + String.join(", ", KINDS) + "; found " + kinds);
    }
    String metric = n.text("metric");
    String kind = kinds.get(0);
    TrendCondition tc;
    try {
      tc = switch (kind) {
        case "maxDropFromPromoted" -> TrendCondition.maxDropFromPromoted(metric, n.get(kind).asDouble());
        case "sustainedDrop" -> {
          ConfigNode k = n.get(kind).allowOnly("windows", "by");
          yield TrendCondition.sustainedDrop(metric, k.get("windows").asInt(), k.get("by").asDouble());
        }
        default -> {
          ConfigNode k = n.get(kind).allowOnly("sigma", "min");
          yield TrendCondition.controlChart(metric, k.dbl("sigma", 3), k.integer("min", 8));
        }
      };
      if (n.has("warn")) {
        tc = tc.warnAt(n.get("warn").asDouble());
      }
    } catch (IllegalArgumentException e) {
      throw n.opt(kind).orElse(n).error(e.getMessage());
    }
    if (n.has("subject")) {
      try {
        tc = tc.forSubject(dev.gauntlet.harness.metric.Subject.parse(n.text("subject")));
      } catch (IllegalArgumentException e) {
        throw n.get("subject").error(e.getMessage());
      }
    }
    return tc;
  }
}

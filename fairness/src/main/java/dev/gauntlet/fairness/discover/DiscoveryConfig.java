package dev.gauntlet.fairness.discover;

import dev.gauntlet.harness.metric.ParamException;
import java.util.List;
import java.util.Objects;

/**
 * The settings of {@code slices.discover}, validated here: the one validator for Java and YAML.
 *
 * @param columns the columns whose values (or quantile bins) form predicates; empty = every
 *     feature and protected column of the schema
 * @param target what a bad row is (error, FPR, FNR, denial, selection)
 * @param depth the most predicates in one slice, in [1, {@value SliceSearch#MAX_DEPTH}]
 * @param minSize the fewest rows (of the target's denominator) a reported slice has
 * @param bins quantile bins per numeric column, in [2, 20]
 * @param effect how much higher than the whole's a slice's rate must be, in (0, 1)
 * @param fdr the Benjamini-Hochberg false discovery rate over the tested family, in (0, 0.5)
 * @param alpha SliceLine's weight of the error term against the size term, in (0, 1]
 * @param confidence the level of the Wilson intervals, in [0.5, 0.999]
 * @param top how many slices are measured and shown, in [1, 100]
 * @param threshold the decision threshold on scores for this check; NaN = the suite's
 */
public record DiscoveryConfig(List<String> columns, Target target, int depth, int minSize, int bins, double effect, double fdr, double alpha,
    double confidence, int top, double threshold) {

  public static final int DEFAULT_DEPTH = 3;
  public static final int DEFAULT_MIN_SIZE = 30;
  public static final int DEFAULT_BINS = 4;
  public static final double DEFAULT_EFFECT = 0.05;
  public static final double DEFAULT_FDR = 0.05;
  public static final double DEFAULT_ALPHA = 0.95;
  public static final int DEFAULT_TOP = 10;

  public DiscoveryConfig {
    columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
    if (columns.stream().distinct().count() != columns.size()) {
      throw new ParamException("columns", "columns lists a column twice: " + columns);
    }
    if (target == null) {
      throw new ParamException("target", "target must be one of error, fpr, fnr, denial, selection");
    }
    ParamException.inRange("depth", depth, 1, SliceSearch.MAX_DEPTH);
    ParamException.inRange("minSize", minSize, 1, 1_000_000_000);
    ParamException.inRange("bins", bins, 2, 20);
    ParamException.inOpen("effect", effect, 0, 1);
    ParamException.inOpen("fdr", fdr, 0, 0.5);
    ParamException.require(alpha > 0 && alpha <= 1, "alpha", "alpha must be in (0, 1], got " + alpha);
    ParamException.inRange("confidence", confidence, 0.5, 0.999);
    ParamException.inRange("top", top, 1, 100);
    ParamException.require(Double.isNaN(threshold) || (threshold > 0 && threshold < 1), "threshold",
        "threshold must be in (0, 1), got " + threshold);
  }

  /** The defaults: every feature and protected column, error rate, depth 3. */
  public static DiscoveryConfig defaults() {
    return new DiscoveryConfig(List.of(), Target.ERROR, DEFAULT_DEPTH, DEFAULT_MIN_SIZE, DEFAULT_BINS, DEFAULT_EFFECT, DEFAULT_FDR,
        DEFAULT_ALPHA, 0.95, DEFAULT_TOP, Double.NaN);
  }

  public DiscoveryConfig withTarget(Target t) {
    return new DiscoveryConfig(columns, t, depth, minSize, bins, effect, fdr, alpha, confidence, top, threshold);
  }

  public DiscoveryConfig withColumns(List<String> cs) {
    return new DiscoveryConfig(cs, target, depth, minSize, bins, effect, fdr, alpha, confidence, top, threshold);
  }

  public DiscoveryConfig withDepth(int d) {
    return new DiscoveryConfig(columns, target, d, minSize, bins, effect, fdr, alpha, confidence, top, threshold);
  }

  public DiscoveryConfig withMinSize(int m) {
    return new DiscoveryConfig(columns, target, depth, m, bins, effect, fdr, alpha, confidence, top, threshold);
  }

  public DiscoveryConfig withEffect(double e) {
    return new DiscoveryConfig(columns, target, depth, minSize, bins, e, fdr, alpha, confidence, top, threshold);
  }
}

package dev.gauntlet.fairness;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.stats.Intervals;
import java.util.Objects;
import java.util.Set;

/**
 * Slice fairness: per-slice rates for every value of each attribute and their intersections, and
 * disparities of each slice against a reference slice, with intervals. Works for runnable and
 * precomputed models (decisions or scores). A slice below the minimum size, or a rate whose
 * denominator is empty, is measured as INCONCLUSIVE, never dropped.
 *
 * <p>Measurements (subject {@code attr=value} or {@code a=x&b=y}): {@code n} and each {@link Rate}
 * with its Wilson interval; for each {@link Disparity} {@code <key>_diff} and {@code <key>_ratio}
 * against the reference slice, and {@code <key>_maxmin} per slicing (subject {@code sex} or
 * {@code sex&race}). Demographic parity's ratio is also measured as {@code disparate_impact} and
 * {@code selection_rate_ratio}.
 */
public final class SliceCheck implements Check<CheckValue> {
  private final SliceConfig config;

  public SliceCheck(SliceConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public SliceConfig config() {
    return config;
  }

  @Override
  public String title() {
    return "Slice fairness";
  }

  @Override
  public Trial trial() {
    return Trial.FAIRNESS;
  }

  @Override
  public String description() {
    return "Whether the model selects, errs and is right at different rates for different groups of people ("
        + String.join(", ", config.attributes().stream().map(SliceConfig.Attribute::name).toList())
        + (config.depth() > 1 ? " and their intersections" : "") + "), and whether each gap is larger than chance explains.";
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  @Override
  public CheckValue run(CheckContext ctx) {
    return new SliceAnalysis(config, ctx).run();
  }

  /** The decisions under this check's threshold: the model's own, or re-decided from its scores. */
  static boolean[] decisions(Predictions p, ColumnSpec label, double threshold) {
    int pos = label.positiveIndex();
    boolean[] d = new boolean[p.size()];
    if (Double.isNaN(threshold)) {
      int[] dec = p.decisions();
      for (int i = 0; i < d.length; i++) {
        d[i] = dec[i] == pos;
      }
      return d;
    }
    if (p.scores() == null) {
      throw new UsageException("fairness: a threshold of " + threshold + " is set but the model gives decisions, not scores; remove the threshold");
    }
    double[] s = p.scores();
    for (int i = 0; i < d.length; i++) {
      d[i] = s[i] >= threshold;
    }
    return d;
  }

  static Measurement rate(Rate r, String subject, long[] cells, int off, double confidence, int minSize, long size) {
    long den = r.denominator(cells, off);
    if (size < minSize) {
      return Measurement.inconclusive(r.metric(), subject, den == 0 ? Double.NaN : r.of(cells, off), size,
          "slice " + subject + " has " + size + " rows, below the minimum of " + minSize);
    }
    if (den == 0) {
      return Measurement.inconclusive(r.metric(), subject, Double.NaN, 0, "slice " + subject + " has no " + r.denominatorName());
    }
    long num = r.numerator(cells, off);
    double[] ci = Intervals.wilson(num, den, confidence);
    return Measurement.withInterval(r.metric(), subject, (double) num / den, ci[0], ci[1], den);
  }
}

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
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.ParamDecl;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import dev.gauntlet.harness.metric.SubjectShape;
import dev.gauntlet.harness.stats.Intervals;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Slice fairness: per-slice rates for every value of each attribute and their intersections, and
 * disparities of each slice against a reference slice, with intervals. Works for runnable and
 * precomputed models (decisions or scores). A slice below the minimum size, or a rate whose
 * denominator is empty, is measured as INCONCLUSIVE, never dropped.
 *
 * <p>Measurements (subject a slice, {@code sex=F} or {@code sex=F&race=Black} in the configured
 * attribute order, or the whole data for the overall row): {@code n} and each {@link Rate} with its
 * Wilson interval; for each {@link Disparity} {@code <key>_diff} and {@code <key>_ratio} against the
 * reference slice (so {@code fpr_diff} and {@code fnr_diff}, the two halves of equalized odds), and
 * {@code <key>_maxmin} per slicing (subject {@code feature=sex}, or {@code feature=sex&race}
 * escaped for an intersection). Demographic parity's ratio is also measured as
 * {@code disparate_impact} and {@code selection_rate_ratio}. Every interval carries the configured
 * confidence level.
 */
public final class SliceCheck implements Check<CheckValue> {
  private static final SubjectShape SLICE = SubjectShape.of(Dim.SLICE);
  private static final SubjectShape SLICING = SubjectShape.of(Dim.FEATURE);

  /** The metrics, published with the {@code fairness.slices} type; generated from {@link Rate} and {@link Disparity}. */
  public static final MetricSet METRICS = MetricSet.of(declarations());

  /** The parameters, published with the {@code fairness.slices} type; validated by {@link SliceConfig}. */
  public static final List<ParamDecl> PARAMS = List.of(
      ParamDecl.of("attributes", "list of columns, or {name: column, bands: [cut, ...]} for a numeric one", "the schema's protected columns",
          "the attributes whose values form slices"),
      ParamDecl.of("intersections", "integer in [1, number of attributes]", "1", "the largest number of attributes combined into one slice"),
      ParamDecl.of("minSize", "integer in [1, 1000000000]", Integer.toString(SliceConfig.DEFAULT_MIN_SIZE),
          "slices with fewer rows (and their disparities) are INCONCLUSIVE"),
      ParamDecl.of("reference", "mapping attribute: value", "the largest slice", "the reference slice disparities are measured against"),
      ParamDecl.of("metrics", "list of " + String.join(" | ", java.util.Arrays.stream(Disparity.values()).map(Disparity::yamlName).toList()),
          "all", "the disparities measured"),
      ParamDecl.of("bootstrap", "0, or integer in [100, 100000]", "1000", "Poisson bootstrap resamples for the disparity intervals; 0 = none"),
      ParamDecl.of("confidence", "number in [0.5, 0.999]", "0.95", "level of every interval (Wilson for rates, bootstrap for disparities)"),
      ParamDecl.of("alpha", "number in (0, 1)", "0.05", "Benjamini-Hochberg false discovery rate of the significance tests"),
      ParamDecl.of("threshold", "finite number", "the suite's", "decision threshold on scores for this check"),
      ParamDecl.of("ratioBand", "[lower, upper] with 0 < lower <= 1 <= upper", "[0.8, 1.25]", "acceptable band of ratios drawn on charts"),
      ParamDecl.of("diffBand", "number in (0, 1)", "0.1", "acceptable absolute difference drawn on charts"));

  private static List<MetricDecl> declarations() {
    List<MetricDecl> out = new ArrayList<>();
    out.add(MetricDecl.of("n", Direction.NEUTRAL, "rows in the slice (or in the whole data)").about(SLICE, SubjectShape.NONE));
    for (Rate r : Rate.values()) {
      out.add(MetricDecl.of(r.metric(), r.direction(), r.description() + ", with a Wilson interval"
          + (r.needsBothClasses() ? "; INCONCLUSIVE when the labels hold a single class" : "")).withInterval().about(SLICE, SubjectShape.NONE));
    }
    out.add(MetricDecl.of("brier", Direction.LOWER_IS_BETTER, "mean squared error of probability scores, with a normal interval (probability scores only)")
        .withInterval().about(SLICE, SubjectShape.NONE));
    out.add(MetricDecl.of("calibration_error", Direction.LOWER_IS_BETTER, "expected calibration error over score bins (single attributes; scores only)")
        .about(SLICE, SubjectShape.NONE));
    for (Disparity d : Disparity.values()) {
      out.add(MetricDecl.of(d.key() + "_diff", Direction.TARGET, d.what() + " of the slice minus the reference slice's, with a bootstrap interval")
          .withInterval().about(SLICE));
      out.add(MetricDecl.of(d.key() + "_ratio", Direction.TARGET, d.what() + " of the slice over the reference slice's, with a bootstrap interval")
          .withInterval().about(SLICE));
      out.add(MetricDecl.of(d.key() + "_maxmin", Direction.LOWER_IS_BETTER, "largest minus smallest " + d.what()
          + " across the slices of an attribute (subject feature=<attribute>), with a bootstrap interval").withInterval().about(SLICING));
    }
    out.add(MetricDecl.of("disparate_impact", Direction.TARGET, "selection rate of the slice over the reference slice's (four-fifths rule), with a bootstrap interval")
        .withInterval().about(SLICE));
    out.add(MetricDecl.of("selection_rate_ratio", Direction.TARGET, "the same as disparate_impact").withInterval().about(SLICE));
    out.add(MetricDecl.of("disparate_impact_minmax", Direction.TARGET, "smallest over largest selection rate across the slices of an attribute, with a bootstrap interval")
        .withInterval().about(SLICING));
    for (Rate r : Rate.values()) {
      out.add(MetricDecl.of(r.metric() + "_p", Direction.NEUTRAL, "p-value of the slice's " + r.label() + " against the reference slice's (when tested)").about(SLICE));
      out.add(MetricDecl.of(r.metric() + "_q", Direction.NEUTRAL, "Benjamini-Hochberg q-value of " + r.metric() + "_p").about(SLICE));
    }
    out.add(MetricDecl.of("significant_disparities", Direction.LOWER_IS_BETTER, "rate comparisons whose q-value is at most alpha"));
    return out;
  }

  private final SliceConfig config;

  public SliceCheck(SliceConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public SliceConfig config() {
    return config;
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
  }

  /**
   * The subject of a slicing's across-slice metrics ({@code _maxmin}): {@code feature=sex}, or for an
   * intersection the attributes joined by {@code *}: {@code feature=sex*race}.
   */
  static Subject slicingSubject(Slices.Slicing sl) {
    return Subject.all().with(Dim.FEATURE, sl.name().replace("&", "*"));
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

  /** Computed from mergeable slice counts only (two passes: the score range, then the counts). */
  @Override
  public boolean streams() {
    return true;
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

  /**
   * One rate of one slice (or of the whole data) with its Wilson interval at {@code confidence};
   * INCONCLUSIVE below {@code minSize} rows or with an empty denominator.
   */
  static Measurement rate(Rate r, Subject subject, long[] cells, int off, double confidence, int minSize, long size) {
    long den = r.denominator(cells, off);
    if (size < minSize) {
      return Measurement.inconclusive(r.metric(), subject, den == 0 ? Double.NaN : r.of(cells, off), size,
          subject.display() + " has " + size + " rows, below the minimum of " + minSize + " (params.minSize)");
    }
    if (den == 0) {
      return Measurement.inconclusive(r.metric(), subject, Double.NaN, 0, subject.display() + " has no " + r.denominatorName());
    }
    long num = r.numerator(cells, off);
    double[] ci = Intervals.wilson(num, den, confidence);
    return Measurement.of(r.metric(), subject, (double) num / den, Interval.of(ci[0], ci[1], confidence, Interval.Method.WILSON), den);
  }
}

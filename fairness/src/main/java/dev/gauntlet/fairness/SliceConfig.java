package dev.gauntlet.fairness;

import dev.gauntlet.harness.metric.ParamException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link SliceCheck} slices and measures. Validated on construction, the one validator for
 * the Java API and YAML: every {@link ParamException} names the parameter, the value and the range.
 *
 * @param attributes the attributes whose values form slices (at least one)
 * @param depth the largest intersection measured: 1 = each attribute alone, 2 = also every pair, ...
 *     (1 to the number of attributes)
 * @param minSize slices with fewer rows are reported as INCONCLUSIVE (1 to 1,000,000,000)
 * @param references the reference value per attribute (e.g. {@code sex -> M}); a slicing's reference
 *     is its largest slice among those with every configured value (the largest slice when none is)
 * @param disparities which disparities to measure (at least one)
 * @param bootstrap bootstrap resamples for the disparity intervals (0 = no intervals, else 100 to 100,000)
 * @param confidence the confidence level of every interval, in [0.5, 0.999]
 * @param alpha the false discovery rate for the Benjamini-Hochberg control of the significance tests, in (0, 1)
 * @param threshold the decision threshold on scores for this check, or NaN to use the suite's
 * @param ratioBand the acceptable band of ratios drawn on charts (default the four-fifths band 0.8 to 1.25)
 * @param diffBand the acceptable absolute difference drawn on charts (default 0.1)
 */
public record SliceConfig(
    List<Attribute> attributes,
    int depth,
    int minSize,
    Map<String, String> references,
    Set<Disparity> disparities,
    int bootstrap,
    double confidence,
    double alpha,
    double threshold,
    double[] ratioBand,
    double diffBand) implements java.io.Serializable {

  /** The default minimum slice size. */
  public static final int DEFAULT_MIN_SIZE = 30;

  /** Validates every parameter; the one validator for Java and YAML (a {@link ParamException} names the parameter). */
  public SliceConfig {
    attributes = List.copyOf(Objects.requireNonNull(attributes, "attributes"));
    ParamException.require(!attributes.isEmpty(), "attributes", "attributes: give at least one attribute to slice by");
    ParamException.require(attributes.stream().map(Attribute::name).distinct().count() == attributes.size(), "attributes",
        "attributes: an attribute is listed twice: " + attributes.stream().map(Attribute::name).toList());
    ParamException.require(depth >= 1 && depth <= attributes.size(), "intersections",
        "intersections is the largest number of attributes combined: 1 (none) to " + attributes.size() + ", got " + depth);
    ParamException.inRange("minSize", minSize, 1, 1_000_000_000);
    references = Map.copyOf(Objects.requireNonNull(references, "references"));
    for (String a : references.keySet()) {
      ParamException.require(attributes.stream().anyMatch(x -> x.name().equals(a)), "reference",
          "reference names '" + a + "', which is not a sliced attribute " + attributes.stream().map(Attribute::name).toList());
    }
    ParamException.require(disparities != null && !disparities.isEmpty(), "metrics",
        "metrics is empty; name at least one of " + String.join(", ", Arrays.stream(Disparity.values()).map(Disparity::yamlName).toList()));
    disparities = Set.copyOf(EnumSet.copyOf(disparities));
    ParamException.require(bootstrap == 0 || (bootstrap >= 100 && bootstrap <= 100_000), "bootstrap",
        "bootstrap is the number of resamples: 0 (no intervals) or 100 to 100000, got " + bootstrap);
    ParamException.inRange("confidence", confidence, 0.5, 0.999);
    ParamException.inOpen("alpha", alpha, 0, 1);
    ParamException.require(Double.isNaN(threshold) || Double.isFinite(threshold), "threshold", "threshold must be finite, got " + threshold);
    ratioBand = Objects.requireNonNull(ratioBand, "ratioBand").clone();
    ParamException.require(ratioBand.length == 2 && ratioBand[0] > 0 && ratioBand[0] <= 1 && ratioBand[1] >= 1, "ratioBand",
        "ratioBand must be [lower, upper] with 0 < lower <= 1 <= upper, e.g. [0.8, 1.25], got " + Arrays.toString(ratioBand));
    ParamException.inOpen("diffBand", diffBand, 0, 1);
  }

  /** Defaults: intersections off, min size 30, every disparity, 1,000 resamples, 95%, FDR 0.05, four-fifths band, 0.1. */
  public static SliceConfig of(List<Attribute> attributes) {
    return new SliceConfig(attributes, 1, DEFAULT_MIN_SIZE, Map.of(), EnumSet.allOf(Disparity.class), 1000, 0.95, 0.05,
        Double.NaN, new double[] {0.8, 1.25}, 0.1);
  }

  public SliceConfig withDepth(int d) {
    return new SliceConfig(attributes, d, minSize, references, disparities, bootstrap, confidence, alpha, threshold, ratioBand, diffBand);
  }

  public SliceConfig withMinSize(int m) {
    return new SliceConfig(attributes, depth, m, references, disparities, bootstrap, confidence, alpha, threshold, ratioBand, diffBand);
  }

  public SliceConfig withReferences(Map<String, String> r) {
    return new SliceConfig(attributes, depth, minSize, r, disparities, bootstrap, confidence, alpha, threshold, ratioBand, diffBand);
  }

  public SliceConfig withBootstrap(int b) {
    return new SliceConfig(attributes, depth, minSize, references, disparities, b, confidence, alpha, threshold, ratioBand, diffBand);
  }

  public SliceConfig withThreshold(double t) {
    return new SliceConfig(attributes, depth, minSize, references, disparities, bootstrap, confidence, alpha, t, ratioBand, diffBand);
  }

  public SliceConfig withDisparities(Set<Disparity> d) {
    return new SliceConfig(attributes, depth, minSize, references, d, bootstrap, confidence, alpha, threshold, ratioBand, diffBand);
  }

  /**
   * An attribute to slice by: a categorical column (one slice per category) or a numeric column cut
   * at {@code bands} (e.g. {@code [25, 45]} gives {@code <25}, {@code [25,45)}, {@code >=45}).
   *
   * @param name the column
   * @param bands strictly increasing cut points for a numeric column; empty for a categorical one
   */
  public record Attribute(String name, double[] bands) implements java.io.Serializable {
    public Attribute {
      Objects.requireNonNull(name, "name");
      bands = bands == null ? new double[0] : bands.clone();
      for (int i = 0; i < bands.length; i++) {
        ParamException.require(Double.isFinite(bands[i]) && (i == 0 || bands[i] > bands[i - 1]), "attributes",
            "bands of '" + name + "': " + Arrays.toString(bands) + " must be finite and strictly increasing");
      }
    }

    public static Attribute categorical(String name) {
      return new Attribute(name, new double[0]);
    }

    public boolean banded() {
      return bands.length > 0;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Attribute a && a.name.equals(name) && Arrays.equals(a.bands, bands);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(bands);
    }

    @Override
    public String toString() {
      return banded() ? name + Arrays.toString(bands) : name;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SliceConfig c && c.attributes.equals(attributes) && c.depth == depth && c.minSize == minSize
        && c.references.equals(references) && c.disparities.equals(disparities) && c.bootstrap == bootstrap
        && c.confidence == confidence && c.alpha == alpha && Double.compare(c.threshold, threshold) == 0
        && Arrays.equals(c.ratioBand, ratioBand) && c.diffBand == diffBand;
  }

  @Override
  public int hashCode() {
    return Objects.hash(attributes, depth, minSize, references, disparities, bootstrap, confidence, alpha, threshold, Arrays.hashCode(ratioBand), diffBand);
  }

  @Override
  public String toString() {
    return "SliceConfig[attributes=" + attributes + ", depth=" + depth + ", minSize=" + minSize + ", references=" + references
        + ", disparities=" + disparities + ", bootstrap=" + bootstrap + ", confidence=" + confidence + ", alpha=" + alpha
        + ", threshold=" + threshold + ", ratioBand=" + Arrays.toString(ratioBand) + ", diffBand=" + diffBand + "]";
  }
}

package dev.gauntlet.attacks.perturbation;

import java.util.List;

/**
 * One way of changing a model input that a {@link Property} says should not matter (or should matter
 * in a known direction). Perturbations act on encoded rows through the schema: they never change an
 * immutable feature (except the protected attribute a {@link ProtectedSwap} is about), keep numbers
 * inside each column's valid range and whole numbers whole, and keep one-hot groups one-hot.
 *
 * <p>Every random choice a perturbation makes is recorded, so a failing case can be replayed from its
 * seed and case index and shrunk without per-perturbation shrinking code.
 */
public sealed interface Perturbation {

  /** A short description for titles, e.g. {@code gaussian noise 0.1 sd}. */
  String describe();

  /** Noise distributions for {@link Noise}. */
  enum Distribution {
    /** Normal with standard deviation {@code scale} x the feature's spread. */
    GAUSSIAN,
    /** Uniform on {@code +-scale} x the feature's spread. */
    UNIFORM
  }

  /**
   * Noise on numeric features, scaled to each feature's spread (its standard deviation in the data).
   *
   * @param distribution the noise distribution
   * @param scale the size of the noise in spreads; positive
   * @param features the features to perturb; empty means every mutable numeric feature
   * @param fraction the probability that each eligible feature is perturbed in a case, in (0, 1]
   */
  record Noise(Distribution distribution, double scale, List<String> features, double fraction) implements Perturbation {
    public Noise {
      java.util.Objects.requireNonNull(distribution, "distribution");
      if (!(scale > 0) || Double.isInfinite(scale)) {
        throw new IllegalArgumentException("noise scale must be a positive number of spreads, got " + scale);
      }
      features = List.copyOf(features);
      checkFraction("noise fraction", fraction);
    }

    @Override
    public String describe() {
      return distribution.name().toLowerCase(java.util.Locale.ROOT) + " noise " + fmt(scale) + " sd" + on(features);
    }
  }

  /**
   * Replaces categorical features with another of their categories.
   *
   * @param features the features to swap; empty means every mutable categorical feature
   * @param fraction the probability that each eligible feature is swapped in a case, in (0, 1]
   */
  record CategorySwap(List<String> features, double fraction) implements Perturbation {
    public CategorySwap {
      features = List.copyOf(features);
      checkFraction("swap fraction", fraction);
    }

    @Override
    public String describe() {
      return "category swap" + on(features);
    }
  }

  /**
   * The counterfactual: the same row with another value of a protected attribute (another sex or
   * race). This is the one perturbation that changes an immutable feature, and only this one.
   *
   * @param attribute a protected column that is also a model feature
   */
  record ProtectedSwap(String attribute) implements Perturbation {
    public ProtectedSwap {
      if (attribute == null || attribute.isBlank()) {
        throw new IllegalArgumentException("a protected swap needs the attribute's column name");
      }
    }

    @Override
    public String describe() {
      return "swap of " + attribute;
    }
  }

  /**
   * Moves monotone features in their favourable direction (more of an increasing feature such as
   * income, less of a decreasing one such as debt ratio) by up to {@code step} spreads.
   *
   * @param step the largest step in spreads; positive
   * @param features the features to move; empty means every mutable feature with a monotone direction
   */
  record MonotoneStep(double step, List<String> features) implements Perturbation {
    public MonotoneStep {
      if (!(step > 0) || Double.isInfinite(step)) {
        throw new IllegalArgumentException("monotone step must be a positive number of spreads, got " + step);
      }
      features = List.copyOf(features);
    }

    @Override
    public String describe() {
      return "monotone step up to " + fmt(step) + " sd" + on(features);
    }
  }

  /**
   * Makes features missing, as a serving pipeline that imputes them would see them: a numeric
   * feature becomes the data's median, a categorical one its most frequent category.
   *
   * @param features the features that may go missing; empty means every mutable feature
   * @param rate the probability that each eligible feature goes missing in a case, in (0, 1]
   */
  record MissingValue(List<String> features, double rate) implements Perturbation {
    public MissingValue {
      features = List.copyOf(features);
      checkFraction("missing rate", rate);
    }

    @Override
    public String describe() {
      return "missing values (imputed)" + on(features);
    }
  }

  /**
   * Pixel noise on an image input (every input dimension is a pixel): one random pattern per case,
   * of amplitude up to {@code sigma} (in encoded pixel units), clipped to the pixel bounds.
   */
  record ImageNoise(double sigma) implements Perturbation {
    public ImageNoise {
      if (!(sigma > 0) || Double.isInfinite(sigma)) {
        throw new IllegalArgumentException("image noise sigma must be positive, got " + sigma);
      }
    }

    @Override
    public String describe() {
      return "image noise sigma " + fmt(sigma);
    }
  }

  /** Adds one brightness offset of up to {@code +-max} (encoded pixel units) to every pixel, clipped. */
  record Brightness(double max) implements Perturbation {
    public Brightness {
      if (!(max > 0) || Double.isInfinite(max)) {
        throw new IllegalArgumentException("brightness max must be positive, got " + max);
      }
    }

    @Override
    public String describe() {
      return "brightness +-" + fmt(max);
    }
  }

  /**
   * Shifts a {@code width x height} grayscale image (row-major) by up to {@code maxPixels} in each
   * direction, filling the uncovered border with the image's darkest pixel.
   */
  record Shift(int width, int height, int maxPixels) implements Perturbation {
    public Shift {
      if (width <= 0 || height <= 0) {
        throw new IllegalArgumentException("image width and height must be positive, got " + width + " x " + height);
      }
      if (maxPixels <= 0 || maxPixels >= Math.max(width, height)) {
        throw new IllegalArgumentException("shift maxPixels must be in [1, " + (Math.max(width, height) - 1) + "], got " + maxPixels);
      }
    }

    @Override
    public String describe() {
      return "shift up to " + maxPixels + " px";
    }
  }

  /** Gaussian noise on every mutable numeric feature. */
  static Perturbation noise(double scale) {
    return new Noise(Distribution.GAUSSIAN, scale, List.of(), 1.0);
  }

  /** Gaussian noise on the named numeric features. */
  static Perturbation noise(double scale, String... features) {
    return new Noise(Distribution.GAUSSIAN, scale, List.of(features), 1.0);
  }

  /** The counterfactual swap of a protected attribute. */
  static Perturbation swap(String attribute) {
    return new ProtectedSwap(attribute);
  }

  /** Monotone steps of up to {@code step} spreads on every monotone feature. */
  static Perturbation monotone(double step) {
    return new MonotoneStep(step, List.of());
  }

  private static void checkFraction(String what, double f) {
    if (!(f > 0 && f <= 1)) {
      throw new IllegalArgumentException(what + " must be in (0, 1], got " + f);
    }
  }

  private static String on(List<String> features) {
    return features.isEmpty() ? "" : " on " + String.join(", ", features);
  }

  private static String fmt(double v) {
    return dev.gauntlet.harness.check.MetricCondition.fmt(v);
  }
}

package dev.gauntlet.harness.data;

/**
 * How one schema column becomes one or more numbers of the model's input vector.
 *
 * <p>Numeric columns are scaled: {@code encoded = (value - center) / scale}. Categorical columns are
 * one-hot (one input per declared category, in schema order) or ordinal (the category's index).
 * Binary columns are one input, 0 for the first declared category and 1 for the second.
 */
public sealed interface Encoding extends java.io.Serializable {

  /** {@code (value - center) / scale}. {@code none} is center 0, scale 1. */
  record Scaled(String kind, double center, double scale) implements Encoding {
    public Scaled {
      if (!(scale > 0) || Double.isInfinite(scale)) {
        throw new IllegalArgumentException("scale must be a positive finite number, got " + scale);
      }
      if (!Double.isFinite(center)) {
        throw new IllegalArgumentException("center must be finite, got " + center);
      }
    }

    public static Scaled none() {
      return new Scaled("none", 0, 1);
    }

    public double apply(double v) {
      return (v - center) / scale;
    }

    public double invert(double e) {
      return e * scale + center;
    }
  }

  /** One input per category. */
  record OneHot() implements Encoding {}

  /** The category's index as one input. */
  record Ordinal() implements Encoding {}

  /** Not an input of the model. */
  record Excluded() implements Encoding {}
}

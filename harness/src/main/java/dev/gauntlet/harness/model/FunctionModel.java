package dev.gauntlet.harness.model;

import java.util.EnumSet;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * A black-box model: any Java function from an encoded batch to class probabilities (a classifier,
 * {@link #FunctionModel the constructor}) or to one number per row (a regression model, {@link
 * #regression}). It can be predicted and attacked with score-based (query) attacks, not with
 * gradients.
 */
public final class FunctionModel implements ModelUnderTest {
  private final String name;
  private final int width;
  private final int classes;
  private final Function<double[][], double[][]> fn;
  private final Function<double[][], double[]> valueFn;

  /**
   * A classifier.
   *
   * @param name a name for reports
   * @param width the input width the function expects
   * @param classes how many probabilities it returns per row
   * @param fn the function; called with batches, it must return {@code n x classes} probabilities
   */
  public FunctionModel(String name, int width, int classes, Function<double[][], double[][]> fn) {
    this(name, width, classes, Objects.requireNonNull(fn, "fn"), null);
    if (classes < 2) {
      throw new IllegalArgumentException("a classifier has at least 2 classes, got " + classes);
    }
  }

  private FunctionModel(String name, int width, int classes, Function<double[][], double[][]> fn, Function<double[][], double[]> valueFn) {
    this.name = Objects.requireNonNull(name, "name");
    if (width <= 0) {
      throw new IllegalArgumentException("width must be positive, got " + width);
    }
    this.width = width;
    this.classes = classes;
    this.fn = fn;
    this.valueFn = valueFn;
  }

  /**
   * A regression model.
   *
   * @param name a name for reports
   * @param width the input width the function expects
   * @param fn the function; called with batches, it must return one finite number per row
   */
  public static FunctionModel regression(String name, int width, Function<double[][], double[]> fn) {
    return new FunctionModel(name, width, 0, null, Objects.requireNonNull(fn, "fn"));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.PREDICT);
  }

  @Override
  public OptionalInt inputWidth() {
    return OptionalInt.of(width);
  }

  @Override
  public Task task() {
    return valueFn != null ? Task.REGRESSION : Task.CLASSIFICATION;
  }

  @Override
  public int classCount() {
    return classes;
  }

  @Override
  public double[][] predict(double[][] x) {
    if (fn == null) {
      throw new UnsupportedOperationException("model '" + name + "' is a regression model (one number per row); it gives no class probabilities");
    }
    Models.checkWidth(name, width, x);
    double[][] p = fn.apply(x);
    Models.checkProbabilities(name, p, x.length, classes);
    return p;
  }

  @Override
  public double[] predictValues(double[][] x) {
    if (valueFn == null) {
      return ModelUnderTest.super.predictValues(x);
    }
    Models.checkWidth(name, width, x);
    return valueFn.apply(x);
  }
}

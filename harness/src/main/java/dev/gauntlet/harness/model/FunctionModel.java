package dev.gauntlet.harness.model;

import java.util.EnumSet;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * A black-box model: any Java function from an encoded batch to class probabilities. It can be
 * predicted and attacked with score-based (query) attacks, not with gradients.
 */
public final class FunctionModel implements ModelUnderTest {
  private final String name;
  private final int width;
  private final int classes;
  private final Function<double[][], double[][]> fn;

  /**
   * @param name a name for reports
   * @param width the input width the function expects
   * @param classes how many probabilities it returns per row
   * @param fn the function; called with batches, it must return {@code n x classes} probabilities
   */
  public FunctionModel(String name, int width, int classes, Function<double[][], double[][]> fn) {
    this.name = Objects.requireNonNull(name, "name");
    if (width <= 0) {
      throw new IllegalArgumentException("width must be positive, got " + width);
    }
    if (classes < 2) {
      throw new IllegalArgumentException("a classifier has at least 2 classes, got " + classes);
    }
    this.width = width;
    this.classes = classes;
    this.fn = Objects.requireNonNull(fn, "fn");
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
  public int classCount() {
    return classes;
  }

  @Override
  public double[][] predict(double[][] x) {
    Models.checkWidth(name, width, x);
    double[][] p = fn.apply(x);
    Models.checkProbabilities(name, p, x.length, classes);
    return p;
  }
}

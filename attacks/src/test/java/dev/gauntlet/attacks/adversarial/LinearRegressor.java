package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Gradients;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.Task;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * f(x) = w.x + b with its analytic squared-error gradient (f(x) - y) w: the reference model of the
 * regression closed forms (a test double only in that its gradient is written by hand).
 */
final class LinearRegressor implements ModelUnderTest {
  final double[] w;
  final double b;

  LinearRegressor(double[] w, double b) {
    this.w = w.clone();
    this.b = b;
  }

  double value(double[] x) {
    double z = b;
    for (int j = 0; j < w.length; j++) {
      z += w[j] * x[j];
    }
    return z;
  }

  double l1() {
    double s = 0;
    for (double v : w) {
      s += Math.abs(v);
    }
    return s;
  }

  double l2() {
    double s = 0;
    for (double v : w) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  @Override
  public String name() {
    return "linear-regression";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.PREDICT, Capability.LOSS_GRADIENT);
  }

  @Override
  public OptionalInt inputWidth() {
    return OptionalInt.of(w.length);
  }

  @Override
  public Task task() {
    return Task.REGRESSION;
  }

  @Override
  public int classCount() {
    return 0;
  }

  @Override
  public double[][] predict(double[][] x) {
    throw new UnsupportedOperationException("a regression model");
  }

  @Override
  public double[] predictValues(double[][] x) {
    double[] v = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      v[i] = value(x[i]);
    }
    return v;
  }

  @Override
  public Optional<? extends Gradients> gradients() {
    return Optional.of(new Gradients() {
      @Override
      public double[][] lossGradient(double[][] x, int[] labels) {
        throw new UnsupportedOperationException("a regression model's loss takes numeric targets");
      }

      @Override
      public double[][] lossGradient(double[][] x, double[] targets) {
        double[][] g = new double[x.length][w.length];
        for (int i = 0; i < x.length; i++) {
          double r = value(x[i]) - targets[i];
          for (int j = 0; j < w.length; j++) {
            g[i][j] = r * w[j];
          }
        }
        return g;
      }
    });
  }
}

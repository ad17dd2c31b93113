package dev.gauntlet.attacks.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Table;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generated cases respect the schema: immutable features, ranges, whole numbers, one-hot groups. */
class GeneratorTest {
  private final Table data = TestData.table(500);
  private final Encoder encoder = new Encoder(data.schema());
  private final double[][] x = encoder.encode(data);
  private final FeatureSpace space = new FeatureSpace(encoder, x);

  private Generator generator(Property p) {
    return new Generator(space, p);
  }

  @Test
  void everyPerturbationKeepsRowsValid() {
    Property p = Property.invariance(Perturbation.noise(5.0), new Perturbation.CategorySwap(List.of(), 0.7),
        new Perturbation.MissingValue(List.of(), 0.3), Perturbation.monotone(3.0));
    Generator g = generator(p);
    for (int i = 0; i < 3000; i++) {
      Generator.Case c = g.generate(4, i);
      double[] a = c.after();
      assertEquals(c.before()[TestData.AGE], a[TestData.AGE], "age is immutable");
      assertEquals(c.before()[5], a[5], "group is immutable");
      assertEquals(c.before()[6], a[6], "group is immutable");
      assertTrue(a[TestData.X3] >= -3 && a[TestData.X3] <= 3, "x3 stays in its range [-3, 3]: " + a[TestData.X3]);
      assertEquals(1.0, a[7] + a[8] + a[9], "region stays one-hot");
      for (int d = 7; d <= 9; d++) {
        assertTrue(a[d] == 0 || a[d] == 1);
      }
    }
  }

  @Test
  void aCounterfactualChangesOnlyTheProtectedAttribute() {
    Generator g = generator(Property.counterfactual("group"));
    for (int i = 0; i < 500; i++) {
      Generator.Case c = g.generate(8, i);
      for (int d = 0; d < TestData.WIDTH; d++) {
        if (d == 5 || d == 6) {
          assertEquals(1 - c.before()[d], c.after()[d], "group a <-> b");
        } else {
          assertEquals(c.before()[d], c.after()[d]);
        }
      }
    }
  }

  @Test
  void monotoneStepsMoveOnlyInTheFavourableDirection() {
    Generator g = generator(Property.directional(Property.Direction.UP, Perturbation.monotone(1.0)));
    double sd1 = sd(TestData.X1);
    double sd2 = sd(TestData.X2);
    for (int i = 0; i < 1000; i++) {
      Generator.Case c = g.generate(2, i);
      double d1 = c.after()[TestData.X1] - c.before()[TestData.X1];
      double d2 = c.after()[TestData.X2] - c.before()[TestData.X2];
      assertTrue(d1 >= 0 && d1 <= sd1 + 1e-12, "x1 (increasing) moves up by at most 1 sd: " + d1);
      assertTrue(d2 <= 0 && d2 >= -sd2 - 1e-12, "x2 (decreasing) moves down by at most 1 sd: " + d2);
      assertEquals(c.before()[TestData.X3], c.after()[TestData.X3], "x3 has no monotone direction");
    }
  }

  @Test
  void noiseIsScaledToEachFeaturesSpread() {
    // Gaussian noise of 0.1 sd: the changes of x4 have standard deviation 0.1 * sd(x4); uniform
    // noise on +-0.3 sd has standard deviation 0.3 * sd / sqrt(3) (closed forms).
    int n = 20000;
    double[] gauss = new double[n];
    double[] unif = new double[n];
    Generator gg = generator(Property.invariance(Perturbation.noise(0.1, "x4")));
    Generator gu = generator(Property.invariance(new Perturbation.Noise(Perturbation.Distribution.UNIFORM, 0.3, List.of("x4"), 1.0)));
    for (int i = 0; i < n; i++) {
      Generator.Case c = gg.generate(6, i);
      gauss[i] = c.after()[TestData.X4] - c.before()[TestData.X4];
      Generator.Case u = gu.generate(6, i);
      unif[i] = u.after()[TestData.X4] - u.before()[TestData.X4];
      assertTrue(Math.abs(unif[i]) <= 0.3 * sd(TestData.X4) + 1e-12);
    }
    double s = sd(TestData.X4);
    assertEquals(0.1 * s, rms(gauss), 0.1 * s * 0.03);
    assertEquals(0.3 * s / Math.sqrt(3), rms(unif), 0.3 * s / Math.sqrt(3) * 0.03);
  }

  @Test
  void missingValuesBecomeTheMedianOrTheMode() {
    Generator g = generator(Property.invariance(new Perturbation.MissingValue(List.of("x1", "region"), 1.0)));
    double[] col = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      col[i] = x[i][TestData.X1];
    }
    Arrays.sort(col);
    double median = (col[249] + col[250]) / 2;
    Generator.Case c = g.generate(1, 0);
    assertEquals(median, c.after()[TestData.X1], 1e-12);
    // region frequencies are 50/30/20 by construction, so the mode is n (dimension 7)
    assertEquals(1.0, c.after()[7]);
  }

  @Test
  void syntheticRowsStayInsideTheSchema() {
    Generator g = generator(Property.invariance(Perturbation.noise(0.1)).withRows(Property.Rows.SYNTHETIC));
    for (int i = 0; i < 2000; i++) {
      double[] b = g.generate(3, i).before();
      assertTrue(b[TestData.AGE] >= 18 && b[TestData.AGE] <= 90 && b[TestData.AGE] == Math.rint(b[TestData.AGE]), "age " + b[TestData.AGE]);
      assertTrue(b[TestData.X3] >= -3 && b[TestData.X3] <= 3);
      assertEquals(1.0, b[5] + b[6]);
      assertEquals(1.0, b[7] + b[8] + b[9]);
    }
  }

  private double sd(int d) {
    return TestData.sd(x, d);
  }

  private static double rms(double[] v) {
    double ss = 0;
    for (double a : v) {
      ss += a * a;
    }
    return Math.sqrt(ss / v.length);
  }
}

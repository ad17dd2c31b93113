package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The one-pass L-inf step ({@link FusedSteps}) gives bit for bit what the ND4J sequence it replaces
 * gives (mask, sign, scale by the per-row step, add, then {@link InputSpace#relaxInPlace}, or for
 * FGSM assign, sign, axpy and {@link InputSpace#clipToRange}), in float and double, with one radius
 * for the batch and with a radius per row, frozen rows, immutable dimensions and per-column ranges;
 * and every output lies in the ball and the range.
 */
class FusedStepsTest {

  private static final int N = 300;
  private static final int D = 37; // not a multiple of any vector width

  /** A space with columns 3 and 10 immutable and per-column ranges. */
  private static InputSpace space(boolean box) {
    if (box) {
      return InputSpace.box(D, 0, 1);
    }
    double[] lo = new double[D];
    double[] hi = new double[D];
    boolean[] mut = new boolean[D];
    for (int j = 0; j < D; j++) {
      lo[j] = -0.2 * (j % 3);
      hi[j] = 1 + 0.1 * (j % 5);
      mut[j] = j != 3 && j != 10;
    }
    return InputSpace.continuous(lo, hi, mut);
  }

  private static INDArray uniform(SplittableRandom r, double lo, double hi, DataType dt) {
    double[] v = new double[N * D];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextDouble(lo, hi);
      if (i % 97 == 0) {
        v[i] = 0; // zero gradients: sign 0
      }
    }
    return Nd4j.create(v, new long[] {N, D}, 'c').castTo(dt);
  }

  private static double[] eps(boolean perRow) {
    double[] e = new double[N];
    for (int i = 0; i < N; i++) {
      e[i] = perRow ? 0.01 + 0.3 * (i % 7) / 7.0 : 0.1;
    }
    return e;
  }

  @Test
  void pgdStepIsBitIdenticalToTheNd4jSequence() {
    for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      for (boolean box : new boolean[] {true, false}) {
        for (boolean perRow : new boolean[] {false, true}) {
          InputSpace s = space(box);
          SplittableRandom r = new SplittableRandom(dt.ordinal() * 4L + (box ? 2 : 0) + (perRow ? 1 : 0));
          INDArray x0 = uniform(r, 0, 1, dt);
          s.clipToRange(x0);
          INDArray es = Nd4j.create(eps(perRow), new long[] {N, 1}, 'c').castTo(dt);
          INDArray x = x0.add(uniform(r, -0.4, 0.4, dt));
          s.relaxInPlace(x, x0, es, Norm.LINF);
          INDArray g = uniform(r, -3, 3, dt);
          INDArray alpha = es.mul(-0.25); // a targeted step
          double[] active = new double[N];
          for (int i = 0; i < N; i++) {
            active[i] = i % 5 == 0 ? 0 : 1; // frozen rows
          }
          INDArray act = Nd4j.create(active, new long[] {N, 1}, 'c').castTo(dt);

          INDArray expected = x.dup();
          INDArray ge = g.dup();
          GradientAttack.direction(s, Norm.LINF, ge);
          ge.muliColumnVector(alpha).muliColumnVector(act);
          expected.addi(ge);
          s.relaxInPlace(expected, x0, es, Norm.LINF);

          assertTrue(FusedSteps.applies(x, x0, g));
          double[] a = GradientAttack.column(alpha);
          for (int i = 0; i < N; i++) {
            a[i] *= active[i];
          }
          FusedSteps.pgdLinf(x, x0, g, a, GradientAttack.column(es), !perRow, s.bounds());
          String what = dt + (box ? " box" : " schema") + (perRow ? " per-row eps" : " one eps");
          assertArrayEquals(expected.castTo(DataType.DOUBLE).data().asDouble(), x.castTo(DataType.DOUBLE).data().asDouble(), 0.0, what);
          inBallAndRange(s, x, x0, eps(perRow), what);
        }
      }
    }
  }

  @Test
  void fgsmIsBitIdenticalToTheNd4jSequence() {
    for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      for (boolean box : new boolean[] {true, false}) {
        InputSpace s = space(box);
        SplittableRandom r = new SplittableRandom(11 + dt.ordinal());
        INDArray x0 = uniform(r, 0, 1, dt);
        s.clipToRange(x0);
        INDArray g = uniform(r, -3, 3, dt);
        double eps = 0.15;
        INDArray expected = x0.dup();
        INDArray ge = g.dup();
        GradientAttack.direction(s, Norm.LINF, ge);
        Nd4j.getBlasWrapper().level1().axpy(ge.length(), eps, ge, expected);
        s.clipToRange(expected);

        INDArray x = Nd4j.createUninitialized(dt, N, D);
        double[] step = new double[N];
        java.util.Arrays.fill(step, eps);
        FusedSteps.fgsm(x, x0, g, step, s.bounds());
        String what = dt + (box ? " box" : " schema");
        assertArrayEquals(expected.castTo(DataType.DOUBLE).data().asDouble(), x.castTo(DataType.DOUBLE).data().asDouble(), 0.0, what);
        double[] e = new double[N];
        java.util.Arrays.fill(e, eps);
        inBallAndRange(s, x, x0, e, what);
      }
    }
  }

  @Test
  void viewsAndOtherTypesTakeTheNd4jPath() {
    INDArray a = Nd4j.rand(DataType.FLOAT, 8, 6);
    assertFalse(FusedSteps.applies(a.get(NDArrayIndex.interval(1, 5), NDArrayIndex.all()), a.get(NDArrayIndex.interval(1, 5), NDArrayIndex.all())));
    assertFalse(FusedSteps.applies(a, a.castTo(DataType.DOUBLE)));
    assertFalse(FusedSteps.applies(a, Nd4j.rand(DataType.FLOAT, 8, 5)));
    assertFalse(FusedSteps.applies(a.castTo(DataType.HALF)));
    assertFalse(FusedSteps.applies(a.dup('f')));
    assertTrue(FusedSteps.applies(a, a.dup()));
  }

  /** In the ball and the range up to float rounding (1e-6), immutable dimensions unmoved. */
  private static void inBallAndRange(InputSpace s, INDArray x, INDArray x0, double[] eps, String what) {
    double[][] v = x.castTo(DataType.DOUBLE).toDoubleMatrix();
    double[][] c = x0.castTo(DataType.DOUBLE).toDoubleMatrix();
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < D; j++) {
        String at = what + " row " + i + " column " + j + ": " + v[i][j] + " from " + c[i][j];
        assertTrue(Math.abs(v[i][j] - c[i][j]) <= eps[i] * (1 + 1e-6) + 1e-6, at + " outside the ball " + eps[i]);
        assertTrue(v[i][j] >= s.lower(j) - 1e-6 && v[i][j] <= s.upper(j) + 1e-6, at + " outside the range");
        assertTrue(s.mutable(j) || v[i][j] == c[i][j], at + " moved an immutable dimension");
      }
    }
  }
}

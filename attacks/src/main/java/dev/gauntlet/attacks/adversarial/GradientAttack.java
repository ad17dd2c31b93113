package dev.gauntlet.attacks.adversarial;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * FGSM, BIM and PGD on ND4J batches. The iterate lives in the relaxed space (see {@link InputSpace});
 * rows whose valid point already reaches the goal are frozen (their step is multiplied by zero).
 */
final class GradientAttack {
  private GradientAttack() {}

  /** The goal of an attack on a batch: leave {@code classes[i]} (untargeted) or reach it (targeted). */
  record Goal(int[] classes, boolean targeted) {
    boolean reached(int decision, int row) {
      return targeted ? decision == classes[row] : decision != classes[row];
    }
  }

  /**
   * Runs the attack from {@code x0} ({@code n x d}, model data type) and returns the relaxed end
   * point in {@code out} (which may be null: a new array is made).
   *
   * @param y one-hot labels of the loss: the reference class (untargeted) or the target
   * @param eps per-row radius, {@code n x 1}
   * @param uniformEps the common radius when all rows share one, else NaN (enables a faster FGSM)
   * @param earlyStop whether rows that reach the goal are frozen (needs {@code goal})
   */
  static INDArray perturb(GradientPass pass, InputSpace space, DecisionRule rule, AttackSpec spec, INDArray x0, INDArray y,
      INDArray eps, double uniformEps, Goal goal, boolean earlyStop, long seed, INDArray out) {
    boolean targeted = spec.target() != null;
    double sign = targeted ? -1 : 1;
    long n = x0.rows();
    INDArray x = out == null ? x0.dup() : out.assign(x0);
    if (spec.kind() == AttackKind.FGSM) {
      INDArray g = pass.gradient(x0, y);
      if (spec.norm() == Norm.LINF && FusedSteps.applies(x, x0, g)) {
        double[] step = column(eps);
        for (int i = 0; i < step.length; i++) {
          step[i] = Double.isNaN(uniformEps) ? sign * step[i] : sign * uniformEps;
        }
        FusedSteps.fgsm(x, x0, g, step, space.bounds());
        return x;
      }
      direction(space, spec.norm(), g);
      if (!Double.isNaN(uniformEps)) {
        Nd4j.getBlasWrapper().level1().axpy(g.length(), sign * uniformEps, g, x);
      } else {
        g.muliColumnVector(eps);
        if (targeted) {
          x.subi(g);
        } else {
          x.addi(g);
        }
      }
      space.clipToRange(x);
      return x;
    }
    if (spec.kind() == AttackKind.PGD) {
      x.addi(randomStart(space, spec.norm(), n, x0.columns(), eps, seed, x0.dataType()));
      space.relaxInPlace(x, x0, eps, spec.norm());
    }
    INDArray alpha = eps.mul(sign * spec.effectiveStepSize());
    INDArray active = null;
    double[] alphas = null;
    double[] epsValues = null;
    boolean uniform = eps.minNumber().doubleValue() == eps.maxNumber().doubleValue();
    boolean[] done = new boolean[(int) n];
    for (int t = 0; t < spec.steps(); t++) {
      INDArray g = pass.gradient(x, y);
      if (earlyStop && (t > 0 || spec.kind() == AttackKind.PGD)) {
        double[][] p = space.discrete() ? validOutput(pass, space, x, x0, eps, spec.norm()) : toDouble(pass.lastOutput());
        boolean any = false;
        boolean all = true;
        for (int i = 0; i < n; i++) {
          if (!done[i] && goal.reached(rule.decide(p[i]), i)) {
            done[i] = true;
            any = true;
          }
          all &= done[i];
        }
        if (all) {
          break;
        }
        if (any) {
          double[] a = new double[(int) n];
          for (int i = 0; i < n; i++) {
            a[i] = done[i] ? 0 : 1;
          }
          active = Nd4j.create(a, new long[] {n, 1}, DataType.DOUBLE).castTo(x.dataType());
        }
      }
      if (spec.norm() == Norm.LINF && FusedSteps.applies(x, x0, g)) {
        if (alphas == null || active != null) {
          alphas = column(alpha);
          epsValues = column(eps);
          if (active != null) {
            double[] a = column(active);
            for (int i = 0; i < n; i++) {
              alphas[i] *= a[i];
            }
          }
        }
        FusedSteps.pgdLinf(x, x0, g, alphas, epsValues, uniform, space.bounds());
        continue;
      }
      direction(space, spec.norm(), g);
      g.muliColumnVector(alpha);
      if (active != null) {
        g.muliColumnVector(active);
      }
      x.addi(g);
      space.relaxInPlace(x, x0, eps, spec.norm());
    }
    return x;
  }

  /** An {@code n x 1} column's values, exactly (float to double is exact). */
  static double[] column(INDArray c) {
    return c.castTo(DataType.DOUBLE).data().asDouble();
  }

  /** Turns a gradient into a step direction in place: its sign (L-inf) or unit rows (L2), immutable dimensions zero. */
  static void direction(InputSpace space, Norm norm, INDArray g) {
    space.maskInPlace(g);
    if (norm == Norm.LINF) {
      Transforms.sign(g, false);
    } else {
      INDArray norms = Transforms.max(g.norm2(1), 1e-12, false).reshape(g.rows(), 1);
      g.diviColumnVector(norms);
    }
  }

  /** A uniform random point of the ball (L-inf: a uniform cube; L2: uniform in the ball), drawn in Java for determinism. */
  static INDArray randomStart(InputSpace space, Norm norm, long n, long d, INDArray eps, long seed, DataType dt) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] e = eps.castTo(DataType.DOUBLE).data().asDouble();
    int dm = Math.max(1, space.mutableCount());
    if (dt == DataType.FLOAT) {
      float[] v = new float[(int) (n * d)];
      fill(space, norm, n, d, e, rnd, dm, (k, val) -> v[k] = (float) val);
      return Nd4j.create(v, new long[] {n, d}, 'c');
    }
    double[] v = new double[(int) (n * d)];
    fill(space, norm, n, d, e, rnd, dm, (k, val) -> v[k] = val);
    return Nd4j.create(v, new long[] {n, d}, 'c').castTo(dt);
  }

  private interface Sink {
    void put(int k, double v);
  }

  private static void fill(InputSpace space, Norm norm, long n, long d, double[] e, SplittableRandom rnd, int dm, Sink sink) {
    double[] row = new double[(int) d];
    for (int i = 0; i < n; i++) {
      double sq = 0;
      for (int j = 0; j < d; j++) {
        double v = !space.mutable(j) ? 0 : norm == Norm.LINF ? rnd.nextDouble(-1, 1) : gaussian(rnd);
        row[j] = v;
        sq += v * v;
      }
      double scale = norm == Norm.LINF ? e[i] : e[i] * Math.pow(rnd.nextDouble(), 1.0 / dm) / Math.max(Math.sqrt(sq), 1e-12);
      for (int j = 0; j < d; j++) {
        sink.put((int) (i * d + j), row[j] * scale);
      }
    }
  }

  static double gaussian(SplittableRandom rnd) {
    double u = 1 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The model's probabilities at the valid points of a relaxed batch. */
  static double[][] validOutput(GradientPass pass, InputSpace space, INDArray x, INDArray x0, INDArray eps, Norm norm) {
    double[][] v = valid(space, x, x0, eps, norm);
    return toDouble(pass.output(Nd4j.create(v).castTo(pass.dataType())));
  }

  /** The valid points ({@link InputSpace#project}) of a relaxed batch, as doubles. */
  static double[][] valid(InputSpace space, INDArray x, INDArray x0, INDArray eps, Norm norm) {
    double[][] v = toDouble(x);
    double[][] c = toDouble(x0);
    double[] e = eps.castTo(DataType.DOUBLE).data().asDouble();
    for (int i = 0; i < v.length; i++) {
      space.project(v[i], c[i], e[i], norm);
    }
    return v;
  }

  static double[][] toDouble(INDArray a) {
    return a.castTo(DataType.DOUBLE).toDoubleMatrix();
  }
}

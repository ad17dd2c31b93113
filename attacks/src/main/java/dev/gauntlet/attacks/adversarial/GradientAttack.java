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
    double[] alphaAll = column(eps.mul(sign * spec.effectiveStepSize()));
    double[] epsAll = column(eps);
    boolean uniform = eps.minNumber().doubleValue() == eps.maxNumber().doubleValue();
    boolean[] done = new boolean[(int) n];
    // The working set: the rows still attacked. Rows that reach the goal are frozen at once (step
    // zero) and leave the set at the next compaction, so later steps compute no gradient for them;
    // a row's iterate depends on its own row only, so this is the same attack as freezing alone.
    Rows w = Rows.all(x, x0, y, alphaAll, epsAll);
    for (int t = 0; t < spec.steps(); t++) {
      INDArray g = pass.gradient(w.x, w.y);
      double[] alphas = w.alpha;
      if (earlyStop && (t > 0 || spec.kind() == AttackKind.PGD)) {
        double[][] p = space.discrete() ? validOutput(pass, space, w.x, w.x0, w.epsColumn(), spec.norm()) : toDouble(pass.lastOutput());
        int newlyDone = 0;
        for (int i = 0; i < w.size(); i++) {
          int row = w.row(i);
          if (!done[row] && goal.reached(rule.decide(p[i]), row)) {
            done[row] = true;
            newlyDone++;
          }
        }
        int frozen = 0;
        for (int i = 0; i < w.size(); i++) {
          frozen += done[w.row(i)] ? 1 : 0;
        }
        if (frozen == w.size()) {
          break;
        }
        if (frozen > 0 && frozen >= w.size() / COMPACT_FRACTION) {
          g = w.keep(done, g);
          alphas = w.alpha;
        } else if (newlyDone > 0 || frozen > 0) {
          alphas = w.alpha.clone();
          for (int i = 0; i < w.size(); i++) {
            if (done[w.row(i)]) {
              alphas[i] = 0 * alphas[i];
            }
          }
        }
      }
      if (spec.norm() == Norm.LINF && FusedSteps.applies(w.x, w.x0, g)) {
        FusedSteps.pgdLinf(w.x, w.x0, g, alphas, w.eps, uniform, space.bounds());
        continue;
      }
      direction(space, spec.norm(), g);
      g.muliColumnVector(Nd4j.create(alphas, new long[] {alphas.length, 1}, DataType.DOUBLE).castTo(g.dataType()));
      w.x.addi(g);
      space.relaxInPlace(w.x, w.x0, w.epsColumn(), spec.norm());
    }
    w.finish();
    return x;
  }

  /** A working set is compacted once at least 1/this of its rows are frozen. */
  private static final int COMPACT_FRACTION = 16;

  /**
   * The rows of a batch still being attacked: their iterates, start points, labels, step sizes and
   * radii, in the batch's order. Starts as the whole batch (the arrays themselves, no copy); {@link
   * #keep} copies the frozen rows' iterates back into the batch and gathers the rest.
   */
  private static final class Rows {
    private final INDArray target;
    private int[] rows; // null: row i of the set is row i of the batch
    INDArray x;
    INDArray x0;
    INDArray y;
    double[] alpha;
    double[] eps;

    private Rows(INDArray target, INDArray x0, INDArray y, double[] alpha, double[] eps) {
      this.target = target;
      this.x = target;
      this.x0 = x0;
      this.y = y;
      this.alpha = alpha;
      this.eps = eps;
    }

    static Rows all(INDArray x, INDArray x0, INDArray y, double[] alpha, double[] eps) {
      return new Rows(x, x0, y, alpha, eps);
    }

    int size() {
      return (int) x.rows();
    }

    int row(int i) {
      return rows == null ? i : rows[i];
    }

    INDArray epsColumn() {
      return Nd4j.create(eps, new long[] {eps.length, 1}, DataType.DOUBLE).castTo(x.dataType());
    }

    /** Keeps the rows not {@code done}: writes the others' iterates to the batch; returns {@code g}'s kept rows. */
    INDArray keep(boolean[] done, INDArray g) {
      int m = size();
      int[] local = new int[m];
      int kept = 0;
      for (int i = 0; i < m; i++) {
        if (!done[row(i)]) {
          local[kept++] = i;
        }
      }
      local = java.util.Arrays.copyOf(local, kept);
      writeBack(done, true);
      int[] next = new int[kept];
      double[] a = new double[kept];
      double[] e = new double[kept];
      for (int j = 0; j < kept; j++) {
        next[j] = row(local[j]);
        a[j] = alpha[local[j]];
        e[j] = eps[local[j]];
      }
      INDArray gk = gather(g, local);
      x = gather(x, local);
      x0 = gather(x0, local);
      y = gather(y, local);
      alpha = a;
      eps = e;
      rows = next;
      return gk;
    }

    /** Copies the set's iterates into the batch: all of them, or only the {@code done} ones. */
    private void writeBack(boolean[] done, boolean onlyDone) {
      if (rows == null) {
        return; // the set is the batch itself
      }
      boolean flat = FusedSteps.applies(target) && FusedSteps.applies(x) && x.dataType() == target.dataType();
      int d = (int) x.columns();
      for (int i = 0; i < rows.length; i++) {
        if (!onlyDone || done[rows[i]]) {
          if (flat) {
            copyRow(x, i, target, rows[i], d);
          } else {
            target.putRow(rows[i], x.getRow(i));
          }
        }
      }
    }

    /** Row {@code from} of {@code src} into row {@code to} of {@code dst}, both whole row-major buffers of one type. */
    private static void copyRow(INDArray src, int from, INDArray dst, int to, int d) {
      if (src.dataType() == DataType.FLOAT) {
        dst.data().asNioFloat().put(to * d, src.data().asNioFloat(), from * d, d);
      } else {
        dst.data().asNioDouble().put(to * d, src.data().asNioDouble(), from * d, d);
      }
    }

    void finish() {
      writeBack(null, false);
    }

    private static INDArray gather(INDArray a, int[] local) {
      return Nd4j.pullRows(a, 1, local, 'c');
    }
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

  /** A matrix's rows as doubles, exactly (float to double is exact), read from one flat copy (not row by row). */
  static double[][] toDouble(INDArray a) {
    if (a.rank() != 2) {
      return a.castTo(DataType.DOUBLE).toDoubleMatrix();
    }
    int n = (int) a.rows();
    int d = (int) a.columns();
    double[] flat = a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[][] out = new double[n][d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * d, out[i], 0, d);
    }
    return out;
  }
}

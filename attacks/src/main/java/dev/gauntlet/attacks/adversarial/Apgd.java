package dev.gauntlet.attacks.adversarial;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Auto-PGD (Croce and Hein, ICML 2020, "Reliable evaluation of adversarial robustness with an
 * ensemble of diverse parameter-free attacks", Algorithm 1) on ND4J batches, in the relaxed space
 * of {@link InputSpace} exactly as {@link GradientAttack}: every iterate is projected onto the ball,
 * the immutable features and the ranges; success is judged at the valid (rounded) point when the
 * space has integer or one-hot features.
 *
 * <p>Per row: the step size starts at {@code 2 eps}; each iteration takes a projected gradient step
 * {@code z = P(x + eta * dir(grad))} and moves to {@code P(x + a (z - x) + (1 - a)(x - x_prev))} with
 * momentum {@code a = 0.75} ({@code a = 1} on the first iteration). At the checkpoints
 * {@code w_j = ceil(p_j N)} ({@code p_0 = 0, p_1 = 0.22, p_{j+1} = p_j + max(p_j - p_{j-1} - 0.03, 0.06)})
 * the step is halved and the iterate restarts from the best point so far when (1) fewer than
 * {@code rho = 0.75} of the steps since the last checkpoint raised the loss, or (2) neither the step
 * size was halved at the last checkpoint nor the best loss rose since (as in the authors' reference
 * code, condition 2 is not applied at the first checkpoint). The attack returns the last iterate
 * that reached the goal, else the point of highest loss.
 *
 * <p>Losses (maximised), from the probabilities {@code p} with logits read as {@code z = ln p}
 * (exact for softmax outputs: DLR and the gradients below are invariant to a shift of the logits):
 * cross-entropy {@code -ln p_y} (targeted: {@code ln p_t}); DLR {@code -(z_y - max_{i != y} z_i) /
 * (z_pi1 - z_pi3)} (targeted: {@code -(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2)}), where
 * {@code pi} sorts the logits in decreasing order and {@code 1e-12} guards each denominator. The
 * input gradient is obtained from the model's pass by the labels {@code p - dL/dz}, whose
 * cross-entropy gradient with respect to the logits is {@code dL/dz} (its rows sum to zero).
 */
final class Apgd {
  static final double RHO = 0.75;
  static final double MOMENTUM = 0.75;
  private static final double GUARD = 1e-12;

  private Apgd() {}

  /** The checkpoints {@code w_1 < w_2 < ... <= n} (iteration counts) for {@code n} iterations. */
  static int[] checkpoints(int n) {
    List<Integer> w = new ArrayList<>();
    double prev = 0;
    double p = 0.22;
    while (p <= 1) {
      int c = (int) Math.ceil(p * n - 1e-9);
      if (c >= 1 && c <= n && (w.isEmpty() || c > w.get(w.size() - 1))) {
        w.add(c);
      }
      double next = p + Math.max(p - prev - 0.03, 0.06);
      prev = p;
      p = next;
    }
    return w.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The loss of one row (to be maximised) and, in {@code g}, its gradient with respect to the logits.
   *
   * @param y the reference class; {@code t} the target class or -1
   */
  static double loss(AttackKind kind, double[] p, int y, int t, double[] g) {
    int k = p.length;
    java.util.Arrays.fill(g, 0);
    if (kind == AttackKind.APGD_CE) {
      if (t < 0) {
        for (int c = 0; c < k; c++) {
          g[c] = p[c];
        }
        g[y] -= 1;
        return -Math.log(Math.max(p[y], Double.MIN_NORMAL));
      }
      for (int c = 0; c < k; c++) {
        g[c] = -p[c];
      }
      g[t] += 1;
      return Math.log(Math.max(p[t], Double.MIN_NORMAL));
    }
    double[] z = new double[k];
    Integer[] order = new Integer[k];
    for (int c = 0; c < k; c++) {
      z[c] = Math.log(Math.max(p[c], Double.MIN_NORMAL));
      order[c] = c;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(z[b], z[a]));
    int other = t >= 0 ? t : order[0] == y ? order[1] : order[0];
    double num = z[y] - z[other];
    double den;
    if (t < 0) {
      den = z[order[0]] - z[order[2]] + GUARD;
      g[order[0]] += num / (den * den);
      g[order[2]] -= num / (den * den);
    } else {
      den = z[order[0]] - (z[order[2]] + z[order[3]]) / 2 + GUARD;
      g[order[0]] += num / (den * den);
      g[order[2]] -= num / (2 * den * den);
      g[order[3]] -= num / (2 * den * den);
    }
    g[y] -= 1 / den;
    g[other] += 1 / den;
    return -num / den;
  }

  /** One evaluation: per-row loss and whether the goal is reached; the gradient is in the pass's buffer. */
  private record Eval(INDArray gradient, double[] loss, boolean[] success) {}

  /**
   * Runs APGD from {@code start} (or, when null, from a uniform random point of the ball) and returns
   * the relaxed end point of every row.
   *
   * @param x0 clean rows, {@code n x d}, in the pass's data type
   * @param reference each row's reference class (the class to leave, or the row's own class when targeted)
   * @param targets each row's target class, or null (untargeted)
   * @param eps per-row radius, {@code n x 1}
   */
  static INDArray run(GradientPass pass, InputSpace space, DecisionRule rule, AttackSpec spec, INDArray x0, int[] reference, int[] targets,
      INDArray eps, INDArray start, long seed) {
    return run(pass, space, rule, spec, x0, reference, targets, eps, start, seed, null);
  }

  /** As above; {@code bestLoss}, when not null, receives each row's highest loss. */
  static INDArray run(GradientPass pass, InputSpace space, DecisionRule rule, AttackSpec spec, INDArray x0, int[] reference, int[] targets,
      INDArray eps, INDArray start, long seed, double[] bestLoss) {
    int n = (int) x0.rows();
    Norm norm = spec.norm();
    int steps = spec.steps();
    INDArray x;
    if (start != null) {
      x = start.castTo(x0.dataType()).dup();
    } else {
      x = x0.add(GradientAttack.randomStart(space, norm, n, x0.columns(), eps, seed, x0.dataType()));
    }
    space.relaxInPlace(x, x0, eps, norm);
    Eval e = eval(pass, space, rule, spec.kind(), x, x0, eps, norm, reference, targets);
    INDArray grad = e.gradient().dup();
    INDArray xBest = x.dup();
    INDArray gradBest = grad.dup();
    double[] lossBest = e.loss().clone();
    INDArray xAdv = x.dup();
    boolean[] found = e.success().clone();
    double[] eta = eps.castTo(DataType.DOUBLE).data().asDouble();
    for (int i = 0; i < n; i++) {
      eta[i] *= 2;
    }
    INDArray etaColumn = column(eta, x.dataType());
    boolean uniform = uniform(eta);
    INDArray xOld = x.dup();
    double[][] lossSteps = new double[steps + 1][];
    lossSteps[0] = e.loss().clone();
    int[] checks = checkpoints(steps);
    int nextCheck = 0;
    int lastCheck = 0;
    boolean[] reducedLast = new boolean[n];
    java.util.Arrays.fill(reducedLast, true);
    double[] lossBestLastCheck = lossBest.clone();
    for (int it = 0; it < steps; it++) {
      INDArray momentum = x.sub(xOld);
      xOld.assign(x);
      double a = it == 0 ? 1.0 : MOMENTUM;
      INDArray dir = grad.dup();
      GradientAttack.direction(space, norm, dir);
      INDArray z = (uniform ? dir.muli(eta[0]) : dir.muliColumnVector(etaColumn)).addi(x);
      space.relaxInPlace(z, x0, eps, norm);
      // x + a (z - x) + (1 - a) momentum
      z.subi(x).muli(a).addi(x);
      if (a != 1.0) {
        z.addi(momentum.muli(1 - a));
      }
      space.relaxInPlace(z, x0, eps, norm);
      x = z;
      e = eval(pass, space, rule, spec.kind(), x, x0, eps, norm, reference, targets);
      grad.assign(e.gradient());
      double[] loss = e.loss();
      lossSteps[it + 1] = loss.clone();
      double[] hit = new double[n];
      double[] better = new double[n];
      boolean anyHit = false;
      boolean anyBetter = false;
      for (int r = 0; r < n; r++) {
        if (e.success()[r]) {
          hit[r] = 1;
          found[r] = true;
          anyHit = true;
        }
        if (loss[r] > lossBest[r]) {
          better[r] = 1;
          lossBest[r] = loss[r];
          anyBetter = true;
        }
      }
      if (anyHit) {
        blend(xAdv, x, hit);
      }
      if (anyBetter) {
        blend(xBest, x, better);
        blend(gradBest, grad, better);
      }
      if (nextCheck < checks.length && it + 1 == checks[nextCheck]) {
        int w = checks[nextCheck];
        int h = w - lastCheck;
        double[] reduce = new double[n];
        boolean any = false;
        for (int r = 0; r < n; r++) {
          int up = 0;
          for (int s = lastCheck; s < w; s++) {
            up += lossSteps[s + 1][r] > lossSteps[s][r] ? 1 : 0;
          }
          boolean oscillating = up < RHO * h;
          boolean stalled = !reducedLast[r] && lossBestLastCheck[r] >= lossBest[r];
          reducedLast[r] = oscillating || stalled;
          if (reducedLast[r]) {
            reduce[r] = 1;
            eta[r] /= 2;
            any = true;
          }
        }
        lossBestLastCheck = lossBest.clone();
        if (any) {
          etaColumn = column(eta, x.dataType());
          uniform = uniform(eta);
          blend(x, xBest, reduce);
          blend(grad, gradBest, reduce);
        }
        lastCheck = w;
        nextCheck++;
      }
    }
    double[] use = new double[n];
    for (int r = 0; r < n; r++) {
      use[r] = found[r] ? 1 : 0;
    }
    blend(xBest, xAdv, use);
    if (bestLoss != null) {
      System.arraycopy(lossBest, 0, bestLoss, 0, n);
    }
    return xBest;
  }

  /** The loss, its input gradient and the goal at {@code x} (valid points decide when the space is discrete). */
  private static Eval eval(GradientPass pass, InputSpace space, DecisionRule rule, AttackKind kind, INDArray x, INDArray x0, INDArray eps,
      Norm norm, int[] reference, int[] targets) {
    int n = (int) x.rows();
    double[] loss = new double[n];
    double[][] probs = new double[n][];
    INDArray g = pass.gradient(x, p -> {
      int k = (int) p.columns();
      double[] flat = p.castTo(DataType.DOUBLE).dup('c').data().asDouble();
      double[] y = new double[n * k];
      double[] dz = new double[k];
      for (int r = 0; r < n; r++) {
        double[] row = java.util.Arrays.copyOfRange(flat, r * k, (r + 1) * k);
        probs[r] = row;
        loss[r] = loss(kind, row, reference[r], targets == null ? -1 : targets[r], dz);
        for (int c = 0; c < k; c++) {
          y[r * k + c] = row[c] - dz[c];
        }
      }
      return Nd4j.create(y, new long[] {n, k}, 'c').castTo(p.dataType());
    });
    double[][] decide = space.discrete() ? GradientAttack.validOutput(pass, space, x, x0, eps, norm) : probs;
    GradientAttack.Goal goal = new GradientAttack.Goal(targets != null ? targets : reference, targets != null);
    boolean[] success = new boolean[n];
    for (int r = 0; r < n; r++) {
      success[r] = goal.reached(rule.decide(decide[r]), r);
    }
    return new Eval(g, loss, success);
  }

  /** {@code dst[r] = src[r]} for the rows where {@code mask[r] == 1}, exactly (multiplication by 0 and 1). */
  private static void blend(INDArray dst, INDArray src, double[] mask) {
    int ones = 0;
    for (double v : mask) {
      ones += v == 1 ? 1 : 0;
    }
    if (ones == 0) {
      return;
    }
    if (ones == mask.length) {
      dst.assign(src); // the common case early on: every row improved (no broadcast ops)
      return;
    }
    INDArray m = column(mask, dst.dataType());
    INDArray keep = m.rsub(1.0);
    dst.muliColumnVector(keep).addi(src.mulColumnVector(m));
  }

  /** Whether every row has the same step size (eta changes only at checkpoints). */
  private static boolean uniform(double[] eta) {
    double eta0 = eta[0];
    return java.util.Arrays.stream(eta).allMatch(v -> v == eta0);
  }

  private static INDArray column(double[] v, DataType dt) {
    return Nd4j.create(v, new long[] {v.length, 1}, 'c').castTo(dt);
  }
}

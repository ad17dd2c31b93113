package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Gradients;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.Models;
import dev.gauntlet.harness.model.Task;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Attacks on a regression model: within the {@code eps} ball around each row (and the schema's
 * constraints, {@link InputSpace#project}), find the input that moves the prediction the most
 * ({@link ShiftObjective#SHIFT}) or makes the squared error against the row's target the largest
 * ({@link ShiftObjective#ERROR}).
 *
 * <ul>
 *   <li>White-box ({@code fgsm}, {@code bim}, {@code pgd}): steps along the sign of the prediction's
 *       input gradient (L-inf) or along the gradient (L2), in both directions, keeping the better
 *       end for the goal. The gradient comes from {@link Gradients#lossGradient(double[][], double[])}
 *       with each row's target set one unit below its prediction: the squared error's gradient is
 *       then exactly the prediction's, and every loss Gauntlet's adapters use gives a positive
 *       multiple of it. On a linear model FGSM moves the prediction by {@code eps * ||w||_1}
 *       (L-inf) or {@code eps * ||w||_2} (L2), the largest shift in the ball.</li>
 *   <li>Black-box ({@code simba}): coordinate search over the mutable dimensions in a seeded order,
 *       each tried at plus and minus the step (eps under L-inf: the ball's corners), a step kept when
 *       it improves the goal; stops at the query budget per row. For tree ensembles, whose splits
 *       are axis-aligned, this is the natural search. {@code noise}: the best of uniform draws in the
 *       ball, the baseline any attack must beat.</li>
 * </ul>
 *
 * <p>Every returned point is valid and its prediction is from a final model call on exactly that
 * point.
 */
final class ShiftAttack {
  private ShiftAttack() {}


  /**
   * The attack's points and predictions.
   *
   * @param adversarial the chosen point of every row (the clean row when nothing improved)
   * @param before the clean prediction of every row
   * @param after the prediction at the chosen point
   * @param queries model calls (rows predicted), the final confirming call included
   */
  record Outcome(double[][] adversarial, double[] before, double[] after, long queries) {
    double shift(int i) {
      return Math.abs(after[i] - before[i]);
    }
  }

  /** The attacks that apply to a regression model. */
  static void requireSupported(AttackSpec spec, String param) {
    AttackKind k = spec.kind();
    dev.gauntlet.harness.metric.ParamException.require(k == AttackKind.FGSM || k == AttackKind.BIM || k == AttackKind.PGD
        || k == AttackKind.SIMBA || k == AttackKind.NOISE, param,
        "attack " + k.label() + " has no regression form; a regression model is attacked with fgsm, bim, pgd (white-box), simba or noise (black-box)");
    dev.gauntlet.harness.metric.ParamException.require(spec.target() == null, "target", "a regression attack has no target class");
  }

  /**
   * Attacks every row with radius {@code eps[i] > 0}.
   *
   * @param targets the true value of each row (needed for {@link ShiftObjective#ERROR}; may be null for SHIFT)
   */
  static Outcome run(ModelUnderTest model, InputSpace space, AttackSpec spec, ShiftObjective goal, double[][] x0, double[] targets, double[] eps, long seed) {
    if (model.task() != Task.REGRESSION) {
      throw new UsageException(Task.modelShape(model) + "; the prediction-shift attacks need a regression model");
    }
    if (spec.kind().whiteBox() && !model.can(Capability.LOSS_GRADIENT)) {
      throw new UsageException("attack " + spec.kind().label() + " needs the gradient of model '" + model.name() + "', which it does not give ("
          + model.missingReason(Capability.LOSS_GRADIENT).orElse("a black-box model; use simba or noise") + ")");
    }
    if (!model.can(Capability.PREDICT)) {
      throw new UsageException("model '" + model.name() + "' cannot be run on new inputs, so it cannot be attacked");
    }
    if (goal == ShiftObjective.ERROR && targets == null) {
      throw new IllegalArgumentException("the error goal needs each row's target");
    }
    int n = x0.length;
    double[] before = values(model, x0);
    long[] queries = {n};
    double[][] adv = new double[n][];
    for (int i = 0; i < n; i++) {
      adv[i] = x0[i].clone();
    }
    switch (spec.kind()) {
      case FGSM, BIM, PGD -> gradient(model, space, spec, goal, x0, targets, eps, before, adv, queries, seed);
      case SIMBA -> coordinates(model, space, spec, goal, x0, targets, eps, before, adv, queries, seed);
      case NOISE -> noise(model, space, spec, goal, x0, targets, eps, before, adv, queries, seed);
      default -> throw new UsageException("attack " + spec.kind().label() + " has no regression form; use fgsm, bim, pgd, simba or noise");
    }
    for (int i = 0; i < n; i++) {
      String bad = space.violation(adv[i], x0[i], eps[i], spec.norm());
      if (bad != null) {
        throw new IllegalStateException("attack " + spec.describe() + " produced an invalid point for row " + i + ": " + bad);
      }
    }
    double[] after = values(model, adv);
    queries[0] += n;
    return new Outcome(adv, before, after, queries[0]);
  }

  private static double objective(ShiftObjective goal, double v, double before, double target) {
    return goal == ShiftObjective.SHIFT ? Math.abs(v - before) : (v - target) * (v - target);
  }

  /** The prediction's input gradient (a positive multiple of it), from the loss gradient with targets one below the predictions. */
  private static double[][] valueGradient(ModelUnderTest model, double[][] x, double[] values) {
    Gradients g = model.gradients().orElseThrow(() -> new UsageException("model '" + model.name() + "' gives no gradients"));
    double[] t = new double[values.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = values[i] - 1;
    }
    return g.lossGradient(x, t);
  }

  private static void step(double[] x, double[] g, double size, double sign, Norm norm) {
    if (norm == Norm.LINF) {
      for (int j = 0; j < x.length; j++) {
        x[j] += sign * size * Math.signum(g[j]);
      }
    } else {
      double s = 0;
      for (double v : g) {
        s += v * v;
      }
      double len = Math.sqrt(s);
      if (len > 0) {
        for (int j = 0; j < x.length; j++) {
          x[j] += sign * size * g[j] / len;
        }
      }
    }
  }

  /** Each row's objective at its clean point (the value an attack must beat to move the row). */
  private static double[] cleanObjectives(ShiftObjective goal, double[] before, double[] targets) {
    double[] best = new double[before.length];
    for (int i = 0; i < best.length; i++) {
      best[i] = objective(goal, before[i], before[i], targets == null ? 0 : targets[i]);
    }
    return best;
  }

  private static void gradient(ModelUnderTest model, InputSpace space, AttackSpec spec, ShiftObjective goal, double[][] x0, double[] targets, double[] eps,
      double[] before, double[][] adv, long[] queries, long seed) {
    int[] rows = attacked(space, eps, spec.norm(), x0);
    if (rows.length == 0) {
      return;
    }
    double[] best = cleanObjectives(goal, before, targets);
    SplittableRandom rnd = new SplittableRandom(seed);
    boolean fgsm = spec.kind() == AttackKind.FGSM;
    int steps = fgsm ? 1 : spec.steps();
    for (int r = 0; r < (spec.kind() == AttackKind.PGD ? spec.restarts() : 1); r++) {
      for (double sign : new double[] {1, -1}) {
        int m = rows.length;
        double[][] x = new double[m][];
        double[][] base = new double[m][];
        for (int k = 0; k < m; k++) {
          int i = rows[k];
          base[k] = x0[i];
          x[k] = x0[i].clone();
          if (spec.kind() == AttackKind.PGD) {
            for (int j = 0; j < x[k].length; j++) {
              x[k][j] += space.mutable(j) ? (spec.norm() == Norm.LINF ? rnd.nextDouble(-eps[i], eps[i]) : rnd.nextDouble(-1, 1) * eps[i] / Math.sqrt(x[k].length)) : 0;
            }
            space.project(x[k], base[k], eps[i], spec.norm());
          }
        }
        for (int s = 0; s < steps; s++) {
          double[] v = values(model, x);
          double[][] g = valueGradient(model, x, v);
          queries[0] += 2L * m;
          for (int k = 0; k < m; k++) {
            int i = rows[k];
            double size = fgsm ? eps[i] : Double.isNaN(spec.stepSize()) ? 2.5 * eps[i] / steps : spec.stepSize() * eps[i];
            // ERROR: move away from the target; SHIFT: this pass's direction
            double dir = goal == ShiftObjective.ERROR ? Math.signum(v[k] - targets[i]) * sign : sign;
            if (dir == 0) {
              dir = sign;
            }
            maskImmutable(space, g[k]);
            step(x[k], g[k], size, dir, spec.norm());
            space.project(x[k], base[k], eps[i], spec.norm());
          }
        }
        double[] v = values(model, x);
        queries[0] += m;
        for (int k = 0; k < m; k++) {
          int i = rows[k];
          double o = objective(goal, v[k], before[i], targets == null ? 0 : targets[i]);
          if (o > best[i]) {
            best[i] = o;
            adv[i] = x[k];
          }
        }
      }
    }
  }

  private static void maskImmutable(InputSpace space, double[] g) {
    for (int j = 0; j < g.length; j++) {
      if (!space.mutable(j)) {
        g[j] = 0;
      }
    }
  }

  private static int[] attacked(InputSpace space, double[] eps, Norm norm, double[][] x0) {
    return java.util.stream.IntStream.range(0, x0.length).filter(i -> eps[i] > 0 && space.canMove(x0[i], eps[i], norm)).toArray();
  }

  private static void coordinates(ModelUnderTest model, InputSpace space, AttackSpec spec, ShiftObjective goal, double[][] x0, double[] targets, double[] eps,
      double[] before, double[][] adv, long[] queries, long seed) {
    int[] rows = attacked(space, eps, spec.norm(), x0);
    int[] dims = java.util.stream.IntStream.range(0, space.width()).filter(space::mutable).toArray();
    if (rows.length == 0 || dims.length == 0) {
      return;
    }
    double[] best = cleanObjectives(goal, before, targets);
    double[] cur = before.clone();
    SplittableRandom rnd = new SplittableRandom(seed);
    long used = 0;
    int pass = 0;
    while (used + 2 <= spec.queryBudget()) {
      int[] order = dims.clone();
      for (int a = order.length - 1; a > 0; a--) {
        int b = rnd.nextInt(a + 1);
        int t = order[a];
        order[a] = order[b];
        order[b] = t;
      }
      boolean improved = false;
      for (int d : order) {
        if (used + 2 > spec.queryBudget()) {
          break;
        }
        int m = rows.length;
        double[][] cand = new double[2 * m][];
        for (int k = 0; k < m; k++) {
          int i = rows[k];
          double size = spec.norm() == Norm.LINF ? eps[i] : (Double.isNaN(spec.stepSize()) ? 0.5 : spec.stepSize()) * eps[i] / (1 << Math.min(pass, 4));
          for (int s = 0; s < 2; s++) {
            double[] c = adv[i].clone();
            c[d] = spec.norm() == Norm.LINF ? x0[i][d] + (s == 0 ? size : -size) : c[d] + (s == 0 ? size : -size);
            space.project(c, x0[i], eps[i], spec.norm());
            cand[2 * k + s] = c;
          }
        }
        double[] v = values(model, cand);
        queries[0] += 2L * m;
        used += 2;
        for (int k = 0; k < m; k++) {
          int i = rows[k];
          for (int s = 0; s < 2; s++) {
            double o = objective(goal, v[2 * k + s], before[i], targets == null ? 0 : targets[i]);
            if (o > best[i] + 1e-12) {
              best[i] = o;
              adv[i] = cand[2 * k + s];
              cur[i] = v[2 * k + s];
              improved = true;
            }
          }
        }
      }
      pass++;
      if (!improved && spec.norm() == Norm.LINF) {
        break; // every corner coordinate tried from the current point without gain: a local optimum
      }
    }
  }

  private static void noise(ModelUnderTest model, InputSpace space, AttackSpec spec, ShiftObjective goal, double[][] x0, double[] targets, double[] eps,
      double[] before, double[][] adv, long[] queries, long seed) {
    int[] rows = attacked(space, eps, spec.norm(), x0);
    if (rows.length == 0) {
      return;
    }
    double[] best = cleanObjectives(goal, before, targets);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int q = 0; q < spec.queryBudget(); q++) {
      double[][] cand = new double[rows.length][];
      for (int k = 0; k < rows.length; k++) {
        int i = rows[k];
        double[] c = x0[i].clone();
        for (int j = 0; j < c.length; j++) {
          if (space.mutable(j)) {
            c[j] += spec.norm() == Norm.LINF ? rnd.nextDouble(-eps[i], eps[i]) : GradientAttack.gaussian(rnd) * eps[i] / Math.sqrt(c.length);
          }
        }
        space.project(c, x0[i], eps[i], spec.norm());
        cand[k] = c;
      }
      double[] v = values(model, cand);
      queries[0] += rows.length;
      for (int k = 0; k < rows.length; k++) {
        int i = rows[k];
        double o = objective(goal, v[k], before[i], targets == null ? 0 : targets[i]);
        if (o > best[i]) {
          best[i] = o;
          adv[i] = cand[k];
        }
      }
    }
  }

  /** The model's values, in batches of 4,096 rows, checked (one finite number per row). */
  static double[] values(ModelUnderTest model, double[][] x) {
    double[] out = new double[x.length];
    for (int start = 0; start < x.length; start += 4096) {
      double[][] chunk = Arrays.copyOfRange(x, start, Math.min(x.length, start + 4096));
      double[] v = model.predictValues(chunk);
      Models.checkValues(model.name(), v, chunk.length, start);
      System.arraycopy(v, 0, out, start, v.length);
    }
    return out;
  }
}

package dev.gauntlet.attacks.adversarial;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * HopSkipJumpAttack (Chen, Jordan and Wainwright, IEEE S&amp;P 2020): a decision-based attack that
 * reads only the model's decisions. From an adversarial starting point (random draws on the epsilon
 * ball's surface, then in the schema's ranges), it alternates a binary search to the decision boundary between the clean row and
 * the current adversarial point, an estimate of the boundary's normal from the signs of the decision
 * at {@code n_t = INIT_EVALS * sqrt(t)} points sampled at radius {@code delta_t} around the boundary
 * point ({@code delta_t = sqrt(d) theta dist} under L2, {@code d theta dist} under L-inf, with
 * {@code theta = 1 / d^1.5} and {@code 1 / d^2}, d the mutable dimensions), and a geometric step
 * search along that direction (L2: the normalised estimate; L-inf: its sign) from
 * {@code dist / sqrt(t)}, halved until the step stays adversarial. It is a minimal-perturbation
 * attack: it runs unbounded in the schema's valid space, keeps the closest adversarial point found,
 * and at the end the row counts as broken when that point, projected into the epsilon ball, is still
 * adversarial.
 *
 * <p>Every point the model sees is projected through {@link InputSpace#project} (ranges, immutable
 * features, integer steps, one-hot groups), so immutable features never move. Every model call counts
 * against the row's query budget (the clean check and the final in-ball check included); rows run
 * one after another, each with its own random stream, and the estimate's samples go to the model in
 * one call.
 */
final class HopSkipJump {
  private HopSkipJump() {}

  /** Decisions at the first gradient estimate (the paper's default); iteration t takes {@code INIT_EVALS * sqrt(t)}. */
  static final int INIT_EVALS = 100;
  /** The paper's cap on decisions per estimate. */
  static final int MAX_EVALS = 10_000;
  /**
   * The binary search stops at {@code theta / TIGHTER} instead of the paper's theta: on tabular
   * inputs d is small, theta = d^-1.5 is a few percent, and the search's adversarial end would sit
   * that far outside the boundary; a few more queries per search remove that bias.
   */
  static final double TIGHTER = 10;
  /** Random draws tried for an adversarial starting point (in batches), at most a quarter of the budget. */
  static final int INIT_TRIES = 100;

  /** One row's model calls, counted against its budget. */
  private static final class Row {
    final Function<double[][], double[][]> predict;
    final DecisionRule rule;
    final GradientAttack.Goal goal;
    final int index;
    final int budget;
    int used;

    Row(Function<double[][], double[][]> predict, DecisionRule rule, GradientAttack.Goal goal, int index, int budget) {
      this.predict = predict;
      this.rule = rule;
      this.goal = goal;
      this.index = index;
      this.budget = budget;
    }

    int left() {
      return budget - used;
    }

    /** Whether each point reaches the goal; spends one query per point. */
    boolean[] adversarial(double[][] pts) {
      double[][] p = predict.apply(pts);
      used += pts.length;
      boolean[] out = new boolean[pts.length];
      for (int k = 0; k < pts.length; k++) {
        out[k] = goal.reached(rule.decide(p[k]), index);
      }
      return out;
    }

    boolean adversarial(double[] x) {
      return adversarial(new double[][] {x})[0];
    }
  }

  static QueryAttack.Outcome run(Function<double[][], double[][]> predict, InputSpace space, DecisionRule rule, AttackSpec spec,
      double[][] x0, double[] eps, GradientAttack.Goal goal, SplittableRandom[] rnd) {
    int n = x0.length;
    double[][] points = new double[n][];
    boolean[] success = new boolean[n];
    long queries = 0;
    for (int i = 0; i < n; i++) {
      Row row = new Row(predict, rule, goal, i, spec.queryBudget());
      double[] best = attackRow(row, space, spec.norm(), x0[i], eps[i], rnd[i]);
      if (best == null) {
        points[i] = x0[i].clone();
      } else if (spec.norm().distance(best, x0[i]) <= eps[i]) {
        points[i] = best;
        success[i] = true;
      } else {
        double[] c = best.clone();
        space.project(c, x0[i], eps[i], spec.norm());
        points[i] = c;
        if (row.left() > 0 && !java.util.Arrays.equals(c, x0[i])) {
          success[i] = row.adversarial(c);
        }
      }
      queries += row.used;
    }
    return new QueryAttack.Outcome(points, success, queries);
  }

  /** The closest valid adversarial point found within the row's budget, or null when none was found. */
  static double[] attackRow(Row row, InputSpace space, Norm norm, double[] x0, double eps, SplittableRandom rnd) {
    if (row.left() <= 0 || space.mutableCount() == 0) {
      return null;
    }
    if (row.adversarial(x0)) {
      return x0.clone();
    }
    double[] adv = start(row, space, norm, x0, eps, rnd);
    if (adv == null) {
      return null;
    }
    int d = space.mutableCount();
    double theta = norm == Norm.L2 ? 1 / (d * Math.sqrt(d)) : 1.0 / ((double) d * d);
    double[] x = boundary(row, space, norm, x0, adv, theta);
    double dist = norm.distance(x, x0);
    double[] best = x;
    double bestDist = dist;
    for (int t = 1; row.left() > 1; t++) {
      double delta = (norm == Norm.L2 ? Math.sqrt(d) : d) * theta * dist;
      int evals = (int) Math.min(Math.min(MAX_EVALS, Math.round(INIT_EVALS * Math.sqrt(t))), row.left() - 1);
      if (evals < 2 || !(delta > 0)) {
        break;
      }
      double[] v = direction(row, space, norm, x, x0, delta, evals, rnd);
      if (v == null) {
        break;
      }
      // geometric step search: from dist / sqrt(t), halved until the step stays adversarial
      double step = dist / Math.sqrt(t);
      double[] moved = null;
      while (row.left() > 0 && step > 1e-12 * Math.max(1, dist)) {
        double[] c = x.clone();
        for (int j = 0; j < c.length; j++) {
          c[j] += step * v[j];
        }
        space.project(c, x0, Double.POSITIVE_INFINITY, norm);
        if (row.adversarial(c)) {
          moved = c;
          break;
        }
        step /= 2;
      }
      if (moved == null) {
        break;
      }
      x = boundary(row, space, norm, x0, moved, theta);
      dist = norm.distance(x, x0);
      if (dist < bestDist) {
        best = x;
        bestDist = dist;
      }
    }
    return best;
  }

  /**
   * Random valid points until one is adversarial: the first half of the tries on the surface of the
   * epsilon ball (as the noise baseline draws), so a row the ball can break starts inside it, then in
   * the schema's ranges (around x0, ever wider, where a range is open).
   */
  private static double[] start(Row row, InputSpace space, Norm norm, double[] x0, double eps, SplittableRandom rnd) {
    int tries = Math.min(INIT_TRIES, Math.max(1, row.budget / 4));
    int drawn = 0;
    while (drawn < tries && row.left() > 0) {
      int batch = Math.min(Math.min(10, tries - drawn), row.left());
      double[][] cands = new double[batch][];
      for (int b = 0; b < batch; b++) {
        double[] c = x0.clone();
        double scale = 1 + drawn + b; // open ranges: ever wider draws around x0
        if (drawn + b < tries / 2) {
          double sq = 0;
          for (int j = 0; j < c.length; j++) {
            c[j] = space.mutable(j) ? (norm == Norm.LINF ? rnd.nextDouble(-1, 1) : GradientAttack.gaussian(rnd)) : 0;
            sq += c[j] * c[j];
          }
          double r = norm == Norm.LINF ? eps : eps / Math.max(Math.sqrt(sq), 1e-12);
          for (int j = 0; j < c.length; j++) {
            c[j] = x0[j] + r * c[j];
          }
          space.project(c, x0, eps, norm);
          cands[b] = c;
          continue;
        }
        for (int j = 0; j < c.length; j++) {
          if (!space.mutable(j)) {
            continue;
          }
          double lo = space.lower(j);
          double hi = space.upper(j);
          c[j] = Double.isFinite(lo) && Double.isFinite(hi) ? rnd.nextDouble(lo, Math.nextUp(hi))
              : x0[j] + scale * GradientAttack.gaussian(rnd);
        }
        space.project(c, x0, Double.POSITIVE_INFINITY, norm);
        cands[b] = c;
      }
      drawn += batch;
      boolean[] a = row.adversarial(cands);
      for (int b = 0; b < batch; b++) {
        if (a[b]) {
          return cands[b];
        }
      }
    }
    return null;
  }

  /**
   * Binary search between x0 (not adversarial) and {@code adv} (adversarial) for the boundary: under
   * L2 along the segment, under L-inf by shrinking the box around x0 that {@code adv} is clipped to.
   * Returns an adversarial valid point; stops at tolerance theta (relative) or when the budget ends.
   */
  private static double[] boundary(Row row, InputSpace space, Norm norm, double[] x0, double[] adv, double theta) {
    double hi = norm == Norm.L2 ? 1 : Norm.LINF.distance(adv, x0);
    double lo = 0;
    double tol = (norm == Norm.L2 ? theta : Math.min(hi * theta, theta)) / TIGHTER;
    double[] found = adv;
    while (hi - lo > tol && row.left() > 1) {
      double mid = (lo + hi) / 2;
      double[] c = at(space, norm, x0, adv, mid);
      if (java.util.Arrays.equals(c, found)) {
        hi = mid; // the rounding maps mid to the same point: nothing to learn
        continue;
      }
      if (row.adversarial(c)) {
        hi = mid;
        found = c;
      } else {
        lo = mid;
      }
    }
    return found;
  }

  private static double[] at(InputSpace space, Norm norm, double[] x0, double[] adv, double a) {
    double[] c = adv.clone();
    if (norm == Norm.L2) {
      for (int j = 0; j < c.length; j++) {
        c[j] = x0[j] + a * (adv[j] - x0[j]);
      }
      space.project(c, x0, Double.POSITIVE_INFINITY, norm);
    } else {
      space.project(c, x0, a, Norm.LINF);
    }
    return c;
  }

  /**
   * The estimated direction towards the adversarial side at boundary point x: the mean of
   * {@code (phi_b - mean phi) u_b} over {@code evals} random unit directions u_b (Gaussian under L2,
   * uniform in the cube under L-inf, normalised; only mutable dimensions), each evaluated at the valid
   * point {@code x + delta u_b} with u_b replaced by the move the projection kept. L2: the unit vector;
   * L-inf: its sign. Null when no sample moved.
   */
  private static double[] direction(Row row, InputSpace space, Norm norm, double[] x, double[] x0, double delta, int evals,
      SplittableRandom rnd) {
    int w = x.length;
    double[][] pts = new double[evals][];
    double[][] us = new double[evals][];
    for (int b = 0; b < evals; b++) {
      double[] u = new double[w];
      double sq = 0;
      for (int j = 0; j < w; j++) {
        u[j] = space.mutable(j) ? (norm == Norm.L2 ? GradientAttack.gaussian(rnd) : rnd.nextDouble(-1, 1)) : 0;
        sq += u[j] * u[j];
      }
      double len = Math.max(Math.sqrt(sq), 1e-12);
      double[] c = new double[w];
      for (int j = 0; j < w; j++) {
        c[j] = x[j] + delta * u[j] / len;
      }
      space.project(c, x0, Double.POSITIVE_INFINITY, norm);
      for (int j = 0; j < w; j++) {
        u[j] = (c[j] - x[j]) / delta;
      }
      pts[b] = c;
      us[b] = u;
    }
    boolean[] a = row.adversarial(pts);
    double mean = 0;
    for (boolean s : a) {
      mean += s ? 1 : -1;
    }
    mean /= evals;
    boolean uniform = Math.abs(mean) == 1;
    double[] g = new double[w];
    for (int b = 0; b < evals; b++) {
      double phi = (a[b] ? 1 : -1) - (uniform ? 0 : mean);
      for (int j = 0; j < w; j++) {
        g[j] += phi * us[b][j];
      }
    }
    double sq = 0;
    for (int j = 0; j < w; j++) {
      g[j] /= evals;
      sq += g[j] * g[j];
    }
    if (!(sq > 0)) {
      return null;
    }
    double len = Math.sqrt(sq);
    for (int j = 0; j < w; j++) {
      g[j] = norm == Norm.L2 ? g[j] / len : Math.signum(g[j]);
    }
    return g;
  }
}

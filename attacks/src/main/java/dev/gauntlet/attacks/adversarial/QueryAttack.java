package dev.gauntlet.attacks.adversarial;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Black-box attacks that only call the model: SimBA, Square Attack (L-inf here, L2 in
 * {@link SquareL2}) and the uniform-noise baseline (score-based), and HopSkipJump ({@link HopSkipJump}, decision-based). Rows are
 * attacked together, one model call per round for all rows still running, and every row has its
 * own random stream (split from the seed in row order), so results do not depend on batching.
 */
final class QueryAttack {
  private QueryAttack() {}

  /** The outcome for the rows of a batch (indexes into the caller's arrays). */
  record Outcome(double[][] points, boolean[] success, long queries) {}

  /**
   * @param predict the model: valid points to probabilities
   * @param goal leave or reach a class per row
   */
  static Outcome run(Function<double[][], double[][]> predict, InputSpace space, DecisionRule rule, AttackSpec spec,
      double[][] x0, double[] eps, GradientAttack.Goal goal, long seed) {
    int n = x0.length;
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom[] rnd = new SplittableRandom[n];
    for (int i = 0; i < n; i++) {
      rnd[i] = root.split();
    }
    return switch (spec.kind()) {
      case NOISE -> noise(predict, space, rule, spec, x0, eps, goal, rnd);
      case SQUARE -> spec.norm() == Norm.L2 ? SquareL2.run(predict, space, rule, spec, x0, eps, goal, rnd)
          : square(predict, space, rule, spec, x0, eps, goal, rnd);
      case HSJ -> HopSkipJump.run(predict, space, rule, spec, x0, eps, goal, rnd);
      default -> simba(predict, space, rule, spec, x0, eps, goal, rnd);
    };
  }

  private static Outcome noise(Function<double[][], double[][]> predict, InputSpace space, DecisionRule rule, AttackSpec spec,
      double[][] x0, double[] eps, GradientAttack.Goal goal, SplittableRandom[] rnd) {
    int n = x0.length;
    int d = space.width();
    double[][] points = new double[n][];
    boolean[] success = new boolean[n];
    long queries = 0;
    for (int draw = 0; draw < spec.queryBudget(); draw++) {
      List<Integer> rows = new ArrayList<>();
      List<double[]> cands = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (success[i]) {
          continue;
        }
        double[] c = new double[d];
        double sq = 0;
        for (int j = 0; j < d; j++) {
          c[j] = space.mutable(j) ? (spec.norm() == Norm.LINF ? rnd[i].nextDouble(-1, 1) : GradientAttack.gaussian(rnd[i])) : 0;
          sq += c[j] * c[j];
        }
        double scale = spec.norm() == Norm.LINF ? eps[i] : eps[i] / Math.max(Math.sqrt(sq), 1e-12);
        for (int j = 0; j < d; j++) {
          c[j] = x0[i][j] + c[j] * scale;
        }
        space.project(c, x0[i], eps[i], spec.norm());
        rows.add(i);
        cands.add(c);
      }
      if (rows.isEmpty()) {
        break;
      }
      double[][] p = predict.apply(cands.toArray(new double[0][]));
      queries += rows.size();
      for (int k = 0; k < rows.size(); k++) {
        int i = rows.get(k);
        points[i] = cands.get(k);
        if (goal.reached(rule.decide(p[k]), i)) {
          success[i] = true;
        }
      }
    }
    return new Outcome(points, success, queries);
  }

  /** The score SimBA lowers: the reference class's probability, or minus the target's. */
  private static double score(double[] p, GradientAttack.Goal goal, int row) {
    return goal.targeted() ? -p[goal.classes()[row]] : p[goal.classes()[row]];
  }

  private static Outcome simba(Function<double[][], double[][]> predict, InputSpace space, DecisionRule rule, AttackSpec spec,
      double[][] x0, double[] eps, GradientAttack.Goal goal, SplittableRandom[] rnd) {
    int n = x0.length;
    SearchRows r = new SearchRows(n, QueryAttack::score, goal, rule);
    double[][] cur = r.cur;
    int[][] order = new int[n][];
    int[] pos = new int[n];
    for (int i = 0; i < n; i++) {
      cur[i] = x0[i].clone();
      order[i] = directions(space, x0[i], eps[i], spec.norm());
      pos[i] = order[i].length;
      r.running[i] = order[i].length > 0;
    }
    r.start(predict);
    double frac = spec.effectiveStepSize();
    while (true) {
      List<Integer> rows = new ArrayList<>();
      List<double[]> plus = new ArrayList<>();
      List<Integer> dims = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!r.open(i, spec.queryBudget())) {
          continue;
        }
        if (pos[i] == order[i].length) {
          shuffle(order[i], rnd[i]);
          pos[i] = 0;
        }
        int dim = order[i][pos[i]++];
        rows.add(i);
        dims.add(dim);
        plus.add(move(space, cur[i], x0[i], eps[i], spec.norm(), dim, +1, frac));
      }
      if (rows.isEmpty()) {
        break;
      }
      double[][] p = r.query(predict, plus);
      List<Integer> retry = new ArrayList<>();
      List<double[]> minus = new ArrayList<>();
      for (int k = 0; k < rows.size(); k++) {
        int i = rows.get(k);
        if (!r.offer(i, plus.get(k), p[k]) && space.group(dims.get(k)) < 0 && r.used[i] < spec.queryBudget()) {
          retry.add(i);
          minus.add(move(space, cur[i], x0[i], eps[i], spec.norm(), dims.get(k), -1, frac));
        }
      }
      if (!retry.isEmpty()) {
        double[][] q = r.query(predict, minus);
        for (int k = 0; k < retry.size(); k++) {
          r.offer(retry.get(k), minus.get(k), q[k]);
        }
      }
    }
    return r.outcome();
  }

  /**
   * The score Square Attack lowers: the margin {@code ln p_y - max_{k != y} ln p_k} of the reference
   * class (untargeted), or the target's cross-entropy {@code -ln p_t} (targeted), as Andriushchenko
   * et al. (2020) do.
   */
  static double squareScore(double[] p, GradientAttack.Goal goal, int row) {
    int c = goal.classes()[row];
    if (goal.targeted()) {
      return -Math.log(Math.max(p[c], Double.MIN_NORMAL));
    }
    double other = 0;
    for (int k = 0; k < p.length; k++) {
      if (k != c) {
        other = Math.max(other, p[k]);
      }
    }
    return Math.log(Math.max(p[c], Double.MIN_NORMAL)) - Math.log(Math.max(other, Double.MIN_NORMAL));
  }

  /**
   * The fraction of the input a square covers after {@code it} of {@code budget} queries: Square
   * Attack's schedule (p halved at 10, 50, 200, 500, 1000, 2000, 4000, 6000 and 8000 of 10,000
   * queries, rescaled to the budget), from {@code pInit}.
   */
  static double squareFraction(double pInit, int it, int budget) {
    int t = (int) ((long) it * 10_000 / budget);
    int[] at = {10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000};
    double p = pInit;
    for (int a : at) {
      if (t > a) {
        p /= 2;
      }
    }
    return p;
  }

  /** Square Attack's initial fraction (the authors' default for L-inf, as AutoAttack runs it). */
  static final double SQUARE_P_INIT = 0.8;

  /**
   * Square Attack under L-inf (Andriushchenko et al., ECCV 2020): random search over perturbations
   * at the corners of the ball. It starts from vertical stripes (one random sign of {@code eps} per
   * column), then each query redraws the sign of one random square window (side
   * {@code round(sqrt(p h w))}, p from {@link #squareFraction}) and keeps the candidate when its
   * score ({@link #squareScore}) falls. The input is a {@code h x w} image when its width is a
   * square of 16 or more and the space is continuous, else a row of {@code 1 x d} (squares become
   * segments of {@code round(p d)} features). Immutable features never move, candidates are projected
   * to valid points (ranges, integers, one-hot groups) before the model sees them, and each row stops
   * at its first success or when its budget (the first evaluation included) is spent.
   */
  private static Outcome square(Function<double[][], double[][]> predict, InputSpace space, DecisionRule rule, AttackSpec spec,
      double[][] x0, double[] eps, GradientAttack.Goal goal, SplittableRandom[] rnd) {
    int n = x0.length;
    int d = space.width();
    int side = (int) Math.round(Math.sqrt(d));
    boolean image = side * side == d && d >= 16 && !space.discrete();
    int h = image ? side : 1;
    int w = image ? side : d;
    double[][] delta = new double[n][d];
    SearchRows r = new SearchRows(n, QueryAttack::squareScore, goal, rule);
    double[][] cur = r.cur;
    for (int i = 0; i < n; i++) {
      for (int col = 0; col < w; col++) {
        double sgn = rnd[i].nextBoolean() ? eps[i] : -eps[i];
        for (int row = 0; row < h; row++) {
          delta[i][row * w + col] = space.mutable(row * w + col) ? sgn : 0;
        }
      }
      cur[i] = candidate(space, x0[i], delta[i], eps[i]);
      r.running[i] = eps[i] > 0 && space.mutableCount() > 0;
    }
    r.start(predict);
    int budget = spec.queryBudget();
    while (true) {
      List<Integer> rows = new ArrayList<>();
      List<double[]> cands = new ArrayList<>();
      List<double[]> deltas = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!r.open(i, budget)) {
          continue;
        }
        double p = squareFraction(SQUARE_P_INIT, r.used[i] - 1, budget);
        int s = image ? Math.max(1, Math.min(h - 1, (int) Math.round(Math.sqrt(p * d)))) : Math.max(1, Math.min(d, (int) Math.round(p * d)));
        double[] nd = null;
        double[] cand = null;
        // redraw until the window changes something (a few tries: a window of immutable features changes nothing)
        for (int tries = 0; tries < 10 && nd == null; tries++) {
          int top = image ? rnd[i].nextInt(h - s + 1) : 0;
          int left = rnd[i].nextInt(w - s + 1);
          double sgn = rnd[i].nextBoolean() ? eps[i] : -eps[i];
          double[] c = delta[i].clone();
          for (int row = top; row < top + (image ? s : 1); row++) {
            for (int col = left; col < left + s; col++) {
              int j = row * w + col;
              if (space.mutable(j)) {
                c[j] = sgn;
              }
            }
          }
          double[] point = candidate(space, x0[i], c, eps[i]);
          if (!java.util.Arrays.equals(point, cur[i])) {
            nd = c;
            cand = point;
          }
        }
        if (nd == null) {
          r.used[i]++; // a draw that could not change the valid point still spends the row's budget, so the loop ends
          continue;
        }
        rows.add(i);
        deltas.add(nd);
        cands.add(cand);
      }
      if (rows.isEmpty()) {
        if (!r.anyOpen(budget)) {
          break;
        }
        continue;
      }
      double[][] p = r.query(predict, cands);
      for (int k = 0; k < rows.size(); k++) {
        int i = rows.get(k);
        if (r.offer(i, cands.get(k), p[k])) {
          delta[i] = deltas.get(k);
        }
      }
    }
    return r.outcome();
  }

  /** The valid point {@code x0 + delta} (projected: ball, ranges, immutable features, rounding). */
  private static double[] candidate(InputSpace space, double[] x0, double[] delta, double eps) {
    double[] c = new double[x0.length];
    for (int j = 0; j < c.length; j++) {
      c[j] = x0[j] + delta[j];
    }
    space.project(c, x0, eps, Norm.LINF);
    return c;
  }

  /** The dimensions SimBA may try for a row: mutable ones whose smallest move fits in the ball. */
  private static int[] directions(InputSpace space, double[] x0, double eps, Norm norm) {
    List<Integer> out = new ArrayList<>();
    double categoryCost = norm == Norm.LINF ? 1 : Math.sqrt(2);
    for (int j = 0; j < space.width(); j++) {
      if (!space.mutable(j) || eps <= 0) {
        continue;
      }
      if (space.group(j) >= 0) {
        if (x0[j] != 1 && categoryCost <= eps * (1 + 1e-9)) {
          out.add(j);
        }
      } else if (space.step(j) <= eps * (1 + 1e-9) && space.lower(j) < space.upper(j)) {
        out.add(j);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double[] move(InputSpace space, double[] cur, double[] x0, double eps, Norm norm, int dim, int sign, double frac) {
    double[] c = cur.clone();
    int g = space.group(dim);
    if (g >= 0) {
      for (int j = 0; j < c.length; j++) {
        if (space.group(j) == g) {
          c[j] = 0;
        }
      }
      c[dim] = 1;
    } else {
      double alpha = Math.max(frac * eps, space.step(dim));
      c[dim] += sign * alpha;
    }
    space.project(c, x0, eps, norm);
    return c;
  }

  private static void shuffle(int[] a, SplittableRandom rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

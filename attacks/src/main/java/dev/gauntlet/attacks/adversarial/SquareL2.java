package dev.gauntlet.attacks.adversarial;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Square Attack under L2 (Andriushchenko, Croce, Flammarion and Hein, ECCV 2020, Algorithm 3 and
 * the authors' reference code): score-based random search whose perturbation always has L2 norm
 * eps (before the schema's ranges and rounding shrink it).
 *
 * <p>Start: the input is tiled with squares of side {@code h / 5}, each filled with the
 * "meta-pseudo-Gaussian" pattern (two halves of opposite sign, each a sum of centred rectangles
 * weighted {@code 1 / (k + 1)^2}) with a random sign, and the whole rescaled to norm eps. Each query:
 * windows W1 and W2 of side {@code s = max(3, round(sqrt(p d)))} (odd; p from
 * {@link QueryAttack#squareFraction} with {@link #P_INIT}) at random positions; W1 gets a fresh
 * pattern of random sign plus its old content, rescaled to carry the mass
 * {@code sqrt(max(0, eps^2 - |delta|^2) + |delta_{W1 u W2}|^2)}, W2 is emptied (its mass moves to
 * W1), and the whole is rescaled to eps; the candidate is kept when its score
 * ({@link QueryAttack#squareScore}: the margin, or the target's cross-entropy) falls. The
 * perturbation is the valid point's offset from the clean row, as in the reference code.
 *
 * <p>Geometry as {@link QueryAttack}'s L-inf version: an {@code h x w} image when the width is a
 * square of 16 or more and the space continuous, else one row of {@code 1 x d} (windows become
 * segments of {@code s} features, the pattern its 1-D analogue). Immutable features are zero in
 * every pattern; every candidate goes through {@link InputSpace#project} (L2 ball, ranges,
 * rounding), so no point the model sees is ever beyond eps. Each row stops at its first success
 * or when its query budget (the first evaluation included) is spent.
 */
final class SquareL2 {
  private SquareL2() {}

  /** The paper's initial fraction for L2 (Andriushchenko et al. 2020, Section 4: p = 0.1). */
  static final double P_INIT = 0.1;

  static QueryAttack.Outcome run(Function<double[][], double[][]> predict, InputSpace space, DecisionRule rule, AttackSpec spec,
      double[][] x0, double[] eps, GradientAttack.Goal goal, SplittableRandom[] rnd) {
    int n = x0.length;
    int d = space.width();
    int side = (int) Math.round(Math.sqrt(d));
    boolean image = side * side == d && d >= 16 && !space.discrete();
    int h = image ? side : 1;
    int w = image ? side : d;
    SearchRows search = new SearchRows(n, QueryAttack::squareScore, goal, rule);
    double[][] cur = search.cur;
    for (int i = 0; i < n; i++) {
      double[] delta = new double[d];
      int s0 = Math.max(1, h / 5);
      int s1 = Math.max(1, w / 5);
      int top0 = (h - s0 * (h / s0)) / 2;
      int left0 = (w - s1 * (w / s1)) / 2;
      for (int top = top0; top + s0 <= h; top += s0) {
        for (int left = left0; left + s1 <= w; left += s1) {
          double[][] pat = meta(s0, s1, rnd[i]);
          double sgn = rnd[i].nextBoolean() ? 1 : -1;
          for (int r = 0; r < s0; r++) {
            for (int c = 0; c < s1; c++) {
              delta[(top + r) * w + left + c] += sgn * pat[r][c];
            }
          }
        }
      }
      double[] start = candidate(space, x0[i], delta, eps[i]);
      cur[i] = start == null ? x0[i].clone() : start;
      search.running[i] = eps[i] > 0 && space.mutableCount() > 0;
    }
    search.start(predict);
    int budget = spec.queryBudget();
    while (true) {
      List<Integer> rows = new ArrayList<>();
      List<double[]> cands = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!search.open(i, budget)) {
          continue;
        }
        double p = QueryAttack.squareFraction(P_INIT, search.used[i] - 1, budget);
        int limit = image ? h : d;
        int s = Math.max(3, (int) Math.round(image ? Math.sqrt(p * d) : p * d));
        if (s % 2 == 0) {
          s++;
        }
        s = Math.min(s, limit);
        double[] cand = null;
        for (int tries = 0; tries < 10 && cand == null; tries++) {
          double[] c = update(space, x0[i], cur[i], eps[i], image, h, w, s, rnd[i]);
          if (c != null && !Arrays.equals(c, cur[i])) {
            cand = c;
          }
        }
        if (cand == null) {
          search.used[i]++; // nothing to change: the draw still spends the budget, so the loop ends
          continue;
        }
        rows.add(i);
        cands.add(cand);
      }
      if (rows.isEmpty()) {
        if (!search.anyOpen(budget)) {
          break;
        }
        continue;
      }
      double[][] p = search.query(predict, cands);
      for (int k = 0; k < rows.size(); k++) {
        search.offer(rows.get(k), cands.get(k), p[k]);
      }
    }
    return search.outcome();
  }

  /** One candidate: the reference code's window update on the current valid point's offset, or null when it is all zero. */
  private static double[] update(InputSpace space, double[] x0, double[] x, double eps, boolean image, int h, int w, int s, SplittableRandom rnd) {
    int d = x0.length;
    double[] delta = new double[d];
    double total = 0;
    for (int j = 0; j < d; j++) {
      delta[j] = x[j] - x0[j];
      total += delta[j] * delta[j];
    }
    int sh = image ? s : 1;
    int top1 = image ? rnd.nextInt(h - sh + 1) : 0;
    int left1 = rnd.nextInt(w - s + 1);
    int top2 = image ? rnd.nextInt(h - sh + 1) : 0;
    int left2 = rnd.nextInt(w - s + 1);
    boolean[] both = new boolean[d];
    double inW1 = 0;
    for (int r = top1; r < top1 + sh; r++) {
      for (int c = left1; c < left1 + s; c++) {
        int j = r * w + c;
        both[j] = true;
        inW1 += delta[j] * delta[j];
      }
    }
    for (int r = top2; r < top2 + sh; r++) {
      for (int c = left2; c < left2 + s; c++) {
        both[r * w + c] = true;
      }
    }
    double inBoth = 0;
    for (int j = 0; j < d; j++) {
      if (both[j]) {
        inBoth += delta[j] * delta[j];
      }
    }
    double normW1 = Math.sqrt(inW1);
    double[][] pat = meta(sh, s, rnd);
    double sgn = rnd.nextBoolean() ? 1 : -1;
    double[] fresh = new double[sh * s];
    double sq = 0;
    for (int r = 0; r < sh; r++) {
      for (int c = 0; c < s; c++) {
        int j = (top1 + r) * w + left1 + c;
        double v = space.mutable(j) ? sgn * pat[r][c] + delta[j] / (1e-10 + normW1) : 0;
        fresh[r * s + c] = v;
        sq += v * v;
      }
    }
    double mass = Math.sqrt(Math.max(0, eps * eps - total) + inBoth);
    double scale = sq > 0 ? mass / Math.sqrt(sq) : 0;
    for (int r = top2; r < top2 + sh; r++) {
      for (int c = left2; c < left2 + s; c++) {
        delta[r * w + c] = 0;
      }
    }
    for (int r = 0; r < sh; r++) {
      for (int c = 0; c < s; c++) {
        delta[(top1 + r) * w + left1 + c] = fresh[r * s + c] * scale;
      }
    }
    return candidate(space, x0, delta, eps);
  }

  /** {@code x0 + eps delta / |delta|}, immutable dimensions zeroed, projected to a valid point; null when delta is zero. */
  private static double[] candidate(InputSpace space, double[] x0, double[] delta, double eps) {
    double sq = 0;
    for (int j = 0; j < delta.length; j++) {
      if (!space.mutable(j)) {
        delta[j] = 0;
      }
      sq += delta[j] * delta[j];
    }
    if (!(sq > 0)) {
      return null;
    }
    double f = eps / Math.sqrt(sq);
    double[] c = new double[x0.length];
    for (int j = 0; j < c.length; j++) {
      c[j] = x0[j] + delta[j] * f;
    }
    space.project(c, x0, eps, Norm.L2);
    return c;
  }

  /**
   * The reference code's {@code meta_pseudo_gaussian_pert} for an {@code a x b} window: the first
   * half (rows, or columns of a one-row window) a centred-rectangles bump, the second half minus
   * one, unit norm, transposed (or, for a row, reversed) with probability 1/2.
   */
  static double[][] meta(int a, int b, SplittableRandom rnd) {
    double[][] m = new double[a][b];
    boolean byRows = a > 1;
    int len = byRows ? a : b;
    int half = len / 2;
    double[][] first = byRows ? bump(half, b) : bump(a, half);
    double[][] second = byRows ? bump(a - half, b) : bump(a, b - half);
    for (int r = 0; r < a; r++) {
      for (int c = 0; c < b; c++) {
        int k = byRows ? r : c;
        if (k < half) {
          m[r][c] = first[r][c];
        } else {
          m[r][c] = byRows ? -second[r - half][c] : -second[r][c - half];
        }
      }
    }
    normalise(m);
    if (rnd.nextDouble() > 0.5) {
      if (a == b) {
        for (int r = 0; r < a; r++) {
          for (int c = r + 1; c < b; c++) {
            double t = m[r][c];
            m[r][c] = m[c][r];
            m[c][r] = t;
          }
        }
      } else if (a == 1) {
        for (int c = 0; c < b / 2; c++) {
          double t = m[0][c];
          m[0][c] = m[0][b - 1 - c];
          m[0][b - 1 - c] = t;
        }
      }
    }
    return m;
  }

  /** The reference code's {@code pseudo_gaussian_pert_rectangles(x, y)}: nested centred rectangles weighted {@code 1 / (k + 1)^2}, unit norm. */
  static double[][] bump(int x, int y) {
    double[][] v = new double[Math.max(0, x)][Math.max(0, y)];
    if (x <= 0 || y <= 0) {
      return v;
    }
    int xc = x / 2 + 1;
    int yc = y / 2 + 1;
    int c0 = xc - 1;
    int c1 = yc - 1;
    for (int k = 0; k < Math.max(xc, yc); k++) {
      for (int r = Math.max(c0, 0); r < Math.min(c0 + 2 * k + 1, x); r++) {
        for (int c = Math.max(c1, 0); c < Math.min(c1 + 2 * k + 1, y); c++) {
          v[r][c] += 1.0 / ((k + 1) * (k + 1));
        }
      }
      c0--;
      c1--;
    }
    normalise(v);
    return v;
  }

  private static void normalise(double[][] m) {
    double sq = 0;
    for (double[] row : m) {
      for (double v : row) {
        sq += v * v;
      }
    }
    if (sq > 0) {
      double f = 1 / Math.sqrt(sq);
      for (double[] row : m) {
        for (int c = 0; c < row.length; c++) {
          row[c] *= f;
        }
      }
    }
  }
}

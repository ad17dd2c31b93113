package dev.gauntlet.attacks.adversarial;

import java.util.List;
import java.util.function.Function;

/**
 * The per-row state of a score-based random search (SimBA, Square under L-inf and L2): each row's
 * current valid point, its best score so far, whether it succeeded, whether it still runs, and the
 * queries it used (its first evaluation included). A candidate is kept when it reaches the goal
 * (the row then stops) or lowers the row's score.
 */
final class SearchRows {
  /** The score a search lowers for a row at probabilities {@code p}. */
  interface Scorer {
    double score(double[] p, GradientAttack.Goal goal, int row);
  }

  final double[][] cur;
  final double[] best;
  final boolean[] success;
  final boolean[] running;
  final int[] used;
  private final Scorer scorer;
  private final GradientAttack.Goal goal;
  private final DecisionRule rule;
  private long queries;

  SearchRows(int n, Scorer scorer, GradientAttack.Goal goal, DecisionRule rule) {
    this.cur = new double[n][];
    this.best = new double[n];
    this.success = new boolean[n];
    this.running = new boolean[n];
    this.used = new int[n];
    this.scorer = scorer;
    this.goal = goal;
    this.rule = rule;
  }

  /** Evaluates every row's starting point {@code cur} (one query each): its score, and success when it already reaches the goal. */
  void start(Function<double[][], double[][]> predict) {
    double[][] p0 = query(predict, cur);
    for (int i = 0; i < cur.length; i++) {
      used[i] = 1;
      best[i] = scorer.score(p0[i], goal, i);
      if (goal.reached(rule.decide(p0[i]), i)) {
        success[i] = true;
        running[i] = false;
      }
    }
  }

  /** Whether row {@code i} runs and has budget left; a row out of budget stops. */
  boolean open(int i, int budget) {
    if (!running[i] || used[i] >= budget) {
      running[i] = false;
      return false;
    }
    return true;
  }

  /** Whether any row runs with budget left. */
  boolean anyOpen(int budget) {
    for (int i = 0; i < cur.length; i++) {
      if (running[i] && used[i] < budget) {
        return true;
      }
    }
    return false;
  }

  /** The model's probabilities at {@code points}, counted as one query each. */
  double[][] query(Function<double[][], double[][]> predict, double[][] points) {
    queries += points.length;
    return predict.apply(points);
  }

  double[][] query(Function<double[][], double[][]> predict, List<double[]> points) {
    return query(predict, points.toArray(new double[0][]));
  }

  /** Spends one query of row {@code i} on {@code cand} (probabilities {@code p}); moves the row there when it reaches the goal or lowers the score, and says whether it did. */
  boolean offer(int i, double[] cand, double[] p) {
    used[i]++;
    if (goal.reached(rule.decide(p), i)) {
      cur[i] = cand;
      success[i] = true;
      running[i] = false;
      return true;
    }
    double s = scorer.score(p, goal, i);
    if (s < best[i]) {
      best[i] = s;
      cur[i] = cand;
      return true;
    }
    return false;
  }

  QueryAttack.Outcome outcome() {
    return new QueryAttack.Outcome(cur, success, queries);
  }
}

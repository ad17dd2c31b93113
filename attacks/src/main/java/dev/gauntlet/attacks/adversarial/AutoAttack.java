package dev.gauntlet.attacks.adversarial;

import java.util.Arrays;

/**
 * The {@code autoattack} ensemble (after Croce and Hein 2020's standard version): APGD-CE, then
 * APGD-DLR targeted at each of the most probable other classes in turn, then Square Attack, each
 * run only on the rows that every earlier attack failed to break. A row is robust only if every
 * attack fails, so the ensemble's robust accuracy is the per-row minimum over its attacks.
 *
 * <p>Budgets: APGD-CE {@code steps} iterations (1 restart); APGD-DLR targeted {@code steps}
 * iterations per target, at most {@link #MAX_TARGETS} targets (the clean prediction's classes
 * after the reference, most probable first); with 3 classes the targeted stage becomes untargeted
 * APGD-DLR, and with 2 it is skipped (DLR needs 3 logits, and a targeted attack on 2 classes is the
 * untargeted one); Square Attack {@code queryBudget} queries per row under the ensemble's norm
 * (L2: {@link SquareL2}). Every stage keeps the schema's constraints, as each attack does alone.
 */
final class AutoAttack {
  /** At most this many target classes for the targeted APGD-DLR stage (AutoAttack's standard). */
  static final int MAX_TARGETS = 9;

  private AutoAttack() {}

  /** The stages the ensemble runs for a model with {@code classes} classes, for reports. */
  static String stages(AttackSpec spec, int classes) {
    String dlr = classes >= 4 ? "apgd-dlr targeted at " + Math.min(classes - 1, MAX_TARGETS) + " classes x " + spec.steps() + " steps"
        : classes == 3 ? "apgd-dlr " + spec.steps() + " steps" : "no apgd-dlr (2 classes)";
    String square = "square " + spec.queryBudget() + " queries";
    return "apgd-ce " + spec.steps() + " steps; " + dlr + "; " + square;
  }

  static AttackResult run(Attacker attacker, AttackSpec spec, double[][] x0, int[] reference, double[] eps, long seed) {
    int n = x0.length;
    int k = attacker.classCount();
    AttackSpec ce = new AttackSpec(AttackKind.APGD_CE, spec.norm(), spec.steps(), Double.NaN, 1, null, 1);
    AttackResult r = attacker.attack(ce, x0, reference, null, eps, seed);
    double[][] adv = r.adversarial().clone();
    int[] decisions = r.decisions().clone();
    double[][] probabilities = r.probabilities().clone();
    double[] norms = r.norms().clone();
    boolean[] attacked = r.attacked().clone();
    long queries = r.queries();
    if (k >= 3) {
      AttackSpec dlr = new AttackSpec(AttackKind.APGD_DLR, spec.norm(), spec.steps(), Double.NaN, 1, null, 1);
      if (k == 3) {
        AttackResult s = attacker.attack(dlr, x0, reference, null, open(attacked, decisions, reference, eps), seed + 1);
        queries += merge(s, adv, decisions, probabilities, norms);
      } else {
        double[][] clean = attacker.predict(x0);
        queries += n;
        int targets = Math.min(k - 1, MAX_TARGETS);
        int[][] ranks = new int[n][];
        for (int i = 0; i < n; i++) {
          ranks[i] = ranked(clean[i], reference[i]);
        }
        for (int rank = 0; rank < targets; rank++) {
          double[] e = open(attacked, decisions, reference, eps);
          int[] t = new int[n];
          for (int i = 0; i < n; i++) {
            t[i] = e[i] > 0 ? ranks[i][rank] : -1;
          }
          AttackResult s = attacker.attack(dlr, x0, reference, t, e, seed + 2 + rank);
          queries += merge(s, adv, decisions, probabilities, norms);
        }
      }
    }
    AttackSpec square = AttackSpec.square(spec.norm(), spec.queryBudget());
    AttackResult s = attacker.attack(square, x0, reference, null, open(attacked, decisions, reference, eps), seed + 100);
    queries += merge(s, adv, decisions, probabilities, norms);
    boolean[] success = new boolean[n];
    for (int i = 0; i < n; i++) {
      success[i] = attacked[i] && decisions[i] != reference[i];
    }
    return new AttackResult(adv, attacked, success, decisions, probabilities, norms, queries);
  }

  /** The radii for the next stage: the row's eps while no stage has broken it, else 0 (not attacked). */
  private static double[] open(boolean[] attacked, int[] decisions, int[] reference, double[] eps) {
    double[] e = new double[eps.length];
    for (int i = 0; i < e.length; i++) {
      e[i] = attacked[i] && decisions[i] == reference[i] ? eps[i] : 0;
    }
    return e;
  }

  /** Takes a stage's points for the rows it attacked (all of them still unbroken); returns its queries. */
  private static long merge(AttackResult s, double[][] adv, int[] decisions, double[][] probabilities, double[] norms) {
    for (int i = 0; i < adv.length; i++) {
      if (s.attacked()[i]) {
        adv[i] = s.adversarial()[i];
        decisions[i] = s.decisions()[i];
        probabilities[i] = s.probabilities()[i];
        norms[i] = s.norms()[i];
      }
    }
    return s.queries();
  }

  /** The classes other than {@code reference}, most probable first (ties by index). */
  static int[] ranked(double[] p, int reference) {
    Integer[] order = new Integer[p.length];
    for (int c = 0; c < p.length; c++) {
      order[c] = c;
    }
    Arrays.sort(order, (a, b) -> p[b] != p[a] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
    int[] out = new int[Math.max(0, p.length - 1)];
    int seen = 0;
    for (Integer c : order) {
      if (c != reference && seen < out.length) {
        out[seen++] = c;
      }
    }
    return out;
  }
}

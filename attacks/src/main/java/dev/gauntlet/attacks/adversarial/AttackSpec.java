package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.metric.ParamException;
import java.util.Objects;

/**
 * One attack, fully configured apart from epsilon (which a sweep or a search supplies).
 *
 * @param kind the attack
 * @param norm the norm of the epsilon ball
 * @param steps gradient steps for BIM, PGD and APGD (FGSM takes exactly one); at least 1
 * @param stepSize the size of one step as a fraction of epsilon: BIM and PGD move {@code stepSize * eps}
 *     per step (default {@code 2.5 / steps}, Madry et al.); SimBA under L2 moves {@code stepSize * eps}
 *     per coordinate (default 0.5); NaN selects the default; APGD is step-size free (its first step
 *     is {@code 2 eps}, then halved where progress stalls) and takes no step size
 * @param restarts PGD and APGD restarts from independent random starts; a row counts as broken
 *     when any restart breaks it; 1 for the other attacks
 * @param target the class the attack pushes towards (a targeted attack), or null for untargeted
 * @param queryBudget model queries per row for SimBA, Square Attack and HopSkipJump, and for the noise baseline
 *     (its number of draws)
 */
public record AttackSpec(AttackKind kind, Norm norm, int steps, double stepSize, int restarts, String target, int queryBudget) {

  public AttackSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(norm, "norm");
    if (kind == AttackKind.FGSM) {
      steps = 1;
    }
    ParamException.inRange("steps", steps, 1, 10_000);
    ParamException.require(Double.isNaN(stepSize) || stepSize > 0 && stepSize <= 10, "stepSize",
        "stepSize is a fraction of epsilon and must be in (0, 10], got " + stepSize);
    ParamException.inRange("restarts", restarts, 1, 100);
    ParamException.require(restarts == 1 || kind == AttackKind.PGD || kind.apgd(), "restarts",
        "restarts applies to pgd and apgd only (" + kind.label() + " has no random start), got " + restarts);
    ParamException.require(restarts == 1 || kind != AttackKind.AUTOATTACK, "restarts",
        "autoattack runs each of its attacks once (no restarts), got " + restarts);
    ParamException.require(target == null || kind != AttackKind.AUTOATTACK, "target",
        "autoattack is untargeted (its apgd-dlr stage picks its own targets); remove target");
    ParamException.require(Double.isNaN(stepSize) || !kind.apgd() && kind != AttackKind.AUTOATTACK, "stepSize",
        kind.label() + " chooses its own step size (2 eps, halved where progress stalls); remove stepSize, got " + stepSize);
    ParamException.require(Double.isNaN(stepSize) || kind != AttackKind.HSJ, "stepSize",
        "hsj chooses its own steps (a geometric search from dist / sqrt(t)); remove stepSize, got " + stepSize);
    ParamException.inRange("queryBudget", queryBudget, 1, 1_000_000);
    ParamException.require(target == null || !target.isBlank(), "target", "target must name a class, got a blank string");
    ParamException.require(target == null || kind != AttackKind.NOISE, "target",
        "the noise baseline cannot be targeted; remove target or use another attack");
  }

  /** FGSM: one step of size epsilon. */
  public static AttackSpec fgsm(Norm norm) {
    return new AttackSpec(AttackKind.FGSM, norm, 1, Double.NaN, 1, null, 1);
  }

  /** BIM with {@code steps} steps of {@code 2.5 * eps / steps}. */
  public static AttackSpec bim(Norm norm, int steps) {
    return new AttackSpec(AttackKind.BIM, norm, steps, Double.NaN, 1, null, 1);
  }

  /** PGD with {@code steps} steps of {@code 2.5 * eps / steps} from a random start, {@code restarts} times. */
  public static AttackSpec pgd(Norm norm, int steps, int restarts) {
    return new AttackSpec(AttackKind.PGD, norm, steps, Double.NaN, restarts, null, 1);
  }

  /** APGD with the cross-entropy loss, {@code steps} iterations from a random start, {@code restarts} times. */
  public static AttackSpec apgdCe(Norm norm, int steps, int restarts) {
    return new AttackSpec(AttackKind.APGD_CE, norm, steps, Double.NaN, restarts, null, 1);
  }

  /** APGD with the DLR loss, {@code steps} iterations from a random start, {@code restarts} times. */
  public static AttackSpec apgdDlr(Norm norm, int steps, int restarts) {
    return new AttackSpec(AttackKind.APGD_DLR, norm, steps, Double.NaN, restarts, null, 1);
  }

  /** SimBA with a budget of model queries per row. */
  public static AttackSpec simba(Norm norm, int queryBudget) {
    return new AttackSpec(AttackKind.SIMBA, norm, 1, Double.NaN, 1, null, queryBudget);
  }

  /** Square Attack (L-inf) with a budget of model queries per row. */
  public static AttackSpec square(int queryBudget) {
    return square(Norm.LINF, queryBudget);
  }

  /** Square Attack under either norm (L2: the paper's window updates, {@code SquareL2}) with a budget of model queries per row. */
  public static AttackSpec square(Norm norm, int queryBudget) {
    return new AttackSpec(AttackKind.SQUARE, norm, 1, Double.NaN, 1, null, queryBudget);
  }

  /**
   * The autoattack ensemble: APGD-CE and APGD-DLR targeted with {@code steps} iterations each, then
   * Square Attack with {@code queryBudget} queries per row (under the same norm).
   */
  public static AttackSpec autoattack(Norm norm, int steps, int queryBudget) {
    return new AttackSpec(AttackKind.AUTOATTACK, norm, steps, Double.NaN, 1, null, queryBudget);
  }

  /** HopSkipJump (decision-based) with a budget of model queries per row. */
  public static AttackSpec hsj(Norm norm, int queryBudget) {
    return new AttackSpec(AttackKind.HSJ, norm, 1, Double.NaN, 1, null, queryBudget);
  }

  /** Uniform noise in the ball, {@code draws} draws per row. */
  public static AttackSpec noise(Norm norm, int draws) {
    return new AttackSpec(AttackKind.NOISE, norm, 1, Double.NaN, 1, null, draws);
  }

  /** The same attack, targeted at a class (by name). */
  public AttackSpec targeting(String cls) {
    return new AttackSpec(kind, norm, steps, stepSize, restarts, cls, queryBudget);
  }

  /** The same attack with another step size (a fraction of epsilon). */
  public AttackSpec withStepSize(double fraction) {
    return new AttackSpec(kind, norm, steps, fraction, restarts, target, queryBudget);
  }

  /** The step size actually used, as a fraction of epsilon. */
  public double effectiveStepSize() {
    if (!Double.isNaN(stepSize)) {
      return stepSize;
    }
    return switch (kind) {
      case FGSM -> 1.0;
      case BIM, PGD -> Math.min(1.0, 2.5 / steps);
      case APGD_CE, APGD_DLR, AUTOATTACK -> 2.0;
      case SIMBA -> norm == Norm.LINF ? 1.0 : 0.5;
      case SQUARE, HSJ -> 1.0;
      case NOISE -> 1.0;
    };
  }

  /** A short name for reports, e.g. {@code pgd-linf (10 steps, 1 restart)}. */
  public String describe() {
    String s = kind.label() + "-" + norm.label();
    String detail = switch (kind) {
      case FGSM -> "";
      case BIM -> steps + " steps";
      case PGD, APGD_CE, APGD_DLR -> steps + " steps, " + restarts + (restarts == 1 ? " restart" : " restarts");
      case SIMBA, SQUARE -> queryBudget + " queries";
      case HSJ -> queryBudget + " queries, decisions only";
      case AUTOATTACK -> "apgd-ce " + steps + " steps; apgd-dlr targeted, up to " + AutoAttack.MAX_TARGETS + " classes x " + steps
          + " steps; square " + queryBudget + " queries";
      case NOISE -> queryBudget + " draws";
    };
    if (target != null) {
      detail = detail.isEmpty() ? "targeted at " + target : detail + ", targeted at " + target;
    }
    return detail.isEmpty() ? s : s + " (" + detail + ")";
  }

  /** {@code kind-norm}, e.g. {@code pgd-linf}: the series name and metric suffix. */
  public String shortName() {
    return kind.label() + "-" + norm.label();
  }
}

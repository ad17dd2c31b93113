package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.model.Capability;
import java.util.EnumSet;
import java.util.Set;

/** The attacks Gauntlet runs. White-box ones need the model's input gradient. */
public enum AttackKind {
  /** Fast gradient sign method (Goodfellow et al. 2015): one step of size epsilon. */
  FGSM(true),
  /** Basic iterative method (Kurakin et al. 2017): projected gradient steps from the clean input. */
  BIM(true),
  /** Projected gradient descent (Madry et al. 2018): BIM from a random start in the ball, with restarts. */
  PGD(true),
  /**
   * Auto-PGD with the cross-entropy loss (Croce and Hein 2020): step-size-free PGD with momentum,
   * step halving at checkpoints and restarts from the best point; targeted, it maximises the
   * target's log-probability.
   */
  APGD_CE(true),
  /**
   * Auto-PGD with the difference-of-logits-ratio loss (Croce and Hein 2020), invariant to the
   * logits' scale; needs 3 or more classes (4 or more when targeted).
   */
  APGD_DLR(true),
  /**
   * The AutoAttack-style ensemble: APGD-CE, APGD-DLR targeted, then Square Attack, each on the rows
   * the earlier ones left; a row is robust only if every attack fails (see {@code AutoAttack}).
   */
  AUTOATTACK(true),
  /** Simple black-box attack (Guo et al. 2019): coordinate steps kept when they lower the true class's score. */
  SIMBA(false),
  /**
   * Square Attack (Andriushchenko et al. 2020): score-based random search over square windows at
   * the corners of the L-inf ball, within a query budget per row.
   */
  SQUARE(false),
  /** Baseline: uniform random noise in the ball, as many draws as the query budget. */
  NOISE(false),
  /**
   * HopSkipJump (Chen, Jordan and Wainwright 2020): decision-based, it reads only the model's
   * decisions (binary search to the boundary, gradient-direction estimate from decision signs,
   * geometric step search), within a query budget per row; works on trees and label-only models.
   */
  HSJ(false);

  private final boolean whiteBox;

  AttackKind(boolean whiteBox) {
    this.whiteBox = whiteBox;
  }

  /** Whether the attack needs gradients. */
  public boolean whiteBox() {
    return whiteBox;
  }

  /** The model capabilities the attack needs. */
  public Set<Capability> requires() {
    return whiteBox ? EnumSet.of(Capability.PREDICT, Capability.LOSS_GRADIENT) : EnumSet.of(Capability.PREDICT);
  }

  /** The lower-case name used in YAML and reports ({@code apgd-ce} for {@link #APGD_CE}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** Whether this is an Auto-PGD attack (restarts, no step size). */
  public boolean apgd() {
    return this == APGD_CE || this == APGD_DLR;
  }
}

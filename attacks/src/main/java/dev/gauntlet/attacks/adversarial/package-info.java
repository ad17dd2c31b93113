/**
 * The adversarial trial: white-box gradient attacks (FGSM, BIM, PGD under the L-infinity and L2
 * norms, untargeted and targeted) on differentiable models, score-based black-box attacks (SimBA)
 * and a uniform-noise baseline on any runnable model, the robustness curve, the minimal flipping
 * epsilon per row, and their breakdown by protected group.
 *
 * <p>Attacks work in the model's encoded input space described by
 * {@link dev.gauntlet.harness.data.Encoder#dims()}: every candidate stays inside the epsilon ball,
 * the valid range and the immutable features; integer and one-hot features are projected back to
 * valid values after every step (see {@link dev.gauntlet.attacks.adversarial.InputSpace}).
 */
package dev.gauntlet.attacks.adversarial;

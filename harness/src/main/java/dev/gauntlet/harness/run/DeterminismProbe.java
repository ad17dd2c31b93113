package dev.gauntlet.harness.run;

/**
 * What the determinism probe found for one model: before the checks, each runnable model predicts
 * the probe batch (the first {@code min(64, n)} evaluation rows, encoded as the checks encode them)
 * twice, and the two predictions are compared exactly.
 *
 * @param role {@code candidate} or {@code baseline}
 * @param model the model's name
 * @param expected whether the suite expects the model to be deterministic ({@code deterministic:
 *     false} on the model says it is not)
 * @param outcome {@code deterministic}, {@code non-deterministic}, {@code skipped} (a precomputed
 *     model, or one that cannot predict) or {@code failed} (the probe could not run; the checks
 *     that run the model report why)
 * @param rows how many rows the probe predicted (0 when skipped)
 * @param maxDifference the largest absolute difference between the two predictions' probabilities
 *     (0 when deterministic; NaN when skipped or failed)
 * @param row the evaluation row (0-based) where that difference is, or -1
 * @param detail one sentence for the report
 */
public record DeterminismProbe(String role, String model, boolean expected, String outcome, int rows, double maxDifference, int row, String detail) {
  /** The probe's size. */
  public static final int ROWS = 64;
}

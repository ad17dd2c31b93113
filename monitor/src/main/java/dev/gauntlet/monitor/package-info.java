/**
 * Production monitoring of a promoted model ({@code monitor.performance}, run by {@code gauntlet
 * monitor}): a prediction log and a label log joined by id, windows with a label-maturity policy,
 * realized performance on the labelled part with its completeness, confidence-based performance
 * estimation (CBPE) for the rest, the estimator's health on mature windows, estimated gaps per
 * group, and the retraining cadence. The per-window state is a mergeable summary
 * ({@link dev.gauntlet.monitor.WindowSummary}), so any summary engine computes it.
 */
package dev.gauntlet.monitor;

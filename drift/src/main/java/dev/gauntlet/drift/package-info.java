/**
 * The drift trial: temporal holdout and decay ({@link dev.gauntlet.drift.TemporalHoldoutCheck}),
 * per-feature and prediction drift ({@link dev.gauntlet.drift.FeatureDriftCheck}), simulated shift
 * ({@link dev.gauntlet.drift.ShiftSimulationCheck}) and streaming detectors
 * ({@link dev.gauntlet.drift.DetectorCheck}), published to YAML by {@link dev.gauntlet.drift.DriftChecks}.
 */
package dev.gauntlet.drift;

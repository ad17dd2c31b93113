/**
 * Slice discovery: the exact, pruned SliceLine search for slices nobody declared
 * ({@link dev.gauntlet.fairness.discover.SliceSearch}) and the {@code slices.discover} check that
 * reports them with intervals, false-discovery control and the YAML that pins them
 * ({@link dev.gauntlet.fairness.discover.SliceDiscoveryCheck}).
 */
package dev.gauntlet.fairness.discover;

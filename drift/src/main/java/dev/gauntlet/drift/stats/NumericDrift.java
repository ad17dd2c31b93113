package dev.gauntlet.drift.stats;

/**
 * The drift of a numeric column in one window against the reference (see {@link DriftStats}).
 *
 * @param ks the KS statistic D, in [0, 1] (also its effect size)
 * @param ksP the KS p-value
 * @param wasserstein the Wasserstein-1 distance in the column's units
 * @param wassersteinNorm the distance divided by the reference's standard deviation
 * @param psi the population stability index over reference-quantile bins
 */
public record NumericDrift(double ks, double ksP, double wasserstein, double wassersteinNorm, double psi, long n, long m) {}

package dev.gauntlet.drift.stats;

/**
 * The drift of a categorical column in one window against the reference (see {@link DriftStats}).
 *
 * @param chi2 the chi-square statistic of homogeneity
 * @param df its degrees of freedom (categories seen minus one)
 * @param chi2P its p-value
 * @param cramersV the effect size, in [0, 1]
 * @param jensenShannon the Jensen-Shannon distance (natural log)
 * @param psi the population stability index, one bin per category
 */
public record CategoricalDrift(double chi2, int df, double chi2P, double cramersV, double jensenShannon, double psi, long n, long m) {}

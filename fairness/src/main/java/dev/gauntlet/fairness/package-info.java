/** Gauntlet fairness module. */
package dev.gauntlet.fairness;

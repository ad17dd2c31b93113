/** Gauntlet suites module. */
package dev.gauntlet.suites;

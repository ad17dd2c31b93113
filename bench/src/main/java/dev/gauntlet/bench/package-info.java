/** Benchmarks: JMH and timed harnesses, run with the {@code bench} profile, never in the default test run. */
package dev.gauntlet.bench;

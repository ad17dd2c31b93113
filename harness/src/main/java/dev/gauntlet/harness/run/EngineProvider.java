package dev.gauntlet.harness.run;

import dev.gauntlet.harness.summary.SummaryEngine;
import java.util.Map;

/**
 * A summary engine that lives in a module of its own (e.g. {@code gauntlet-spark}), found by
 * {@link java.util.ServiceLoader} from {@code META-INF/services/dev.gauntlet.harness.run.EngineProvider},
 * so that the harness and the command line do not depend on it at compile time. The built-in
 * engine ({@code in-process}) needs no provider.
 *
 * @since 0.3
 */
public interface EngineProvider {

  /** The {@code --engine} value, e.g. {@code spark}. */
  String name();

  /**
   * Opens the engine for the suite's evaluation data. An engine that holds resources (a Spark
   * session) is {@link AutoCloseable}; the caller closes it after the run.
   *
   * @param options the command line's engine options, e.g. {@code master=local[2]}, {@code partitions=7}
   * @throws dev.gauntlet.harness.UsageException for a bad option or an engine that cannot start
   *     (e.g. an unreachable master), naming what and where
   */
  SummaryEngine open(Suite suite, Map<String, String> options);

  /**
   * How this engine reads the evaluation data where it is, before the suite is loaded (then the
   * loader holds only the sample, and {@link #open} gets a suite whose stream is these rows); empty
   * when the engine needs the data read by this JVM. Called at most once, before {@link #open}.
   *
   * @throws dev.gauntlet.harness.UsageException for a bad option or an engine that cannot start
   */
  default java.util.Optional<dev.gauntlet.harness.data.RemoteRows> rows(Map<String, String> options) {
    return java.util.Optional.empty();
  }
}

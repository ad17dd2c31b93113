package dev.gauntlet.harness.summary;

import dev.gauntlet.harness.UsageException;

/**
 * A summary engine that summarises in other JVMs (Spark's executors) was given a summariser it
 * cannot ship there (not a {@link ShippableSummarizer}, or capturing something that does not
 * serialise). The suite runner stops the run on it, naming the check: exit 2, nothing written.
 *
 * @since 0.4
 */
public final class UnshippableSummarizerException extends UsageException {
  private static final long serialVersionUID = 1L;

  public UnshippableSummarizerException(String message, Throwable cause) {
    super(message, cause);
  }
}

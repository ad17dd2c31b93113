package dev.gauntlet.harness;

/**
 * Base of Gauntlet's own failures. Each carries the process exit code it maps to.
 *
 * <p>{@link UsageException} (exit 2) is for bad usage, configuration, data or models: its message
 * names the file, the place and the fix. Anything else that escapes is an internal error (exit 3).
 */
public class GauntletException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public GauntletException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit code this failure maps to. */
  public int exitCode() {
    return exitCode;
  }
}

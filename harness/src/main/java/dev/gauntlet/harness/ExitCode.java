package dev.gauntlet.harness;

/** The process exit codes of the {@code gauntlet} command; a contract that CI jobs rely on. */
public final class ExitCode {
  /** The gate passed. */
  public static final int PASSED = 0;
  /** The gate failed: at least one check failed, errored, or a policy turned a warning into a failure. */
  public static final int GATE_FAILED = 1;
  /** Bad usage, configuration, data or model; the message says what and where. */
  public static final int BAD_INPUT = 2;
  /** An internal error in Gauntlet itself. */
  public static final int INTERNAL_ERROR = 3;

  private ExitCode() {}
}

package dev.gauntlet.harness;

/**
 * Bad usage, configuration, data or model: the user can fix it. Maps to exit code 2.
 *
 * <p>Messages follow one shape: {@code <where>: <what is wrong>; <what was expected or the fix>},
 * where {@code <where>} is {@code file:line:column} when known.
 */
public class UsageException extends GauntletException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message, ExitCode.BAD_INPUT, null);
  }

  public UsageException(String message, Throwable cause) {
    super(message, ExitCode.BAD_INPUT, cause);
  }

  /** A message anchored at a place in a file: {@code file:line:column: message}. */
  public static UsageException at(String file, int line, int column, String message) {
    StringBuilder where = new StringBuilder(file == null ? "<input>" : file);
    if (line > 0) {
      where.append(':').append(line);
      if (column > 0) {
        where.append(':').append(column);
      }
    }
    return new UsageException(where + ": " + message);
  }
}

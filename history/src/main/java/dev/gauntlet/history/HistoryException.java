package dev.gauntlet.history;

import dev.gauntlet.harness.UsageException;

/**
 * The history database could not be opened, read or written (locked, unreachable, refused, a newer
 * schema). Exit code 2: the user can fix it; nothing was recorded half-way.
 */
public final class HistoryException extends UsageException {
  private static final long serialVersionUID = 1L;

  public HistoryException(String message, Throwable cause) {
    super(message, cause);
  }
}

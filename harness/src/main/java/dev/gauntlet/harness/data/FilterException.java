package dev.gauntlet.harness.data;

/**
 * A mistake in a {@code where} expression, at a 0-based offset into its text. The suite loader
 * anchors it at the YAML node: {@code suite.yaml:12:10: col 17 of the where expression: ...}.
 */
public final class FilterException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final int offset;

  public FilterException(int offset, String message) {
    super(message);
    this.offset = offset;
  }

  /** 0-based offset of the problem in the expression. */
  public int offset() {
    return offset;
  }

  /** {@code col N of the where expression: message} (N 1-based). */
  public String describe() {
    return "col " + (offset + 1) + " of the where expression: " + getMessage();
  }
}

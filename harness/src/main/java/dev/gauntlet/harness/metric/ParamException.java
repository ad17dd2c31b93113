package dev.gauntlet.harness.metric;

import java.util.Objects;

/**
 * A check parameter out of its allowed range, thrown by the check's own record so that the Java
 * API and the YAML binding share one validator. The YAML binding reports the message at the
 * parameter's node (file:line:column); in Java it is an {@link IllegalArgumentException}.
 */
public final class ParamException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String param;

  public ParamException(String param, String message) {
    super(message);
    this.param = Objects.requireNonNull(param, "param");
  }

  /** The parameter's name (its YAML key). */
  public String param() {
    return param;
  }

  /** Throws unless {@code lo <= v <= hi}. */
  public static int inRange(String param, int v, int lo, int hi) {
    if (v < lo || v > hi) {
      throw new ParamException(param, param + " must be in [" + lo + ", " + hi + "], got " + v);
    }
    return v;
  }

  /** Throws unless {@code lo <= v <= hi} (and v is a number). */
  public static double inRange(String param, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      throw new ParamException(param, param + " must be in [" + lo + ", " + hi + "], got " + v);
    }
    return v;
  }

  /** Throws unless {@code lo < v < hi}. */
  public static double inOpen(String param, double v, double lo, double hi) {
    if (!(v > lo && v < hi)) {
      throw new ParamException(param, param + " must be in (" + lo + ", " + hi + "), got " + v);
    }
    return v;
  }

  /** Throws with {@code message} unless {@code ok}. */
  public static void require(boolean ok, String param, String message) {
    if (!ok) {
      throw new ParamException(param, message);
    }
  }
}

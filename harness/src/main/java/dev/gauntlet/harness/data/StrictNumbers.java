package dev.gauntlet.harness.data;

/**
 * The number forms Gauntlet accepts, in data cells and in YAML: decimal integers and decimal
 * floats as in the YAML 1.2 core schema, and nothing else.
 *
 * <ul>
 *   <li>integer: {@code [-+]?[0-9]+}, e.g. {@code 42}, {@code -7}, {@code +3};
 *   <li>decimal: {@code [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?}, e.g. {@code 1.0},
 *       {@code -0.5}, {@code .5}, {@code 1e-3}.
 * </ul>
 *
 * <p>Refused, although {@link Double#parseDouble} takes them: hexadecimal ({@code 0x10},
 * {@code 0x1p4}), type suffixes ({@code 1d}, {@code 1f}, {@code 1L}), leading or trailing white
 * space, {@code NaN} and {@code Infinity}; also YAML's {@code .nan}, {@code .inf}, {@code 0o17},
 * underscores ({@code 1_000}) and an exponent without digits ({@code .5e}). The check is a hand-written
 * scan (no regular expression, no allocation), cheap enough to run on every cell of a large CSV
 * before {@code Double.parseDouble}.
 */
public final class StrictNumbers {
  private StrictNumbers() {}

  /** Whether {@code s} is a decimal integer or float in the form above. */
  public static boolean isDecimal(CharSequence s) {
    int n = s.length();
    int i = 0;
    if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      i++;
    }
    int intDigits = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      intDigits++;
    }
    int fracDigits = 0;
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        fracDigits++;
      }
    }
    if (intDigits == 0 && fracDigits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
        i++;
      }
      int expDigits = 0;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        expDigits++;
      }
      if (expDigits == 0) {
        return false;
      }
    }
    return i == n;
  }

  /** Whether {@code s} is a decimal integer: an optional sign and ASCII digits only. */
  public static boolean isInteger(CharSequence s) {
    int n = s.length();
    int i = 0;
    if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      i++;
    }
    if (i == n) {
      return false;
    }
    for (; i < n; i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} spells NaN or an infinity in Java's or YAML's way ({@code NaN}, {@code -Infinity}, {@code .nan}, {@code -.inf}). */
  public static boolean isNanOrInfinity(String s) {
    String t = s.strip();
    if (t.startsWith("-") || t.startsWith("+")) {
      t = t.substring(1);
    }
    t = t.toLowerCase(java.util.Locale.ROOT);
    return t.equals("nan") || t.equals("infinity") || t.equals("inf") || t.equals(".nan") || t.equals(".inf");
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}

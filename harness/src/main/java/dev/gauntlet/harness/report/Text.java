package dev.gauntlet.harness.report;

/**
 * Escaping of strings from data or configuration for targets that have no escaping of their own:
 * the console, and the control characters of Markdown and HTML. One definition of which characters
 * are dangerous, so every sink agrees.
 *
 * <p>Dangerous are the C0 controls (U+0000-001F, which include ESC, CR and LF), DEL (U+007F), the
 * C1 controls (U+0080-009F, which include the 8-bit CSI U+009B), and the bidirectional controls
 * that reorder how text is shown (U+061C, U+200E, U+200F, U+202A-202E, U+2066-2069): a category
 * named {@code ESC[2J} would clear a terminal, a CR would overwrite a line, and U+202E would show
 * {@code "txt.exe"} as {@code "exe.txt"}.
 */
public final class Text {
  private Text() {}

  /** Whether the character is a C0 or C1 control or DEL. */
  public static boolean isControl(char ch) {
    return ch < 0x20 || (ch >= 0x7f && ch <= 0x9f);
  }

  /** Whether the character is a Unicode bidirectional formatting control. */
  public static boolean isBidiControl(char ch) {
    return ch == '\u061c' || ch == '\u200e' || ch == '\u200f' || (ch >= '\u202a' && ch <= '\u202e') || (ch >= '\u2066' && ch <= '\u2069');
  }

  /** The visible form of a bidi control, e.g. {@code [U+202E]}. */
  static String bidiMarker(char ch) {
    return String.format(java.util.Locale.ROOT, "[U+%04X]", (int) ch);
  }

  /**
   * One line for the console: every control (including CR, LF and tab) and every bidi control
   * becomes a visible Java-style escape (a backslash, {@code u} and four hex digits: ESC shows as
   * backslash-u001b); a backslash stays as it is. Apply
   * it where a line is printed, not where the string is made.
   */
  public static String forConsole(String s) {
    return forConsole(s, false);
  }

  /** As {@link #forConsole(String)}, but line feeds and tabs are kept (for messages of several lines, stack traces). */
  public static String forConsoleLines(String s) {
    return forConsole(s, true);
  }

  private static String forConsole(String s, boolean keepNewlines) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      boolean bad = (isControl(ch) && !(keepNewlines && (ch == '\n' || ch == '\t'))) || isBidiControl(ch);
      if (bad && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (out != null) {
        if (bad) {
          out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
        } else {
          out.append(ch);
        }
      }
    }
    return out == null ? s : out.toString();
  }
}

package dev.gauntlet.harness.report;

import java.util.Locale;

/**
 * WCAG 2.x relative luminance and contrast ratio, written from the definition in WCAG 2.1
 * (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance, #dfn-contrast-ratio), independently of
 * the renderer's own helper. Checked against the specification's anchors: black on white is 21:1,
 * equal colours 1:1, and #767676 on white is the well-known 4.54:1.
 */
final class Wcag {
  private Wcag() {}

  /** Parses {@code #rgb}, {@code #rrggbb}, {@code white} or {@code black} to 0..255 channels. */
  static int[] rgb(String colour) {
    String c = colour.trim().toLowerCase(Locale.ROOT);
    if (c.equals("white")) {
      return new int[] {255, 255, 255};
    }
    if (c.equals("black")) {
      return new int[] {0, 0, 0};
    }
    if (c.matches("#[0-9a-f]{3}")) {
      return new int[] {17 * Integer.parseInt(c.substring(1, 2), 16), 17 * Integer.parseInt(c.substring(2, 3), 16), 17 * Integer.parseInt(c.substring(3, 4), 16)};
    }
    if (c.matches("#[0-9a-f]{6}")) {
      return new int[] {Integer.parseInt(c.substring(1, 3), 16), Integer.parseInt(c.substring(3, 5), 16), Integer.parseInt(c.substring(5, 7), 16)};
    }
    throw new IllegalArgumentException("not a colour this test understands: " + colour);
  }

  static double luminance(String colour) {
    int[] c = rgb(colour);
    double[] lin = new double[3];
    for (int i = 0; i < 3; i++) {
      double s = c[i] / 255.0;
      lin[i] = s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  }

  static double contrast(String a, String b) {
    double la = luminance(a);
    double lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
}

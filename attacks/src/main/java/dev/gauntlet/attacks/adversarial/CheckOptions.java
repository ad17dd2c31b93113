package dev.gauntlet.attacks.adversarial;

import java.util.Arrays;

/** Validation of the options the adversarial checks share. */
final class CheckOptions {
  /** A plain CSV file name: no directories, so exports stay in the output directory. */
  static final String EXPORT_NAME = "[A-Za-z0-9][A-Za-z0-9_.-]*\\.csv";

  private CheckOptions() {}

  /** Throws {@link IllegalArgumentException} naming the first option out of range. */
  static void validate(int maxRows, int minGroupSize, int fragileRows, String export, int[] imageShape) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
    }
    if (minGroupSize < 1) {
      throw new IllegalArgumentException("minGroupSize must be at least 1, got " + minGroupSize);
    }
    if (fragileRows < 0) {
      throw new IllegalArgumentException("fragileRows must be at least 0, got " + fragileRows);
    }
    if (export != null && !export.matches(EXPORT_NAME)) {
      throw new IllegalArgumentException("export must be a plain file name ending in .csv (letters, digits, '_', '-', '.'), got '" + export + "'");
    }
    if (imageShape != null && (imageShape.length != 2 || imageShape[0] < 1 || imageShape[1] < 1)) {
      throw new IllegalArgumentException("imageShape must be [width, height] with positive sides, got " + Arrays.toString(imageShape));
    }
  }
}

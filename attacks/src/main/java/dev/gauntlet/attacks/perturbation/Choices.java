package dev.gauntlet.attacks.perturbation;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The recorded random choices behind one generated case (the Hypothesis idea): generation draws every
 * choice through this object, which records it; replaying a recorded sequence gives the same case, and
 * the shrinker edits the sequence (smaller values) instead of the case. Every choice's value 0 is its
 * simplest: no change, the most typical row, the most frequent category, the smallest magnitude.
 *
 * <p>Two modes: drawing from a random stream, or replaying a fixed sequence (values beyond its end
 * read as 0; values above a choice's bound are clamped).
 */
final class Choices {

  /** What a choice decides; the shrinker visits kinds in this order. */
  enum Kind {
    /** Whether a feature takes part in the perturbation (1 = yes). */
    FLAG,
    /** Which starting row (index into rows ordered from most to least typical). */
    ROW,
    /** Which category (index into alternatives ordered by frequency). */
    CATEGORY,
    /** A sign (1 = negative). */
    SIGN,
    /** A magnitude in [0, 1) at {@link #RESOLUTION} steps. */
    MAGNITUDE,
    /** A seed for a pattern (image noise); never shrunk. */
    PATTERN
  }

  static final long RESOLUTION = 1L << 32;

  private final SplittableRandom random;
  private final long[] prefix;
  private long[] values = new long[16];
  private Kind[] kinds = new Kind[16];
  private long[] bounds = new long[16];
  private int size;

  private Choices(SplittableRandom random, long[] prefix) {
    this.random = random;
    this.prefix = prefix;
  }

  /** Draws fresh choices from a case seed. */
  static Choices generate(long caseSeed) {
    return new Choices(new SplittableRandom(caseSeed), null);
  }

  /** Replays a recorded sequence. */
  static Choices replay(long[] sequence) {
    return new Choices(null, sequence);
  }

  private long draw(Kind kind, long bound, long fresh) {
    long v;
    if (random != null) {
      v = fresh;
    } else {
      v = size < prefix.length ? Math.min(Math.max(prefix[size], 0), bound - 1) : 0;
    }
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
      kinds = Arrays.copyOf(kinds, size * 2);
      bounds = Arrays.copyOf(bounds, size * 2);
    }
    values[size] = v;
    kinds[size] = kind;
    bounds[size] = bound;
    size++;
    return v;
  }

  /** A row index in [0, n): 0 is the most typical row. */
  int row(int n) {
    return (int) draw(Kind.ROW, n, random == null ? 0 : random.nextInt(n));
  }

  /** True with probability {@code p} when drawing. */
  boolean flag(double p) {
    return draw(Kind.FLAG, 2, random == null ? 0 : (random.nextDouble() < p ? 1 : 0)) == 1;
  }

  /** An index in [0, bound), uniform when drawing. */
  int category(int bound) {
    return (int) draw(Kind.CATEGORY, Math.max(bound, 1), random == null || bound <= 1 ? 0 : random.nextInt(bound));
  }

  /** True (negative) with probability 1/2 when drawing. */
  boolean negative() {
    return draw(Kind.SIGN, 2, random == null ? 0 : random.nextInt(2)) == 1;
  }

  /** A magnitude in [0, 1), uniform when drawing. */
  double magnitude() {
    return draw(Kind.MAGNITUDE, RESOLUTION, random == null ? 0 : random.nextLong(RESOLUTION)) / (double) RESOLUTION;
  }

  /** A small integer in [0, bound) that should shrink toward 0 (e.g. a shift in pixels). */
  int amount(int bound) {
    return (int) draw(Kind.MAGNITUDE, bound, random == null ? 0 : random.nextInt(bound));
  }

  /** A pattern seed. */
  long pattern() {
    return draw(Kind.PATTERN, Long.MAX_VALUE, random == null ? 0 : random.nextLong(Long.MAX_VALUE));
  }

  /** The recorded values. */
  long[] values() {
    return Arrays.copyOf(values, size);
  }

  Kind[] kinds() {
    return Arrays.copyOf(kinds, size);
  }

  long[] bounds() {
    return Arrays.copyOf(bounds, size);
  }
}

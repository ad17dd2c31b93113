package dev.gauntlet.harness.summary;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * An exact sum of doubles: every finite addend is kept exactly as a fixed-point number (32-bit
 * limbs, the lowest worth 2^-1074), so the sum does not depend on the order of the additions or on
 * how they were split and merged. {@link #value()} is the exact sum rounded once to the nearest
 * double. Infinities and NaN are counted apart and give what IEEE addition would (NaN, or an
 * infinity of one sign). The sum of zeros is {@code +0.0}.
 *
 * <p>Memory: one long per 32 bits of exponent range actually used by the addends (at most 69
 * longs), not per addend. Mutable while a partition is summarised ({@link #add}); treat it as a
 * value once it is part of a {@link Summary} ({@link #plus} returns a new sum).
 *
 * @since 0.3
 */
public final class ExactSum {
  private static final int LIMBS = 69;
  private static final long MASK = 0xFFFF_FFFFL;
  private static final BigDecimal ULP_MIN = BigDecimal.ONE.divide(new BigDecimal(BigInteger.TWO.pow(1074)));
  /** Additions between carry normalisations: each limb changes by less than 2^32 per addition. */
  private static final int BETWEEN_CARRIES = 1 << 29;

  /** Limb {@code base + i} of the fixed-point sum (signed; normalised limbs are in [0, 2^32) except the top one). */
  private long[] limbs = new long[0];
  private int base;
  private int pending;
  private long nan;
  private long posInf;
  private long negInf;

  /** A sum of nothing. */
  public ExactSum() {}

  /** Adds {@code v} exactly. */
  public void add(double v) {
    long bits = Double.doubleToRawLongBits(v);
    int exp = (int) ((bits >>> 52) & 0x7FF);
    long mant = bits & 0x000F_FFFF_FFFF_FFFFL;
    if (exp == 0x7FF) {
      if (mant != 0) {
        nan++;
      } else if (bits < 0) {
        negInf++;
      } else {
        posInf++;
      }
      return;
    }
    if (exp == 0) {
      if (mant == 0) {
        return;
      }
      exp = 1;
    } else {
      mant |= 1L << 52;
    }
    int shift = exp - 1; // value = mant * 2^(exp - 1075) = mant * 2^(shift - 1074)
    int limb = shift >>> 5;
    int off = shift & 31;
    long lo = (mant << off) & MASK;
    long mid = (mant >>> (32 - off)) & MASK;
    long hi = off == 0 ? 0 : mant >>> (64 - off);
    if (off == 0) {
      mid = (mant >>> 32) & MASK;
    }
    ensure(limb, limb + 2);
    int i = limb - base;
    if (bits < 0) {
      limbs[i] -= lo;
      limbs[i + 1] -= mid;
      limbs[i + 2] -= hi;
    } else {
      limbs[i] += lo;
      limbs[i + 1] += mid;
      limbs[i + 2] += hi;
    }
    if (++pending >= BETWEEN_CARRIES) {
      carry();
    }
  }

  /** Adds every addend of {@code other} to this sum. */
  public void addAll(ExactSum other) {
    nan += other.nan;
    posInf += other.posInf;
    negInf += other.negInf;
    if (other.limbs.length == 0) {
      return;
    }
    other.carry();
    carry();
    ensure(other.base, other.base + other.limbs.length - 1);
    for (int j = 0; j < other.limbs.length; j++) {
      limbs[other.base + j - base] += other.limbs[j];
    }
    pending++;
    carry();
  }

  /** A new sum of the addends of both. */
  public ExactSum plus(ExactSum other) {
    ExactSum out = copy();
    out.addAll(other);
    return out;
  }

  /** An independent copy. */
  public ExactSum copy() {
    ExactSum out = new ExactSum();
    out.limbs = limbs.clone();
    out.base = base;
    out.pending = pending;
    out.nan = nan;
    out.posInf = posInf;
    out.negInf = negInf;
    return out;
  }

  private void ensure(int from, int to) {
    if (limbs.length == 0) {
      base = from;
      limbs = new long[Math.min(LIMBS, to + 2) - from];
      return;
    }
    int lo = Math.min(base, from);
    int hi = Math.max(base + limbs.length - 1, Math.min(LIMBS - 1, to + 1));
    if (lo == base && hi == base + limbs.length - 1) {
      return;
    }
    long[] grown = new long[hi - lo + 1];
    System.arraycopy(limbs, 0, grown, base - lo, limbs.length);
    limbs = grown;
    base = lo;
  }

  /** Propagates carries so that every limb but the top one is in [0, 2^32). */
  private void carry() {
    if (pending == 0) {
      return;
    }
    for (int i = 0; i < limbs.length - 1; i++) {
      long c = limbs[i] >> 32;
      limbs[i] &= MASK;
      limbs[i + 1] += c;
    }
    pending = 0;
  }

  /** The exact sum as an integer multiple of 2^-1074. */
  private BigInteger fixedPoint() {
    carry();
    BigInteger out = BigInteger.ZERO;
    for (int i = limbs.length - 1; i >= 0; i--) {
      out = out.shiftLeft(32).add(BigInteger.valueOf(limbs[i]));
    }
    return out.shiftLeft(32 * base);
  }

  /** The exact sum, rounded once to the nearest double (ties to even). */
  public double value() {
    if (nan > 0 || (posInf > 0 && negInf > 0)) {
      return Double.NaN;
    }
    if (posInf > 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (negInf > 0) {
      return Double.NEGATIVE_INFINITY;
    }
    BigInteger f = fixedPoint();
    if (f.signum() == 0) {
      return 0.0;
    }
    if (f.bitLength() <= 53) {
      return Math.scalb((double) f.longValueExact(), -1074); // exact: an integer of at most 53 bits times 2^-1074
    }
    return new BigDecimal(f).multiply(ULP_MIN).doubleValue();
  }

  /** Writes the sum in a canonical form: the counts of non-finite addends, then the fixed-point integer (two's complement bytes). */
  public void encode(DataOutput out) throws IOException {
    out.writeLong(nan);
    out.writeLong(posInf);
    out.writeLong(negInf);
    byte[] f = fixedPoint().toByteArray();
    out.writeInt(f.length);
    out.write(f);
  }

  /** Reads what {@link #encode} wrote. */
  public static ExactSum decode(DataInput in) throws IOException {
    ExactSum s = new ExactSum();
    s.nan = in.readLong();
    s.posInf = in.readLong();
    s.negInf = in.readLong();
    int len = in.readInt();
    if (len < 1 || len > 8 * LIMBS) {
      throw new IOException("exact sum: " + len + " bytes, expected 1 to " + 8 * LIMBS);
    }
    byte[] b = new byte[len];
    in.readFully(b);
    BigInteger f = new BigInteger(b);
    if (f.signum() != 0) {
      int lo = f.getLowestSetBit() / 32;
      int top = f.bitLength() / 32 + 1;
      if (top >= LIMBS) {
        throw new IOException("exact sum: " + f.bitLength() + " bits, more than a sum of doubles can have");
      }
      s.base = lo;
      s.limbs = new long[top - lo + 1];
      for (int i = lo; i < top; i++) {
        s.limbs[i - lo] = f.shiftRight(32 * i).longValue() & MASK;
      }
      s.limbs[top - lo] = f.shiftRight(32 * top).longValue();
    }
    return s;
  }

  @Override
  public String toString() {
    return "ExactSum[" + value() + ", limbs " + base + "+" + Arrays.toString(limbs) + "]";
  }
}

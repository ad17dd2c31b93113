package dev.gauntlet.drift.detect;

/**
 * The drift detection method of Gama et al. (2004) over a 0/1 error stream: with error rate
 * {@code p_i} and {@code s_i = sqrt(p_i (1 - p_i) / i)}, it keeps the minimum of {@code p + s} and
 * signals a change when {@code p_i + s_i >= p_min + 3 s_min} (a warning at 2), after a warm start.
 * Published defaults (MOA, River): warm start 30, warning 2, drift 3.
 */
public final class Ddm implements DriftDetector {
  private final int warmStart;
  private final double warning;
  private final double drift;
  private long n;
  private double p;
  private double pMin;
  private double sMin;
  private double psMin;
  private boolean inWarning;

  public Ddm() {
    this(30, 2.0, 3.0);
  }

  public Ddm(int warmStart, double warning, double drift) {
    if (warmStart < 1 || !(warning > 0) || !(drift >= warning)) {
      throw new IllegalArgumentException("DDM needs warmStart >= 1 and 0 < warning <= drift; got " + warmStart + ", " + warning + ", " + drift);
    }
    this.warmStart = warmStart;
    this.warning = warning;
    this.drift = drift;
    reset();
  }

  private void reset() {
    n = 0;
    p = 0;
    pMin = Double.MAX_VALUE;
    sMin = Double.MAX_VALUE;
    psMin = Double.MAX_VALUE;
    inWarning = false;
  }

  @Override
  public String name() {
    return "DDM(warning=" + warning + ", drift=" + drift + ")";
  }

  /** Whether the last value put the detector in its warning zone. */
  public boolean inWarning() {
    return inWarning;
  }

  @Override
  public boolean update(double x) {
    if (x != 0 && x != 1) {
      throw new IllegalArgumentException("DDM reads a 0/1 error stream, got " + x);
    }
    n++;
    p += (x - p) / n;
    double s = Math.sqrt(p * (1 - p) / n);
    if (n < warmStart) {
      return false;
    }
    if (p + s <= psMin) {
      pMin = p;
      sMin = s;
      psMin = p + s;
    }
    if (p + s > pMin + drift * sMin) {
      reset();
      return true;
    }
    inWarning = p + s > pMin + warning * sMin;
    return false;
  }

  @Override
  public Ddm fresh() {
    return new Ddm(warmStart, warning, drift);
  }
}

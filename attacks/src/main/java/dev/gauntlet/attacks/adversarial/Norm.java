package dev.gauntlet.attacks.adversarial;

/** The norm that measures a perturbation's size, and so the shape of the epsilon ball. */
public enum Norm {
  /** Largest absolute change of any input dimension. */
  LINF,
  /** Euclidean length of the change vector. */
  L2;

  /** The size of {@code delta} under this norm. */
  public double of(double[] delta) {
    double s = 0;
    for (double d : delta) {
      s = this == LINF ? Math.max(s, Math.abs(d)) : s + d * d;
    }
    return this == LINF ? s : Math.sqrt(s);
  }

  /** The size of {@code a - b} under this norm. */
  public double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s = this == LINF ? Math.max(s, Math.abs(d)) : s + d * d;
    }
    return this == LINF ? s : Math.sqrt(s);
  }

  /** {@code linf} or {@code l2}, as written in YAML and reports. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

package dev.gauntlet.drift.simulate;

/**
 * Data after a simulated shift: which original rows, in which order, with which labels.
 *
 * @param rows indexes into the original table (rows may repeat after resampling)
 * @param labels the label of each drawn row after the shift
 * @param changeAt the position of the true change in a stream, or -1 for a batch
 */
public record Shifted(int[] rows, int[] labels, int changeAt) {
  public Shifted {
    if (rows.length != labels.length) {
      throw new IllegalArgumentException(rows.length + " rows but " + labels.length + " labels");
    }
  }

  /** The share of rows where {@code decisions[row]} equals the shifted label. */
  public double accuracy(int[] decisions) {
    return (double) correct(decisions) / rows.length;
  }

  public long correct(int[] decisions) {
    long c = 0;
    for (int i = 0; i < rows.length; i++) {
      if (decisions[rows[i]] == labels[i]) {
        c++;
      }
    }
    return c;
  }

  /** The per-row error stream (1 = wrong), in stream order. */
  public double[] errors(int[] decisions) {
    double[] e = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      e[i] = decisions[rows[i]] == labels[i] ? 0 : 1;
    }
    return e;
  }
}

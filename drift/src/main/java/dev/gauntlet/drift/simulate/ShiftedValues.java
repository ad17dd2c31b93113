package dev.gauntlet.drift.simulate;

/**
 * Regression data after a simulated shift: which original rows, in which order, with which labels.
 *
 * @param rows indexes into the original table (rows may repeat after resampling)
 * @param labels the label of each drawn row after the shift
 * @param changeAt the position of the true change in a stream, or -1 for a batch
 */
public record ShiftedValues(int[] rows, double[] labels, int changeAt) {
  public ShiftedValues {
    if (rows.length != labels.length) {
      throw new IllegalArgumentException(rows.length + " rows but " + labels.length + " labels");
    }
  }

  /** The drawn rows' predictions, from the predictions of the original rows. */
  public double[] predictions(double[] predicted) {
    double[] p = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      p[i] = predicted[rows[i]];
    }
    return p;
  }

  /** The per-row absolute error |prediction - shifted label|, in stream order. */
  public double[] absoluteErrors(double[] predicted) {
    double[] e = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      e[i] = Math.abs(predicted[rows[i]] - labels[i]);
    }
    return e;
  }
}

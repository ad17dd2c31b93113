package dev.gauntlet.drift.simulate;

import dev.gauntlet.harness.data.Table;
import java.util.SplittableRandom;

/** Applies a {@link Shift} to labelled data, as a batch at one severity or as a stream with a change. */
public final class Simulator {

  /** How a change sets in over a stream. */
  public enum Onset {
    /** All at once at the change point. */
    SUDDEN,
    /** The share of shifted rows rises linearly from 0 to 1 over the transition width. */
    GRADUAL
  }

  private Simulator() {}

  /**
   * The data after the shift at severity {@code s}: as many rows as the table, resampled by the
   * shift's weights (covariate, prior) or relabelled (concept).
   */
  public static Shifted batch(Shift shift, Table t, int[] labels, int classes, double s, SplittableRandom rnd) {
    checkSeverity(s);
    int n = t.rowCount();
    double[] w = shift.weights(t, labels, s);
    int[] rows = w == null ? identity(n) : Shift.sample(w, n, rnd);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = shift.relabel(t, rows[i], labels[rows[i]], classes, s);
    }
    return new Shifted(rows, y, -1);
  }

  /**
   * A stream over {@code order} (row indexes in time order) whose rows after {@code changeAt} come
   * from the shifted distribution at severity {@code s}: all of them for a sudden change, a share
   * rising linearly to 1 over {@code width} rows for a gradual one.
   */
  public static Shifted stream(Shift shift, Table t, int[] labels, int classes, int[] order, int changeAt, Onset onset, int width,
      double s, SplittableRandom rnd) {
    checkStream(s, order, changeAt, onset, width);
    double[] w = shift.weights(t, labels, s);
    boolean[] moved = new boolean[order.length];
    int[] rows = streamRows(order, changeAt, onset, width, w == null ? null : Shift.sample(w, order.length, rnd), rnd, moved);
    int[] y = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      y[i] = moved[i] ? shift.relabel(t, rows[i], labels[rows[i]], classes, s) : labels[rows[i]];
    }
    return new Shifted(rows, y, changeAt);
  }

  private static void checkStream(double s, int[] order, int changeAt, Onset onset, int width) {
    checkSeverity(s);
    if (changeAt < 0 || changeAt > order.length) {
      throw new IllegalArgumentException("change point " + changeAt + " is outside the stream of " + order.length + " rows");
    }
    if (onset == Onset.GRADUAL && width < 1) {
      throw new IllegalArgumentException("a gradual change needs a width of at least 1 row, got " + width);
    }
  }

  /**
   * The rows of a stream with a change: position {@code i} keeps {@code order[i]} before the change;
   * after it (all positions for a sudden change, a share rising linearly to 1 over {@code width}
   * positions for a gradual one) it takes the resampled row {@code drawn[i]}, or, for a shift that
   * moves labels instead ({@code drawn} null), keeps {@code order[i]} and is marked in {@code moved}.
   */
  private static int[] streamRows(int[] order, int changeAt, Onset onset, int width, int[] drawn, SplittableRandom rnd, boolean[] moved) {
    int[] rows = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      double share = i < changeAt ? 0 : onset == Onset.SUDDEN ? 1 : Math.min(1, (i - changeAt + 1) / (double) width);
      boolean shifted = share >= 1 || (share > 0 && rnd.nextDouble() < share);
      rows[i] = shifted && drawn != null ? drawn[i] : order[i];
      moved[i] = shifted && drawn == null;
    }
    return rows;
  }

  /**
   * Regression data after the shift at severity {@code s}: as many rows as the table, resampled by
   * the shift's weights (covariate, label) or with moved labels (concept).
   */
  public static ShiftedValues batch(ValueShift shift, Table t, double[] labels, double s, SplittableRandom rnd) {
    checkSeverity(s);
    int n = t.rowCount();
    double[] w = shift.weights(t, labels, s);
    int[] rows = w == null ? identity(n) : Shift.sample(w, n, rnd);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = shift.relabel(t, rows[i], labels[rows[i]], s);
    }
    return new ShiftedValues(rows, y, -1);
  }

  /** A regression stream with a change, as {@link #stream(Shift, Table, int[], int, int[], int, Onset, int, double, SplittableRandom)}. */
  public static ShiftedValues stream(ValueShift shift, Table t, double[] labels, int[] order, int changeAt, Onset onset, int width, double s,
      SplittableRandom rnd) {
    checkStream(s, order, changeAt, onset, width);
    double[] w = shift.weights(t, labels, s);
    boolean[] moved = new boolean[order.length];
    int[] rows = streamRows(order, changeAt, onset, width, w == null ? null : Shift.sample(w, order.length, rnd), rnd, moved);
    double[] y = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      y[i] = moved[i] ? shift.relabel(t, rows[i], labels[rows[i]], s) : labels[rows[i]];
    }
    return new ShiftedValues(rows, y, changeAt);
  }

  private static void checkSeverity(double s) {
    if (!(s >= 0 && s <= 1)) {
      throw new IllegalArgumentException("severity must be in [0, 1], got " + s);
    }
  }

  private static int[] identity(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }
}

package dev.gauntlet.harness.performance;

import dev.gauntlet.harness.summary.ExactSum;
import dev.gauntlet.harness.summary.Partition;
import dev.gauntlet.harness.summary.ShippableSummarizer;
import dev.gauntlet.harness.summary.Summary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The mergeable state of a regression model's errors: exact sums of the error {@code e =
 * prediction - label}, of {@code |e|}, {@code e^2}, the label and its square ({@link ExactSum}, so
 * the means do not depend on how the rows were split), and the distinct (error, label) pairs in
 * ascending order with their counts, from which quantiles of the absolute error, R-squared's total
 * sum of squares and the Poisson bootstrap are computed exactly and in one canonical order.
 *
 * <p>Memory: five exact sums (at most 552 bytes each) plus 24 bytes per distinct (error, label) pair
 * (up to the row count for a continuous model).
 *
 * @since 0.5
 */
public final class RegressionSummary implements Summary<RegressionSummary> {
  private final ExactSum sumError;
  private final ExactSum sumAbsError;
  private final ExactSum sumSquaredError;
  private final ExactSum sumLabel;
  private final ExactSum sumSquaredLabel;
  private final double[] errors;
  private final double[] labels;
  private final long[] counts;

  private RegressionSummary(ExactSum se, ExactSum sae, ExactSum sse, ExactSum sy, ExactSum syy, double[] errors, double[] labels, long[] counts) {
    this.sumError = se;
    this.sumAbsError = sae;
    this.sumSquaredError = sse;
    this.sumLabel = sy;
    this.sumSquaredLabel = syy;
    this.errors = errors;
    this.labels = labels;
    this.counts = counts;
  }

  /** The summariser reading the numeric label column {@code label} and the predictions' values. */
  public static ShippableSummarizer<RegressionSummary> summarizer(String label) {
    return part -> of(part, label);
  }

  static RegressionSummary of(Partition part, String label) {
    double[] y = part.data().numeric(label);
    double[] p = part.predictions().values();
    return of(Arrays.copyOfRange(p, part.from(), part.to()), Arrays.copyOfRange(y, part.from(), part.to()));
  }

  /** The summary of these predictions against these labels (same length, all finite). */
  public static RegressionSummary of(double[] predictions, double[] y) {
    if (predictions.length != y.length) {
      throw new IllegalArgumentException(predictions.length + " predictions for " + y.length + " labels");
    }
    int n = y.length;
    ExactSum se = new ExactSum();
    ExactSum sae = new ExactSum();
    ExactSum sse = new ExactSum();
    ExactSum sy = new ExactSum();
    ExactSum syy = new ExactSum();
    Integer[] order = new Integer[n];
    double[] e = new double[n];
    for (int i = 0; i < n; i++) {
      e[i] = predictions[i] - y[i];
      se.add(e[i]);
      sae.add(Math.abs(e[i]));
      sse.add(e[i] * e[i]);
      sy.add(y[i]);
      syy.add(y[i] * y[i]);
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> compare(e[a], y[a], e[b], y[b]));
    double[] ev = new double[n];
    double[] yv = new double[n];
    long[] c = new long[n];
    int d = -1;
    for (int k = 0; k < n; k++) {
      int i = order[k];
      if (d < 0 || compare(ev[d], yv[d], e[i], y[i]) != 0) {
        d++;
        ev[d] = e[i];
        yv[d] = y[i];
      }
      c[d]++;
    }
    return new RegressionSummary(se, sae, sse, sy, syy, Arrays.copyOf(ev, d + 1), Arrays.copyOf(yv, d + 1), Arrays.copyOf(c, d + 1));
  }

  private static int compare(double e1, double y1, double e2, double y2) {
    int c = Double.compare(e1, e2);
    return c != 0 ? c : Double.compare(y1, y2);
  }

  @Override
  public RegressionSummary merge(RegressionSummary o) {
    int m = errors.length + o.errors.length;
    double[] ev = new double[m];
    double[] yv = new double[m];
    long[] c = new long[m];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < errors.length || j < o.errors.length) {
      int cmp = i == errors.length ? 1 : j == o.errors.length ? -1 : compare(errors[i], labels[i], o.errors[j], o.labels[j]);
      if (cmp <= 0) {
        ev[k] = errors[i];
        yv[k] = labels[i];
        c[k] += counts[i++];
      }
      if (cmp >= 0) {
        ev[k] = o.errors[j];
        yv[k] = o.labels[j];
        c[k] += o.counts[j++];
      }
      k++;
    }
    return new RegressionSummary(sumError.plus(o.sumError), sumAbsError.plus(o.sumAbsError), sumSquaredError.plus(o.sumSquaredError),
        sumLabel.plus(o.sumLabel), sumSquaredLabel.plus(o.sumSquaredLabel), Arrays.copyOf(ev, k), Arrays.copyOf(yv, k), Arrays.copyOf(c, k));
  }

  /** The number of rows. */
  public long n() {
    long s = 0;
    for (long c : counts) {
      s += c;
    }
    return s;
  }

  /** The number of distinct (error, label) pairs. */
  public int distinct() {
    return errors.length;
  }

  /** The error (prediction - label) of the {@code i}-th distinct pair, in ascending (error, label) order. */
  public double error(int i) {
    return errors[i];
  }

  /** The label of the {@code i}-th distinct pair. */
  public double label(int i) {
    return labels[i];
  }

  /** How many rows have the {@code i}-th distinct pair. */
  public long count(int i) {
    return counts[i];
  }

  /** Exact sum of the errors (prediction - label). */
  public double sumError() {
    return sumError.value();
  }

  /** Exact sum of the absolute errors. */
  public double sumAbsError() {
    return sumAbsError.value();
  }

  /** Exact sum of the squared errors. */
  public double sumSquaredError() {
    return sumSquaredError.value();
  }

  /** Exact sum of the labels. */
  public double sumLabel() {
    return sumLabel.value();
  }

  /** Exact sum of the squared labels. */
  public double sumSquaredLabel() {
    return sumSquaredLabel.value();
  }

  @Override
  public void encode(DataOutput out) throws IOException {
    sumError.encode(out);
    sumAbsError.encode(out);
    sumSquaredError.encode(out);
    sumLabel.encode(out);
    sumSquaredLabel.encode(out);
    out.writeInt(errors.length);
    for (int i = 0; i < errors.length; i++) {
      out.writeLong(Double.doubleToLongBits(errors[i]));
      out.writeLong(Double.doubleToLongBits(labels[i]));
      out.writeLong(counts[i]);
    }
  }

  /** Reads what {@link #encode} wrote. */
  public static RegressionSummary decode(DataInput in) throws IOException {
    ExactSum se = ExactSum.decode(in);
    ExactSum sae = ExactSum.decode(in);
    ExactSum sse = ExactSum.decode(in);
    ExactSum sy = ExactSum.decode(in);
    ExactSum syy = ExactSum.decode(in);
    int d = in.readInt();
    if (d < 0 || d > Integer.MAX_VALUE / 24) {
      throw new IOException("regression summary: " + d + " distinct pairs");
    }
    double[] ev = new double[d];
    double[] yv = new double[d];
    long[] c = new long[d];
    for (int i = 0; i < d; i++) {
      ev[i] = Double.longBitsToDouble(in.readLong());
      yv[i] = Double.longBitsToDouble(in.readLong());
      c[i] = in.readLong();
      if (c[i] < 1 || (i > 0 && compare(ev[i - 1], yv[i - 1], ev[i], yv[i]) >= 0)) {
        throw new IOException("regression summary: pairs not strictly ascending with positive counts at " + i);
      }
    }
    return new RegressionSummary(se, sae, sse, sy, syy, ev, yv, c);
  }
}

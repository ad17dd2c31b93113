package dev.gauntlet.fairness;

import dev.gauntlet.harness.performance.RegressionSummary;
import dev.gauntlet.harness.summary.Partition;
import dev.gauntlet.harness.summary.SortedCounts;
import dev.gauntlet.harness.summary.Summary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The mergeable state of {@link RegressionSliceCheck}: per slicing and slice, the
 * {@link RegressionSummary} of its errors and the {@link SortedCounts} of its predictions (for the
 * KS statistic against the rest). Merges slice by slice, exactly.
 *
 * <p>Memory: per slicing, about 24 bytes per distinct (error, label) pair and 16 per distinct
 * prediction: the row count times the number of slicings for a continuous model.
 */
final class RegressionSliceSummary implements Summary<RegressionSliceSummary> {
  final RegressionSummary[][] errors;
  final SortedCounts[][] predictions;

  private RegressionSliceSummary(RegressionSummary[][] errors, SortedCounts[][] predictions) {
    this.errors = errors;
    this.predictions = predictions;
  }

  /** The summary of the partition's rows, sliced by {@code slices} (built for the partition's table). */
  static RegressionSliceSummary of(Slices slices, Partition part, String label) {
    double[] y = part.data().numeric(label);
    double[] p = part.predictions().values();
    List<Slices.Slicing> ss = slices.slicings;
    RegressionSummary[][] errors = new RegressionSummary[ss.size()][];
    SortedCounts[][] preds = new SortedCounts[ss.size()][];
    for (int s = 0; s < ss.size(); s++) {
      Slices.Slicing sl = ss.get(s);
      int groups = sl.groups();
      int[] size = new int[groups];
      int[] group = new int[part.size()];
      for (int i = part.from(); i < part.to(); i++) {
        group[i - part.from()] = slices.group(sl, i);
        size[group[i - part.from()]]++;
      }
      double[][] gp = new double[groups][];
      double[][] gy = new double[groups][];
      for (int g = 0; g < groups; g++) {
        gp[g] = new double[size[g]];
        gy[g] = new double[size[g]];
      }
      int[] fill = new int[groups];
      for (int i = part.from(); i < part.to(); i++) {
        int g = group[i - part.from()];
        gp[g][fill[g]] = p[i];
        gy[g][fill[g]++] = y[i];
      }
      errors[s] = new RegressionSummary[groups];
      preds[s] = new SortedCounts[groups];
      for (int g = 0; g < groups; g++) {
        errors[s][g] = RegressionSummary.of(gp[g], gy[g]);
        preds[s][g] = SortedCounts.of(gp[g], 0, gp[g].length);
      }
    }
    return new RegressionSliceSummary(errors, preds);
  }

  @Override
  public RegressionSliceSummary merge(RegressionSliceSummary o) {
    if (o.errors.length != errors.length) {
      throw new IllegalArgumentException("regression slice summaries of different slicings do not merge");
    }
    RegressionSummary[][] e = new RegressionSummary[errors.length][];
    SortedCounts[][] p = new SortedCounts[errors.length][];
    for (int s = 0; s < errors.length; s++) {
      if (o.errors[s].length != errors[s].length) {
        throw new IllegalArgumentException("regression slice summaries of different slicings do not merge");
      }
      e[s] = new RegressionSummary[errors[s].length];
      p[s] = new SortedCounts[errors[s].length];
      for (int g = 0; g < errors[s].length; g++) {
        e[s][g] = errors[s][g].merge(o.errors[s][g]);
        p[s][g] = predictions[s][g].merge(o.predictions[s][g]);
      }
    }
    return new RegressionSliceSummary(e, p);
  }

  @Override
  public void encode(DataOutput out) throws IOException {
    out.writeInt(errors.length);
    for (int s = 0; s < errors.length; s++) {
      out.writeInt(errors[s].length);
      for (int g = 0; g < errors[s].length; g++) {
        errors[s][g].encode(out);
        predictions[s][g].encode(out);
      }
    }
  }

  /** Reads what {@link #encode} wrote. */
  static RegressionSliceSummary decode(DataInput in) throws IOException {
    int m = in.readInt();
    if (m < 0 || m > 1_000_000) {
      throw new IOException("regression slice summary: " + m + " slicings");
    }
    RegressionSummary[][] e = new RegressionSummary[m][];
    SortedCounts[][] p = new SortedCounts[m][];
    for (int s = 0; s < m; s++) {
      int g = in.readInt();
      if (g < 0 || g > 1_000_000) {
        throw new IOException("regression slice summary: " + g + " slices");
      }
      e[s] = new RegressionSummary[g];
      p[s] = new SortedCounts[g];
      for (int k = 0; k < g; k++) {
        e[s][k] = RegressionSummary.decode(in);
        p[s][k] = SortedCounts.decode(in);
      }
    }
    return new RegressionSliceSummary(e, p);
  }

  /** The two-sample KS statistic D between two sorted count runs (one column each); NaN when one is empty. */
  static double ks(SortedCounts a, SortedCounts b) {
    long na = a.total(0);
    long nb = b.total(0);
    if (na == 0 || nb == 0) {
      return Double.NaN;
    }
    int i = 0;
    int j = 0;
    long ca = 0;
    long cb = 0;
    double d = 0;
    while (i < a.distinct() || j < b.distinct()) {
      int cmp = i == a.distinct() ? 1 : j == b.distinct() ? -1 : Double.compare(a.value(i), b.value(j));
      if (cmp <= 0) {
        ca += a.count(i++, 0);
      }
      if (cmp >= 0) {
        cb += b.count(j++, 0);
      }
      d = Math.max(d, Math.abs((double) ca / na - (double) cb / nb));
    }
    return d;
  }

  static SortedCounts rest(SortedCounts[] groups, int except) {
    SortedCounts out = SortedCounts.empty(1);
    for (int g = 0; g < groups.length; g++) {
      if (g != except) {
        out = out.merge(groups[g]);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "RegressionSliceSummary" + Arrays.toString(new int[] {errors.length});
  }
}

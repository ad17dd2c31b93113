package dev.gauntlet.drift.simulate;

import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.data.Table;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A simulated distribution shift with a severity knob in [0, 1] (0 = no shift), applied to labelled
 * data so drift can be rehearsed before it happens. The model's inputs are never altered: covariate
 * and prior shift resample rows, concept shift changes labels, so the model's predictions per row
 * stay valid.
 */
public sealed interface Shift {

  /** A short description for reports, e.g. {@code covariate shift on income}. */
  String describe();

  /**
   * Sampling weights per row at a severity (covariate and prior shift), or null when the shift
   * relabels instead.
   */
  double[] weights(Table t, int[] labels, double severity);

  /**
   * The label a row gets at a severity (concept shift); the given label for shifts that resample.
   */
  int relabel(Table t, int row, int label, int classes, double severity);

  /**
   * Covariate shift: rows are resampled with weight {@code exp(2 s z)} where {@code z} is the
   * row's value of a numeric feature in reference standard deviations (clipped to +-3); for a
   * categorical feature rows of {@code level} get weight {@code 1 + 9 s} (up to ten times as
   * frequent). Labels given the features are unchanged.
   *
   * @param level the category made more frequent (categorical features), else null
   */
  record Covariate(String feature, String level) implements Shift {
    public Covariate {
      Objects.requireNonNull(feature, "feature");
    }

    @Override
    public String describe() {
      return "covariate shift on " + feature + (level == null ? "" : " toward " + level);
    }

    @Override
    public double[] weights(Table t, int[] labels, double s) {
      Column c = t.column(feature);
      double[] w = new double[t.rowCount()];
      if (c instanceof Column.Numeric num) {
        double[] v = num.values();
        double mean = Arrays.stream(v).average().orElse(0);
        double sd = Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, v.length));
        for (int i = 0; i < v.length; i++) {
          double z = sd > 0 ? Math.max(-3, Math.min(3, (v[i] - mean) / sd)) : 0;
          w[i] = Math.exp(2 * s * z);
        }
      } else if (c instanceof Column.Categorical cat) {
        int target = cat.levels().indexOf(level);
        if (target < 0) {
          throw new IllegalArgumentException("feature '" + feature + "' has no level '" + level + "'; it has " + cat.levels());
        }
        int[] codes = cat.codes();
        for (int i = 0; i < codes.length; i++) {
          w[i] = codes[i] == target ? 1 + 9 * s : 1;
        }
      } else {
        throw new IllegalArgumentException("covariate shift needs a numeric or categorical feature; '" + feature + "' is neither");
      }
      return w;
    }

    @Override
    public int relabel(Table t, int row, int label, int classes, double severity) {
      return label;
    }
  }

  /**
   * Label (prior) shift: rows are resampled so that the share of {@code positive} moves from its
   * observed value {@code pi} to {@code pi + s (target - pi)}; rows within a class keep equal weight,
   * so features given the label are unchanged.
   *
   * @param positive the class whose prior moves
   * @param target its prior at severity 1, in (0, 1)
   */
  record Prior(int positive, double target) implements Shift {
    public Prior {
      if (!(target > 0 && target < 1)) {
        throw new dev.gauntlet.harness.metric.ParamException("target", "target (the positive share at severity 1) must be in (0, 1), got " + target);
      }
    }

    @Override
    public String describe() {
      return "label shift toward a prior of " + target;
    }

    @Override
    public double[] weights(Table t, int[] labels, double s) {
      long pos = Arrays.stream(labels).filter(y -> y == positive).count();
      if (pos == 0 || pos == labels.length) {
        throw new IllegalArgumentException("label shift needs both classes in the data; class " + positive + " has " + pos + " of " + labels.length + " rows");
      }
      double pi = (double) pos / labels.length;
      double goal = pi + s * (target - pi);
      double wp = goal / pi;
      double wn = (1 - goal) / (1 - pi);
      double[] w = new double[labels.length];
      for (int i = 0; i < w.length; i++) {
        w[i] = labels[i] == positive ? wp : wn;
      }
      return w;
    }

    @Override
    public int relabel(Table t, int row, int label, int classes, double severity) {
      return label;
    }
  }

  /**
   * Concept shift by a moving rule: rows whose value of a numeric {@code feature} is in its top
   * {@code s} fraction (above the {@code 1 - s} quantile) get the next class ({@code (y + 1) mod k},
   * a flip for binary labels). As severity grows the boundary moves down and the region where the
   * concept has changed grows; the features do not change at all.
   */
  record Concept(String feature, double[] sortedValues) implements Shift {
    public Concept {
      Objects.requireNonNull(feature, "feature");
    }

    /** A concept shift on a numeric feature of {@code t}. */
    public static Concept on(Table t, String feature) {
      double[] v = t.numeric(feature).clone();
      Arrays.sort(v);
      return new Concept(feature, v);
    }

    @Override
    public String describe() {
      return "concept shift: labels change where " + feature + " is in its top share";
    }

    /** The boundary at a severity: rows strictly above it change. */
    public double boundary(double s) {
      if (s <= 0) {
        return Double.POSITIVE_INFINITY;
      }
      int idx = (int) Math.floor((1 - s) * sortedValues.length);
      if (idx <= 0) {
        return Double.NEGATIVE_INFINITY;
      }
      return sortedValues[Math.min(sortedValues.length - 1, idx - 1)];
    }

    @Override
    public double[] weights(Table t, int[] labels, double severity) {
      return null;
    }

    @Override
    public int relabel(Table t, int row, int label, int classes, double s) {
      return t.numeric(feature)[row] > boundary(s) ? (label + 1) % classes : label;
    }
  }

  /** Draws {@code n} row indexes with probability proportional to {@code w}. */
  static int[] sample(double[] w, int n, SplittableRandom rnd) {
    double[] cum = new double[w.length];
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      if (!(w[i] >= 0) || Double.isInfinite(w[i])) {
        throw new IllegalArgumentException("weight " + w[i] + " at row " + i);
      }
      s += w[i];
      cum[i] = s;
    }
    int[] out = new int[n];
    for (int k = 0; k < n; k++) {
      double u = rnd.nextDouble() * s;
      int idx = Arrays.binarySearch(cum, u);
      idx = idx >= 0 ? idx + 1 : -idx - 1;
      out[k] = Math.min(idx, w.length - 1);
    }
    return out;
  }
}

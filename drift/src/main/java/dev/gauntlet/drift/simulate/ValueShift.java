package dev.gauntlet.drift.simulate;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.Table;
import java.util.Arrays;
import java.util.Objects;

/**
 * A simulated shift of labelled data with a numeric label (a regression suite), with a severity knob
 * in [0, 1] (0 = no shift). As with {@link Shift}, the model's inputs are never altered: covariate
 * and label shift resample rows, concept shift moves labels, so the model's prediction per row stays
 * valid and only the error changes.
 */
public sealed interface ValueShift {

  /** A short description for reports. */
  String describe();

  /** Sampling weights per row at a severity (covariate, label shift), or null when the shift moves labels instead. */
  double[] weights(Table t, double[] labels, double severity);

  /** The label a row gets at a severity (concept shift); the given label for shifts that resample. */
  double relabel(Table t, int row, double label, double severity);

  /** Covariate shift: the rows are resampled exactly as {@link Shift.Covariate} resamples them (the label plays no part). */
  record Covariate(Shift.Covariate on) implements ValueShift {
    public Covariate {
      Objects.requireNonNull(on, "on");
    }

    @Override
    public String describe() {
      return on.describe();
    }

    @Override
    public double[] weights(Table t, double[] labels, double s) {
      return on.weights(t, null, s);
    }

    @Override
    public double relabel(Table t, int row, double label, double s) {
      return label;
    }
  }

  /**
   * Label shift of a numeric label by its quantile: a row is "high" when its label is above the
   * label's {@code quantile} (the value at rank {@code ceil(quantile n)} of the sorted labels);
   * rows are resampled so that the share of high rows moves from its observed value {@code pi} to
   * {@code pi + s (target - pi)}, with equal weight within the high and within the low rows (the
   * features given the label keep their distribution, as in a prior shift of a classifier).
   *
   * @param quantile the label quantile that splits high from low rows, in (0, 1)
   * @param target the share of high rows at severity 1, in (0, 1)
   */
  record LabelQuantile(double quantile, double target) implements ValueShift {
    public LabelQuantile {
      dev.gauntlet.harness.metric.ParamException.inOpen("quantile", quantile, 0, 1);
      dev.gauntlet.harness.metric.ParamException.inOpen("target", target, 0, 1);
    }

    @Override
    public String describe() {
      return "label shift: labels above their " + quantile + " quantile made a share of " + target;
    }

    /** The cut: labels strictly above it are high. */
    public double cut(double[] labels) {
      double[] s = labels.clone();
      Arrays.sort(s);
      int rank = (int) Math.ceil(quantile * s.length);
      return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    @Override
    public double[] weights(Table t, double[] labels, double s) {
      double cut = cut(labels);
      int[] high = new int[labels.length];
      long n = 0;
      for (int i = 0; i < labels.length; i++) {
        high[i] = labels[i] > cut ? 1 : 0;
        n += high[i];
      }
      if (n == 0 || n == labels.length) {
        throw new UsageException("a label shift needs labels on both sides of their " + quantile + " quantile (" + cut + "); " + n + " of "
            + labels.length + " rows are above it");
      }
      return new Shift.Prior(1, target).weights(t, high, s);
    }

    @Override
    public double relabel(Table t, int row, double label, double s) {
      return label;
    }
  }

  /**
   * Concept shift: the label of every row whose feature is above the boundary of
   * {@link Shift.Concept#boundary} at the severity (its top {@code s} share) moves by {@code offset},
   * so the same inputs now mean a different number.
   *
   * @param on the feature and its sorted values
   * @param offset what the label moves by, non-zero and finite
   */
  record Concept(Shift.Concept on, double offset) implements ValueShift {
    public Concept {
      Objects.requireNonNull(on, "on");
      dev.gauntlet.harness.metric.ParamException.require(Double.isFinite(offset) && offset != 0, "offset",
          "offset (what the label moves by) must be a finite non-zero number, got " + offset);
    }

    @Override
    public String describe() {
      return "concept shift: labels move by " + dev.gauntlet.harness.check.MetricCondition.fmt(offset) + " where " + on.feature() + " is in its top share";
    }

    @Override
    public double[] weights(Table t, double[] labels, double s) {
      return null;
    }

    @Override
    public double relabel(Table t, int row, double label, double s) {
      return t.numeric(on.feature())[row] > on.boundary(s) ? label + offset : label;
    }
  }
}

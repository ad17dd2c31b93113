package dev.gauntlet.fairness;

import java.util.Arrays;

/**
 * How scores are binned: the reliability bins (ten equal-width bins on [0, 1] for probabilities;
 * each distinct value when there are at most {@value #MAX_DISTINCT_BINS}, as for a decile score;
 * else ten equal-width bins over the observed range) and the thresholds of the sweep (each distinct
 * value when there are at most {@value #MAX_DISTINCT_THRESHOLDS}, else 51 evenly spaced).
 */
final class ScoreBins {
  static final int MAX_DISTINCT_BINS = 20;
  static final int MAX_DISTINCT_THRESHOLDS = 50;

  private final double[] reliabilityEdges;
  private final double[] thresholds;
  private final boolean distinctBins;
  private final double min;
  private final double max;

  private ScoreBins(double[] reliabilityEdges, double[] thresholds, boolean distinctBins, double min, double max) {
    this.reliabilityEdges = reliabilityEdges;
    this.thresholds = thresholds;
    this.distinctBins = distinctBins;
    this.min = min;
    this.max = max;
  }

  static ScoreBins of(double[] scores, boolean probabilities) {
    return of(ScoreRange.of(scores, 0, scores.length), probabilities);
  }

  /** The bins of the scores summarised (and merged) in {@code range}. */
  static ScoreBins of(ScoreRange range, boolean probabilities) {
    double min = range.min();
    double max = range.max();
    double[] values = range.values();
    double[] thresholds;
    if (values != null) {
      thresholds = values;
    } else {
      thresholds = new double[51];
      for (int i = 0; i <= 50; i++) {
        thresholds[i] = min + (max - min) * i / 50.0;
      }
    }
    double[] edges;
    boolean distinctBins = false;
    if (probabilities) {
      edges = new double[9];
      for (int i = 1; i <= 9; i++) {
        edges[i - 1] = i / 10.0;
      }
    } else if (values != null && values.length <= MAX_DISTINCT_BINS) {
      edges = Arrays.copyOfRange(values, 1, values.length);
      distinctBins = true;
    } else {
      edges = new double[9];
      for (int i = 1; i <= 9; i++) {
        edges[i - 1] = min + (max - min) * i / 10.0;
      }
    }
    return new ScoreBins(edges, thresholds, distinctBins, min, max);
  }

  double[] reliabilityEdges() {
    return reliabilityEdges;
  }

  double[] thresholds() {
    return thresholds;
  }

  int bins() {
    return reliabilityEdges.length + 1;
  }

  /** A label for reliability bin {@code b}, e.g. {@code [0.1, 0.2)} or {@code 7} (one score value). */
  String binLabel(boolean probabilities, int b) {
    double lo = b == 0 ? (probabilities ? 0 : min) : reliabilityEdges[b - 1];
    if (distinctBins) {
      return SliceReport.fmt(lo);
    }
    double hi = b == reliabilityEdges.length ? (probabilities ? 1 : max) : reliabilityEdges[b];
    return "[" + SliceReport.fmt(lo) + ", " + SliceReport.fmt(hi) + (b == reliabilityEdges.length ? "]" : ")");
  }
}

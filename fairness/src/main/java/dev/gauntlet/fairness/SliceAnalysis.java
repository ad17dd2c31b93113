package dev.gauntlet.fairness;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.summary.Partition;
import dev.gauntlet.harness.summary.ShippableSummarizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** One run of a {@link SliceCheck} on one model: counts, rates, disparities, tests, evidence. */
final class SliceAnalysis {
  /** Above this share of resamples with an undefined value, a disparity gets no interval and is inconclusive. */
  static final double MAX_UNDEFINED_SHARE = 0.1;

  private final SliceConfig cfg;
  private final CheckContext ctx;

  SliceAnalysis(SliceConfig cfg, CheckContext ctx) {
    this.cfg = cfg;
    this.ctx = ctx;
  }

  /** An estimate with its percentile-bootstrap interval (NaN for none) and why it cannot be judged (or null). */
  record Estimate(double value, double lower, double upper, String inconclusive) {
    static Estimate undefined(String why) {
      return new Estimate(Double.NaN, Double.NaN, Double.NaN, why);
    }

    /** The measurement, its interval at {@code level} (the configured confidence). */
    Measurement measurement(String metric, Subject subject, long n, double level) {
      if (inconclusive != null) {
        return Measurement.inconclusive(metric, subject, value, n, inconclusive);
      }
      return Double.isNaN(lower) ? Measurement.of(metric, subject, value, n)
          : Measurement.of(metric, subject, value, Interval.of(lower, upper, level, Interval.Method.BOOTSTRAP), n);
    }
  }

  /**
   * Everything measured about one slicing.
   *
   * @param diff per slice and disparity: difference against the reference (null for the reference)
   * @param ratio per slice and disparity: ratio against the reference
   * @param maxmin per disparity: the largest minus the smallest rate across eligible slices
   * @param minmaxRatio the smallest over the largest selection rate across eligible slices
   * @param eligible slices at or above the minimum size
   */
  record SlicingResult(Slices.Slicing slicing, int index, long[] cells, int reference, Estimate[][] diff, Estimate[][] ratio,
      Estimate[] maxmin, Estimate minmaxRatio, boolean[] eligible) {
    long size(int g) {
      return SliceCounts.size(cells, g);
    }
  }

  /** One significance test of a rate of a slice against the reference slice. */
  record Test(int slicing, int slice, Rate rate, double p) {}

  CheckValue run() {
    Table t = ctx.data();
    ColumnSpec label = ctx.label();
    if (label.categories().size() != 2) {
      throw new UsageException("fairness: the label '" + label.name() + "' has classes " + label.categories()
          + "; slice fairness compares positive and negative decisions and needs a binary label");
    }
    boolean streamed = ctx.streamed();
    ctx.progress(streamed ? "Slicing every row, streamed in chunks" : "Slicing " + t.rowCount() + " rows");
    // Streamed: the sample's predictions tell only what the model gives (scores or decisions, probabilities or
    // not); every count comes from the chunks, each checked and counted as it passes.
    Predictions p = ctx.predictions(t);
    int pos = label.positiveIndex();
    String oneClass = null;
    Rows whole = null;
    double[] scores = p.scores();
    if (!streamed) {
      int[] y = t.labels();
      boolean[] positive = new boolean[y.length];
      long positives = 0;
      for (int i = 0; i < y.length; i++) {
        positive[i] = y[i] == pos;
        positives += positive[i] ? 1 : 0;
      }
      oneClass = oneClass(label, pos, positives, y.length);
      boolean[] decided = SliceCheck.decisions(p, label, cfg.threshold());
      checkFinite(t, scores);
      whole = new Rows(Slices.of(t, cfg), positive, decided, scores);
    }
    double threshold = Double.isNaN(cfg.threshold()) ? p.threshold() : cfg.threshold();
    boolean probabilities = scores != null && p.scoresAreProbabilities();
    Slices slices = whole != null ? whole.slices() : Slices.of(t, cfg);
    // Two mergeable passes over the partitions of the rows: the score range for the bins, then the counts.
    // The summarisers capture the configuration and the label only (they travel to Spark's executors); the analysed
    // table's own rows stay on the driver, for the partitions that are ranges of it.
    RowsOf rowsOf = new RowsOf(cfg, label, t, whole);
    ScoreBins bins = scores == null ? null
        : ScoreBins.of(ctx.summarizeData(true, (ShippableSummarizer<ScoreRange>) part -> ScoreRange.of(rowsOf.of(part).scores(), part.from(), part.to())),
            probabilities);
    double[] edges = bins == null ? null : bins.reliabilityEdges();
    double[] thresholds = bins == null ? null : bins.thresholds();
    SliceCounts counts = ctx.summarizeData(true, (ShippableSummarizer<SliceCounts>) part -> {
      Rows r = rowsOf.of(part);
      return SliceCounts.countRange(r.slices(), r.positive(), r.decided(), r.scores(), probabilities, edges, thresholds, part.from(), part.to());
    });
    if (streamed) {
      long[] c0 = counts.cells[0];
      long n = 0;
      long positives = 0;
      for (int g = 0; 4 * g < c0.length; g++) {
        n += SliceCounts.size(c0, g);
        positives += c0[4 * g + 2] + c0[4 * g + 3]; // cell 2 y + decided, y = 1 for the positive class
      }
      oneClass = oneClass(label, pos, positives, n);
    }

    List<SlicingResult> results = new ArrayList<>();
    SplittableRandom rng = ctx.random();
    for (int s = 0; s < slices.slicings.size(); s++) {
      Slices.Slicing sl = slices.slicings.get(s);
      if (cfg.bootstrap() > 0) {
        ctx.progress("Bootstrapping " + sl.name() + " (" + cfg.bootstrap() + " resamples)");
      }
      results.add(measure(slices, s, counts.cells[s], rng));
    }
    List<Test> tests = tests(results);
    double[] q = Significance.benjaminiHochberg(tests.stream().mapToDouble(Test::p).toArray());

    SliceReport report = new SliceReport(cfg, slices, counts, results, tests, q, probabilities, bins, threshold, oneClass);
    return report.value();
  }

  /** Why every metric comparing both classes is INCONCLUSIVE (labels of a single class), or null. */
  private static String oneClass(ColumnSpec label, int pos, long positives, long n) {
    // Too little evidence is never a pass: on labels of a single class every metric that compares
    // decisions with both classes (error rates, accuracy, every disparity) is INCONCLUSIVE.
    return positives == 0 || positives == n
        ? "the labels hold only class '" + label.categories().get(positives == 0 ? 1 - pos : pos) + "' (" + n
            + " rows), so error rates and disparities cannot be told from a constant model's"
        : null;
  }

  private static void checkFinite(Table t, double[] scores) {
    if (scores != null) {
      for (int i = 0; i < scores.length; i++) {
        if (!Double.isFinite(scores[i])) {
          throw new UsageException("fairness: the model's score for " + t.rowLabel(i) + " is " + scores[i] + "; scores must be finite");
        }
      }
    }
  }

  /** What counting needs per row of one table: slice codes, positive labels and decisions, scores (or null). */
  private record Rows(Slices slices, boolean[] positive, boolean[] decided, double[] scores) {}

  /**
   * The rows of a partition: those of the analysed table itself when the partition is a range of it
   * (on the driver), else its own. Serialises as the configuration and the label only.
   */
  private static final class RowsOf implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final SliceConfig cfg;
    private final ColumnSpec label;
    private final transient Table analysed;
    private final transient Rows whole;

    RowsOf(SliceConfig cfg, ColumnSpec label, Table analysed, Rows whole) {
      this.cfg = cfg;
      this.label = label;
      this.analysed = analysed;
      this.whole = whole;
    }

    Rows of(Partition part) {
      if (whole != null && part.data() == analysed) {
        return whole;
      }
      Table t = part.data();
      Predictions p = part.predictions();
      int pos = label.positiveIndex();
      int[] y = t.labels();
      boolean[] positive = new boolean[y.length];
      for (int i = 0; i < y.length; i++) {
        positive[i] = y[i] == pos;
      }
      checkFinite(t, p.scores());
      return new Rows(Slices.of(t, cfg), positive, SliceCheck.decisions(p, label, cfg.threshold()), p.scores());
    }
  }

  /**
   * The reference slice: the largest slice among those that take the configured reference value of
   * every configured attribute of the slicing (so the configured slice itself when all are configured,
   * and the largest slice when none is).
   */
  int reference(Slices slices, Slices.Slicing sl, long[] cells) {
    return slices.reference(sl, cfg.references(), h -> SliceCounts.size(cells, h));
  }

  private SlicingResult measure(Slices slices, int s, long[] cells, SplittableRandom rng) {
    Slices.Slicing sl = slices.slicings.get(s);
    int groups = sl.groups();
    int ref = reference(slices, sl, cells);
    Disparity[] ds = cfg.disparities().toArray(new Disparity[0]);
    Arrays.sort(ds);
    int nd = Disparity.values().length;
    boolean[] eligible = new boolean[groups];
    int eligibleCount = 0;
    for (int g = 0; g < groups; g++) {
      long size = SliceCounts.size(cells, g);
      eligible[g] = size >= cfg.minSize();
      eligibleCount += eligible[g] ? 1 : 0;
    }
    // Point values and why each cannot be judged.
    String[][] why = new String[groups][nd];
    for (int g = 0; g < groups; g++) {
      for (Disparity d : ds) {
        why[g][d.ordinal()] = g == ref ? null : Disparities.undefined(d, cells, g, ref, cfg.minSize(), sl.subjects());
      }
    }
    String[] maxminWhy = new String[nd];
    for (Disparity d : ds) {
      maxminWhy[d.ordinal()] = eligibleCount < 2 ? "fewer than 2 slices of " + sl.name() + " have at least " + cfg.minSize() + " rows" : null;
      for (int g = 0; g < groups && maxminWhy[d.ordinal()] == null; g++) {
        if (eligible[g]) {
          for (Rate r : d.rates()) {
            if (r.denominator(cells, 4 * g) == 0) {
              maxminWhy[d.ordinal()] = "slice " + sl.subjects().get(g) + " has no " + r.denominatorName();
            }
          }
        }
      }
    }
    // Layout of the bootstrapped statistics: per slice and disparity diff and ratio, then maxmin per disparity, then min/max ratio.
    int stats = groups * nd * 2 + nd + 1;
    double[] point = compute(cells, ref, eligible, ds, groups, nd, new double[stats]);
    double[][] reps = null;
    int b = cfg.bootstrap();
    if (b > 0) {
      reps = new double[stats][b];
      PoissonBootstrap boot = new PoissonBootstrap(cells, rng);
      long[] resampled = new long[cells.length];
      double[] out = new double[stats];
      for (int r = 0; r < b; r++) {
        boot.resample(resampled);
        compute(resampled, ref, eligible, ds, groups, nd, out);
        for (int k = 0; k < stats; k++) {
          reps[k][r] = out[k];
        }
      }
    }
    Estimate[][] diff = new Estimate[groups][nd];
    Estimate[][] ratio = new Estimate[groups][nd];
    for (int g = 0; g < groups; g++) {
      if (g == ref) {
        continue;
      }
      for (Disparity d : ds) {
        int k = (g * nd + d.ordinal()) * 2;
        diff[g][d.ordinal()] = estimate(point[k], reps == null ? null : reps[k], why[g][d.ordinal()], false);
        ratio[g][d.ordinal()] = estimate(point[k + 1], reps == null ? null : reps[k + 1], why[g][d.ordinal()], true);
      }
    }
    Estimate[] maxmin = new Estimate[nd];
    for (Disparity d : ds) {
      int k = groups * nd * 2 + d.ordinal();
      maxmin[d.ordinal()] = estimate(point[k], reps == null ? null : reps[k], maxminWhy[d.ordinal()], false);
    }
    Estimate minmax = null;
    if (cfg.disparities().contains(Disparity.DEMOGRAPHIC_PARITY)) {
      int k = stats - 1;
      minmax = estimate(point[k], reps == null ? null : reps[k], maxminWhy[Disparity.DEMOGRAPHIC_PARITY.ordinal()], true);
    }
    return new SlicingResult(sl, s, cells, ref, diff, ratio, maxmin, minmax, eligible);
  }

  /** Fills {@code out} with every disparity statistic of one set of cells (the sample or a resample). */
  private static double[] compute(long[] cells, int ref, boolean[] eligible, Disparity[] ds, int groups, int nd, double[] out) {
    Arrays.fill(out, Double.NaN);
    for (int g = 0; g < groups; g++) {
      if (g == ref) {
        continue;
      }
      for (Disparity d : ds) {
        double[] v = Disparities.of(d, cells, g, ref);
        int k = (g * nd + d.ordinal()) * 2;
        out[k] = v[0];
        out[k + 1] = v[1];
      }
    }
    for (Disparity d : ds) {
      double gap = Double.NEGATIVE_INFINITY;
      for (Rate r : d.rates()) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int g = 0; g < groups; g++) {
          if (eligible[g]) {
            double v = r.of(cells, 4 * g);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
            if (Double.isNaN(v)) {
              lo = Double.NaN;
              break;
            }
          }
        }
        gap = Math.max(gap, hi - lo);
        if (Double.isNaN(lo)) {
          gap = Double.NaN;
          break;
        }
      }
      out[groups * nd * 2 + d.ordinal()] = gap;
      if (d == Disparity.DEMOGRAPHIC_PARITY) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int g = 0; g < groups; g++) {
          if (eligible[g]) {
            double v = Rate.SELECTION_RATE.of(cells, 4 * g);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
        out[out.length - 1] = lo / hi;
      }
    }
    return out;
  }

  private Estimate estimate(double point, double[] reps, String why, boolean ratio) {
    if (why != null) {
      return new Estimate(Double.isFinite(point) ? point : Double.NaN, Double.NaN, Double.NaN, why);
    }
    if (!Double.isFinite(point)) {
      return Estimate.undefined(ratio ? "the reference rate is 0, so the ratio is undefined" : "undefined");
    }
    if (reps == null) {
      return new Estimate(point, Double.NaN, Double.NaN, null);
    }
    double[] finite = Arrays.stream(reps).filter(Double::isFinite).sorted().toArray();
    int undefined = reps.length - finite.length;
    if (undefined > MAX_UNDEFINED_SHARE * reps.length) {
      return new Estimate(point, Double.NaN, Double.NaN, "undefined in " + undefined + " of " + reps.length
          + " bootstrap resamples (a rate's denominator or the reference rate is often 0): too little data for an interval");
    }
    double tail = (1 - cfg.confidence()) / 2;
    return new Estimate(point, quantile(finite, tail), quantile(finite, 1 - tail), null);
  }

  /** The {@code p}-quantile of sorted values by linear interpolation (type 7, as NumPy's default). */
  static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** Two-proportion tests of every tested rate of every eligible slice against its reference. */
  private List<Test> tests(List<SlicingResult> results) {
    Set<Rate> rates = EnumSet.noneOf(Rate.class);
    for (Disparity d : cfg.disparities()) {
      rates.addAll(d.rates());
    }
    List<Test> out = new ArrayList<>();
    for (SlicingResult r : results) {
      int ref = r.reference();
      if (!r.eligible()[ref]) {
        continue;
      }
      for (int g = 0; g < r.slicing().groups(); g++) {
        if (g == ref || !r.eligible()[g]) {
          continue;
        }
        for (Rate rate : rates) {
          long n1 = rate.denominator(r.cells(), 4 * g);
          long n2 = rate.denominator(r.cells(), 4 * ref);
          if (n1 > 0 && n2 > 0) {
            out.add(new Test(r.index(), g, rate, Significance.twoProportions(rate.numerator(r.cells(), 4 * g), n1,
                rate.numerator(r.cells(), 4 * ref), n2)));
          }
        }
      }
    }
    return out;
  }
}

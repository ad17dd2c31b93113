package dev.gauntlet.fairness;

import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.stats.Intervals;
import dev.gauntlet.harness.summary.ExactSum;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Turns a slice analysis into measurements, evidence and a summary. */
final class SliceReport {
  private final SliceConfig cfg;
  private final Slices slices;
  private final SliceCounts counts;
  private final List<SliceAnalysis.SlicingResult> results;
  private final List<SliceAnalysis.Test> tests;
  private final double[] q;
  private final boolean probabilities;
  private final ScoreBins bins;
  private final double threshold;
  private final String oneClass;
  private final Disparity[] ds;
  private final List<Rate> tested;
  private final List<Measurement> ms = new ArrayList<>();
  private final List<Evidence> evidence = new ArrayList<>();

  SliceReport(SliceConfig cfg, Slices slices, SliceCounts counts, List<SliceAnalysis.SlicingResult> results, List<SliceAnalysis.Test> tests,
      double[] q, boolean probabilities, ScoreBins bins, double threshold, String oneClass) {
    this.cfg = cfg;
    this.slices = slices;
    this.counts = counts;
    this.results = results;
    this.tests = tests;
    this.q = q;
    this.probabilities = probabilities;
    this.bins = bins;
    this.threshold = threshold;
    this.oneClass = oneClass;
    this.ds = cfg.disparities().stream().sorted().toArray(Disparity[]::new);
    Set<Rate> rs = EnumSet.noneOf(Rate.class);
    for (Disparity d : ds) {
      rs.addAll(d.rates());
    }
    if (rs.contains(Rate.TPR)) {
      rs.remove(Rate.FNR); // FNR = 1 - TPR on the same rows: the same test, counted once
    }
    this.tested = List.copyOf(rs);
  }

  CheckValue value() {
    overall();
    for (SliceAnalysis.SlicingResult r : results) {
      measure(r);
    }
    long significant = 0;
    for (double x : q) {
      significant += x <= cfg.alpha() ? 1 : 0;
    }
    add(Measurement.of("significant_disparities", Subject.all(), significant, tests.size()));
    for (SliceAnalysis.SlicingResult r : results) {
      evidence.add(table(r));
      charts(r);
      if (r.slicing().single() && bins != null) {
        evidence.add(reliability(r));
        sweep(r);
      }
    }
    evidence.add(new Evidence.Note("How the numbers were computed", method()));
    return new CheckValue(ms, evidence, summary(significant));
  }

  /**
   * Adds a measurement; on single-class labels every metric that needs both classes becomes
   * INCONCLUSIVE with the reason (only {@code n}, the base rate and the selection rate stay).
   */
  private void add(Measurement m) {
    boolean describes = m.metric().equals("n") || m.metric().equals(Rate.BASE_RATE.metric()) || m.metric().equals(Rate.SELECTION_RATE.metric());
    if (oneClass != null && !describes && m.inconclusive() == null) {
      m = Measurement.inconclusive(m.metric(), m.subject(), m.value(), m.n(), oneClass);
    }
    ms.add(m);
  }

  /** The overall row: the whole data's size, rates, Brier score and calibration error (subject: all rows). */
  private void overall() {
    SliceAnalysis.SlicingResult first = results.get(0); // a single attribute: every row in exactly one slice
    long[] cells = new long[4];
    ExactSum sseAll = new ExactSum();
    ExactSum sse2All = new ExactSum();
    for (int g = 0; g < first.slicing().groups(); g++) {
      for (int c = 0; c < 4; c++) {
        cells[c] += first.cells()[4 * g + c];
      }
      if (counts.sse != null) {
        sseAll.addAll(counts.sse[first.index()][g]);
        sse2All.addAll(counts.sse2[first.index()][g]);
      }
    }
    double sse = sseAll.value();
    double sse2 = sse2All.value();
    Subject all = Subject.all();
    long size = SliceCounts.size(cells, 0);
    add(Measurement.of("n", all, size, size));
    for (Rate rate : Rate.values()) {
      add(SliceCheck.rate(rate, all, cells, 0, cfg.confidence(), 1, size));
    }
    if (counts.sse != null) {
      add(brier(all, size, sse, sse2, 1));
    }
    if (counts.binScore != null && size > 0) {
      double e = 0;
      for (int b = 0; b < bins.bins(); b++) {
        ExactSum scoreAll = new ExactSum();
        long positive = 0;
        for (int g = 0; g < first.slicing().groups(); g++) {
          scoreAll.addAll(counts.binScore[first.index()][g][b]);
          positive += counts.binPositive[first.index()][g][b];
        }
        double score = scoreAll.value();
        e += Math.abs(score - positive);
      }
      add(Measurement.of("calibration_error", all, e / size, size));
    }
  }

  private void measure(SliceAnalysis.SlicingResult r) {
    Slices.Slicing sl = r.slicing();
    int s = r.index();
    double level = cfg.confidence();
    for (int g = 0; g < sl.groups(); g++) {
      Subject subject = sl.subjects().get(g);
      long size = r.size(g);
      add(Measurement.of("n", subject, size, size));
      for (Rate rate : Rate.values()) {
        add(SliceCheck.rate(rate, subject, r.cells(), 4 * g, cfg.confidence(), cfg.minSize(), size));
      }
      if (counts.sse != null) {
        add(size == 0 ? Measurement.inconclusive("brier", subject, Double.NaN, 0, "slice " + subject + " is empty")
            : brier(subject, size, counts.sse[s][g].value(), counts.sse2[s][g].value(), cfg.minSize()));
        if (sl.single()) {
          add(calibrationError(s, g, subject, size));
        }
      }
      if (g == r.reference()) {
        continue;
      }
      for (Disparity d : ds) {
        add(r.diff()[g][d.ordinal()].measurement(d.key() + "_diff", subject, size, level));
        add(r.ratio()[g][d.ordinal()].measurement(d.key() + "_ratio", subject, size, level));
        if (d == Disparity.DEMOGRAPHIC_PARITY) {
          add(r.ratio()[g][d.ordinal()].measurement("disparate_impact", subject, size, level));
          add(r.ratio()[g][d.ordinal()].measurement("selection_rate_ratio", subject, size, level));
        }
      }
      if (!r.eligible()[g] || !r.eligible()[r.reference()]) {
        String why = (!r.eligible()[g] ? "slice " + subject : "reference slice " + sl.subjects().get(r.reference())) + " has fewer than "
            + cfg.minSize() + " rows; not tested";
        for (Rate rate : tested) {
          add(Measurement.inconclusive(rate.metric() + "_p", subject, Double.NaN, size, why));
          add(Measurement.inconclusive(rate.metric() + "_q", subject, Double.NaN, size, why));
        }
      }
    }
    Subject slicing = SliceCheck.slicingSubject(sl);
    for (Disparity d : ds) {
      add(r.maxmin()[d.ordinal()].measurement(d.key() + "_maxmin", slicing, total(r), level));
    }
    if (r.minmaxRatio() != null) {
      add(r.minmaxRatio().measurement("disparate_impact_minmax", slicing, total(r), level));
    }
    for (int i = 0; i < tests.size(); i++) {
      SliceAnalysis.Test t = tests.get(i);
      if (t.slicing() == s) {
        Subject subject = sl.subjects().get(t.slice());
        add(Measurement.of(t.rate().metric() + "_p", subject, t.p(), r.size(t.slice())));
        add(Measurement.of(t.rate().metric() + "_q", subject, q[i], r.size(t.slice())));
      }
    }
  }

  private static long total(SliceAnalysis.SlicingResult r) {
    return Arrays.stream(r.cells()).sum();
  }

  /** The Brier score from the sums of squared errors and their squares, with a normal interval at the configured level. */
  private Measurement brier(Subject subject, long size, double sse, double sse2, int minSize) {
    if (size == 0) {
      return Measurement.inconclusive("brier", subject, Double.NaN, 0, subject.display() + " is empty");
    }
    double b = sse / size;
    if (size < minSize) {
      return Measurement.inconclusive("brier", subject, b, size, subject.display() + " has " + size + " rows, below the minimum of " + minSize);
    }
    double var = Math.max(0, sse2 / size - b * b);
    double half = Intervals.z(cfg.confidence()) * Math.sqrt(var / size);
    double lo = Math.max(0, b - half);
    double hi = Math.min(1, b + half);
    return Measurement.of("brier", subject, b, Interval.of(Math.min(lo, hi), Math.max(lo, hi), cfg.confidence(), Interval.Method.NORMAL), size);
  }

  /** Expected calibration error: the row-weighted mean over bins of |mean score - observed positive rate|. */
  private Measurement calibrationError(int s, int g, Subject subject, long size) {
    if (size == 0) {
      return Measurement.inconclusive("calibration_error", subject, Double.NaN, 0, "slice " + subject + " is empty");
    }
    double e = 0;
    for (int b = 0; b < bins.bins(); b++) {
      e += Math.abs(counts.binScore[s][g][b].value() - counts.binPositive[s][g][b]);
    }
    e /= size;
    if (size < cfg.minSize()) {
      return Measurement.inconclusive("calibration_error", subject, e, size, "slice " + subject + " has " + size + " rows, below the minimum of " + cfg.minSize());
    }
    return Measurement.of("calibration_error", subject, e, size);
  }

  private Evidence.Table table(SliceAnalysis.SlicingResult r) {
    Slices.Slicing sl = r.slicing();
    List<String> cols = new ArrayList<>(List.of("slice", "n"));
    for (Rate rate : Rate.values()) {
      cols.add(rate.label());
    }
    if (counts.sse != null) {
      cols.add("Brier");
    }
    int firstDisparity = cols.size();
    for (Disparity d : ds) {
      cols.add(title(d) + " diff");
      if (d == Disparity.DEMOGRAPHIC_PARITY) {
        cols.add("disparate impact");
      }
    }
    cols.add("min q");
    List<List<String>> rows = new ArrayList<>();
    List<Evidence.Cell> flagged = new ArrayList<>();
    double[] worst = new double[cols.size()];
    int[] worstRow = new int[cols.size()];
    Arrays.fill(worstRow, -1);
    for (int g = 0; g < sl.groups(); g++) {
      List<String> row = new ArrayList<>();
      long size = r.size(g);
      boolean ok = r.eligible()[g];
      row.add(sl.subjects().get(g) + (g == r.reference() ? " (reference)" : ""));
      row.add(Long.toString(size) + (ok ? "" : " (< " + cfg.minSize() + ")"));
      if (!ok) {
        flagged.add(new Evidence.Cell(g, 1));
      }
      for (Rate rate : Rate.values()) {
        double v = rate.of(r.cells(), 4 * g);
        row.add(Double.isNaN(v) ? "-" : fmt(v));
        if (ok && g != r.reference() && tested.contains(rate)) {
          double gap = Math.abs(v - rate.of(r.cells(), 4 * r.reference()));
          double qv = minQ(r.index(), g, rate);
          int col = row.size() - 1;
          if (qv <= cfg.alpha() && gap > worst[col]) {
            worst[col] = gap;
            worstRow[col] = g;
          }
        }
      }
      if (counts.sse != null) {
        row.add(size == 0 ? "-" : fmt(counts.sse[r.index()][g].value() / size));
      }
      for (Disparity d : ds) {
        SliceAnalysis.Estimate e = g == r.reference() ? null : r.diff()[g][d.ordinal()];
        row.add(cell(e));
        int col = row.size() - 1;
        if (e != null && e.inconclusive() == null && Math.abs(e.value()) > cfg.diffBand() && Math.abs(e.value()) > worst[col]) {
          worst[col] = Math.abs(e.value());
          worstRow[col] = g;
        }
        if (d == Disparity.DEMOGRAPHIC_PARITY) {
          SliceAnalysis.Estimate di = g == r.reference() ? null : r.ratio()[g][d.ordinal()];
          row.add(cell(di));
          int c2 = row.size() - 1;
          if (di != null && di.inconclusive() == null && (di.value() < cfg.ratioBand()[0] || di.value() > cfg.ratioBand()[1])
              && Math.abs(Math.log(di.value())) > worst[c2]) {
            worst[c2] = Math.abs(Math.log(di.value()));
            worstRow[c2] = g;
          }
        }
      }
      double mq = Double.POSITIVE_INFINITY;
      for (Rate rate : tested) {
        mq = Math.min(mq, minQ(r.index(), g, rate));
      }
      row.add(Double.isInfinite(mq) ? "-" : fmtP(mq) + (mq <= cfg.alpha() ? " *" : ""));
      rows.add(row);
    }
    for (int c = 2; c < cols.size(); c++) {
      if (worstRow[c] >= 0) {
        flagged.add(new Evidence.Cell(worstRow[c], c));
      }
    }
    int limit = 200;
    int omitted = Math.max(0, rows.size() - limit);
    List<List<String>> shown = rows.subList(0, Math.min(limit, rows.size()));
    List<Evidence.Cell> shownFlags = flagged.stream().filter(c -> c.row() < limit).toList();
    String title = "Slices of " + sl.name() + ": rates and disparities against " + sl.subjects().get(r.reference())
        + (firstDisparity > 0 && cfg.bootstrap() > 0 ? " (" + pct(cfg.confidence()) + " bootstrap intervals; * = significant after Benjamini-Hochberg at "
        + fmt(cfg.alpha()) + "; marked: worst significant gap per rate, worst disparity outside the band, slices below the minimum size)" : "");
    return new Evidence.Table(title, cols, shown, omitted, shownFlags);
  }

  private double minQ(int slicing, int g, Rate rate) {
    for (int i = 0; i < tests.size(); i++) {
      SliceAnalysis.Test t = tests.get(i);
      if (t.slicing() == slicing && t.slice() == g && t.rate() == rate) {
        return q[i];
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  private void charts(SliceAnalysis.SlicingResult r) {
    Slices.Slicing sl = r.slicing();
    Subject ref = sl.subjects().get(r.reference());
    for (Disparity d : ds) {
      if (!sl.single() && d != Disparity.DEMOGRAPHIC_PARITY) {
        continue; // intersections: the table carries every disparity; only disparate impact is charted
      }
      chart(r, d, false, "Difference in " + rateTitle(d) + " against " + ref, "difference",
          new Evidence.Band("|difference| <= " + fmt(cfg.diffBand()), -cfg.diffBand(), cfg.diffBand()));
      if (d == Disparity.DEMOGRAPHIC_PARITY) {
        chart(r, d, true, "Disparate impact (selection rate over " + ref + "'s)", "ratio",
            new Evidence.Band("band " + fmt(cfg.ratioBand()[0]) + " to " + fmt(cfg.ratioBand()[1]), cfg.ratioBand()[0], cfg.ratioBand()[1]));
      }
    }
  }

  private void chart(SliceAnalysis.SlicingResult r, Disparity d, boolean ratio, String title, String yLabel, Evidence.Band band) {
    Slices.Slicing sl = r.slicing();
    List<Evidence.Point> points = new ArrayList<>();
    List<String> said = new ArrayList<>();
    List<String> left = new ArrayList<>();
    for (int g = 0; g < sl.groups(); g++) {
      if (g == r.reference()) {
        continue;
      }
      SliceAnalysis.Estimate e = (ratio ? r.ratio() : r.diff())[g][d.ordinal()];
      String label = sl.subjects().get(g).toString();
      if (e.inconclusive() != null) {
        left.add(label);
        continue;
      }
      points.add(Evidence.Point.bar(label, e.value(), e.lower(), e.upper()));
      said.add(label + " " + fmt(e.value()) + (Double.isNaN(e.lower()) ? "" : " (" + fmt(e.lower()) + " to " + fmt(e.upper()) + ")"));
    }
    String alt = title + ", " + (said.isEmpty() ? "no slice could be measured" : String.join("; ", said)) + ". Acceptable band "
        + fmt(band.lower()) + " to " + fmt(band.upper()) + "." + (left.isEmpty() ? "" : " Not shown (too small or undefined): " + String.join(", ", left) + ".");
    evidence.add(new Evidence.Chart(title + " - " + sl.name(), Evidence.ChartKind.BAR, "slice", yLabel,
        List.of(new Evidence.Series(title(d), points)), band, alt));
  }

  private Evidence.Table reliability(SliceAnalysis.SlicingResult r) {
    Slices.Slicing sl = r.slicing();
    int s = r.index();
    List<String> cols = new ArrayList<>(List.of("score bin"));
    List<Integer> groups = new ArrayList<>();
    for (int g = 0; g < sl.groups(); g++) {
      if (r.eligible()[g]) {
        groups.add(g);
        cols.add(sl.subjects().get(g) + (probabilities ? ": mean score / observed (n)" : ": observed positive rate (n)"));
      }
    }
    List<List<String>> rows = new ArrayList<>();
    for (int b = 0; b < bins.bins(); b++) {
      List<String> row = new ArrayList<>();
      row.add(bins.binLabel(probabilities, b));
      for (int g : groups) {
        long n = counts.binCount[s][g][b];
        if (n == 0) {
          row.add("-");
        } else {
          String obs = fmt((double) counts.binPositive[s][g][b] / n);
          row.add((probabilities ? fmt(counts.binScore[s][g][b].value() / n) + " / " : "") + obs + " (" + n + ")");
        }
      }
      rows.add(row);
    }
    return new Evidence.Table("Reliability by score bin - " + sl.name() + " (slices of at least " + cfg.minSize() + " rows)", cols, rows);
  }

  private void sweep(SliceAnalysis.SlicingResult r) {
    Slices.Slicing sl = r.slicing();
    long[][][] h = counts.sweep[r.index()];
    double[] t = bins.thresholds();
    List<Evidence.Series> sel = new ArrayList<>();
    List<Evidence.Series> errs = new ArrayList<>();
    for (int g = 0; g < sl.groups(); g++) {
      if (!r.eligible()[g]) {
        continue;
      }
      long neg = Arrays.stream(h[g][0]).sum();
      long pos = Arrays.stream(h[g][1]).sum();
      List<Evidence.Point> ps = new ArrayList<>();
      List<Evidence.Point> tpr = new ArrayList<>();
      List<Evidence.Point> fpr = new ArrayList<>();
      long aboveNeg = neg;
      long abovePos = pos;
      for (int j = 0; j < t.length; j++) {
        // Rows with score >= t[j] are those with more than j thresholds at or below their score.
        aboveNeg -= h[g][0][j];
        abovePos -= h[g][1][j];
        ps.add(Evidence.Point.of(t[j], (double) (aboveNeg + abovePos) / (neg + pos)));
        if (pos > 0) {
          tpr.add(Evidence.Point.of(t[j], (double) abovePos / pos));
        }
        if (neg > 0) {
          fpr.add(Evidence.Point.of(t[j], (double) aboveNeg / neg));
        }
      }
      String name = sl.subjects().get(g).toString();
      sel.add(new Evidence.Series(name, ps));
      errs.add(new Evidence.Series("TPR " + name, tpr));
      errs.add(new Evidence.Series("FPR " + name, fpr));
    }
    String at = " (decision threshold " + fmt(threshold) + ")";
    evidence.add(new Evidence.Chart("Selection rate as the threshold moves - " + sl.name() + at, Evidence.ChartKind.LINE, "threshold",
        "selection rate", sel, null, "Share of each slice of " + sl.name() + " scored at or above each threshold from " + fmt(t[0]) + " to "
        + fmt(t[t.length - 1]) + "; the current threshold is " + fmt(threshold) + "."));
    evidence.add(new Evidence.Chart("True and false positive rates as the threshold moves - " + sl.name() + at, Evidence.ChartKind.LINE,
        "threshold", "rate", errs, null, "TPR and FPR of each slice of " + sl.name() + " at each threshold from " + fmt(t[0]) + " to "
        + fmt(t[t.length - 1]) + "; the current threshold is " + fmt(threshold) + "."));
  }

  private String method() {
    return "Slices: every value of " + String.join(", ", slices.names) + (cfg.depth() > 1 ? " and their intersections up to " + cfg.depth() + " attributes" : "")
        + "; slices under " + cfg.minSize() + " rows are INCONCLUSIVE. Per-slice rates carry " + pct(cfg.confidence()) + " Wilson intervals. "
        + (cfg.bootstrap() > 0 ? "Disparities carry " + pct(cfg.confidence()) + " percentile intervals from a Poisson bootstrap of "
            + cfg.bootstrap() + " resamples (seeded by the check's seed). " : "Disparities carry no intervals (bootstrap: 0). ")
        + "Each tested rate (" + String.join(", ", tested.stream().map(Rate::metric).toList()) + ") of each slice is compared with the reference slice by a "
        + "pooled two-proportion z test, or Fisher's exact test when an expected cell count is under 5; the " + tests.size()
        + " p-values are adjusted together by Benjamini-Hochberg (q-values), and q <= " + fmt(cfg.alpha()) + " counts as significant.";
  }

  private String summary(long significant) {
    String worst = null;
    double worstLog = -1;
    for (SliceAnalysis.SlicingResult r : results) {
      if (!cfg.disparities().contains(Disparity.DEMOGRAPHIC_PARITY)) {
        break;
      }
      for (int g = 0; g < r.slicing().groups(); g++) {
        SliceAnalysis.Estimate e = g == r.reference() ? null : r.ratio()[g][Disparity.DEMOGRAPHIC_PARITY.ordinal()];
        if (e != null && e.inconclusive() == null && Math.abs(Math.log(e.value())) > worstLog) {
          worstLog = Math.abs(Math.log(e.value()));
          worst = "The most extreme disparate impact is " + fmt(e.value())
              + (Double.isNaN(e.lower()) ? "" : " (" + pct(cfg.confidence()) + " CI " + fmt(e.lower()) + " to " + fmt(e.upper()) + ")")
              + " for " + r.slicing().subjects().get(g) + " against " + r.slicing().subjects().get(r.reference()) + ". ";
        }
      }
    }
    long small = 0;
    long total = 0;
    for (SliceAnalysis.SlicingResult r : results) {
      for (int g = 0; g < r.slicing().groups(); g++) {
        total++;
        small += r.eligible()[g] ? 0 : 1;
      }
    }
    return (oneClass == null ? "" : "Inconclusive: " + oneClass + ". ") + (worst == null || oneClass != null ? "" : worst) + significant + " of " + tests.size() + " rate comparisons differ significantly from the reference (FDR "
        + fmt(cfg.alpha()) + "). " + small + " of " + total + " slices are under " + cfg.minSize() + " rows and inconclusive.";
  }

  private static String title(Disparity d) {
    if (d == Disparity.FPR || d == Disparity.FNR) {
      return d.key().toUpperCase(Locale.ROOT);
    }
    String k = d.key().replace('_', ' ');
    return Character.toUpperCase(k.charAt(0)) + k.substring(1);
  }

  private static String rateTitle(Disparity d) {
    return switch (d) {
      case DEMOGRAPHIC_PARITY -> "selection rate (demographic parity)";
      case EQUAL_OPPORTUNITY -> "true positive rate (equal opportunity)";
      case EQUALIZED_ODDS -> "the larger of the TPR and FPR gaps (equalized odds)";
      case FPR -> "false positive rate (one half of equalized odds)";
      case FNR -> "false negative rate (the other half, 1 - TPR)";
      case PREDICTIVE_PARITY -> "precision (predictive parity)";
      case ACCURACY -> "accuracy";
    };
  }

  private String cell(SliceAnalysis.Estimate e) {
    if (e == null) {
      return "reference";
    }
    if (e.inconclusive() != null) {
      return "n/a";
    }
    return fmt(e.value()) + (Double.isNaN(e.lower()) ? "" : " [" + fmt(e.lower()) + ", " + fmt(e.upper()) + "]");
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String fmtP(double p) {
    return p < 0.001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.3f", p);
  }

  /** The configured level as an interval states it, e.g. {@code 50%} or {@code 95%}. */
  private static String pct(double c) {
    return Interval.of(0, 0, c, Interval.Method.BOOTSTRAP).levelText();
  }
}

package dev.gauntlet.monitor;

import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.stats.Intervals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.BinomialDistribution;

/** Turns the merged {@link WindowSummary} into measurements and evidence (the report step of {@link MonitorCheck}). */
final class Figures {
  private Figures() {}

  /**
   * One cell's figures in one window. The estimate's interval combines the Poisson-binomial
   * variance of the outcomes with the spread of the estimate over the calibration's refits ({@code
   * boot}, one estimate per refit, empty without refits).
   */
  record Cell(String column, String group, long n, long labelled, double completeness, double realized, double[] realizedCi, double estimated, double[] estimatedCi,
      double estimatedLabelled, double[] estimatedLabelledCi, double selection, double outcomeSd, double[] boot) {

    /**
     * @param refitP per calibration refit, the calibrated probability at each score bin's centre
     */
    static Cell of(String column, String group, WindowSummary.Acc a, double z, double conf, double[][] refitP) {
      double comp = a.n == 0 ? Double.NaN : (double) a.labelled / a.n;
      double real = a.labelled == 0 ? Double.NaN : (double) a.correctCount() / a.labelled;
      double[] rci = a.labelled == 0 ? new double[] {0, 1} : Intervals.wilson(a.correctCount(), a.labelled, conf);
      double est = a.n == 0 ? Double.NaN : a.correct.value() / a.n;
      double sd = a.n == 0 ? Double.NaN : Math.sqrt(a.variance.value()) / a.n;
      double estL = a.labelled == 0 ? Double.NaN : a.correctLabelled.value() / a.labelled;
      double sdL = a.labelled == 0 ? Double.NaN : Math.sqrt(a.varianceLabelled.value()) / a.labelled;
      double[] boot = boot(a, refitP, false);
      double[] bootL = boot(a, refitP, true);
      double tot = Math.sqrt(sd * sd + var(boot));
      double totL = Math.sqrt(sdL * sdL + var(bootL));
      return new Cell(column, group, a.n, a.labelled, comp, real, rci, est, clip(est - z * tot, est + z * tot), estL, clip(estL - z * totL, estL + z * totL),
          a.n == 0 ? Double.NaN : (double) a.decidedPositive / a.n, sd, boot);
    }

    /** Per refit, the cell's estimate from its score-bin counts (all rows, or the labelled ones only). */
    static double[] boot(WindowSummary.Acc a, double[][] refitP, boolean labelledOnly) {
      double[] out = new double[refitP.length];
      int bins = WindowSummary.BINS;
      for (int b = 0; b < refitP.length; b++) {
        double sum = 0;
        long cnt = 0;
        for (int lab = labelledOnly ? 1 : 0; lab < 2; lab++) {
          for (int pos = 0; pos < 2; pos++) {
            int off = (lab * 2 + pos) * bins;
            for (int k = 0; k < bins; k++) {
              long c = a.bins[off + k];
              if (c > 0) {
                double p = refitP[b][k];
                sum += c * (pos == 1 ? p : 1 - p);
                cnt += c;
              }
            }
          }
        }
        out[b] = cnt == 0 ? Double.NaN : sum / cnt;
      }
      return out;
    }

    /** The gap's outcome and calibration standard deviation against another (disjoint) cell: calibration errors are shared, so per refit. */
    double gapSd(Cell ref) {
      double[] d = new double[boot.length];
      for (int b = 0; b < boot.length; b++) {
        d[b] = boot[b] - ref.boot[b];
      }
      return Math.sqrt(outcomeSd * outcomeSd + ref.outcomeSd * ref.outcomeSd + var(d));
    }

    Subject subject(String window) {
      return MonitorCheck.subject(window, column, group);
    }

    String name() {
      return column == null ? "all" : column + "=" + group;
    }
  }

  /** The sample variance, 0 for fewer than two finite values. */
  static double var(double[] xs) {
    double m = 0;
    int k = 0;
    for (double x : xs) {
      if (Double.isFinite(x)) {
        m += x;
        k++;
      }
    }
    if (k < 2) {
      return 0;
    }
    m /= k;
    double v = 0;
    for (double x : xs) {
      if (Double.isFinite(x)) {
        v += (x - m) * (x - m);
      }
    }
    return v / (k - 1);
  }

  private static double[] clip(double lo, double hi) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {Math.max(0, lo), Math.min(1, hi)};
  }

  static CheckValue of(MonitorCheck check, CheckContext ctx, ProductionLogs.Joined j, List<MonitorCheck.Window> windows, WindowSummary sum, double ece,
      int referenceRows, Calibrator[] refits) {
    double[][] refitP = new double[refits.length][WindowSummary.BINS];
    for (int b = 0; b < refits.length; b++) {
      for (int k = 0; k < WindowSummary.BINS; k++) {
        refitP[b][k] = refits[b].apply((k + 0.5) / WindowSummary.BINS);
      }
    }
    MonitorConfig c = check.config();
    double conf = c.confidence();
    double z = Intervals.z(conf);
    WindowSummary.Layout layout = sum.layout();
    Map<Integer, WindowSummary.Acc[]> accs = sum.windows();

    // the reference group of each slice column: given, else the largest overall
    List<String> refs = new ArrayList<>();
    for (int a = 0; a < layout.columns().size(); a++) {
      String col = layout.columns().get(a);
      List<String> gs = layout.groups().get(a);
      String r = c.reference().get(col);
      if (r == null) {
        long best = -1;
        for (int g = 0; g < gs.size(); g++) {
          long tot = 0;
          for (WindowSummary.Acc[] cells : accs.values()) {
            tot += cells[layout.offset(a) + g].n;
          }
          if (tot > best) {
            best = tot;
            r = gs.get(g);
          }
        }
      }
      refs.add(r);
    }

    // per window: every cell's figures
    List<Cell[]> cells = new ArrayList<>();
    for (MonitorCheck.Window w : windows) {
      WindowSummary.Acc[] a = accs.get(w.index());
      Cell[] row = new Cell[layout.cells()];
      row[0] = Cell.of(null, null, a[0], z, conf, refitP);
      for (int s = 0; s < layout.columns().size(); s++) {
        for (int g = 0; g < layout.groups().get(s).size(); g++) {
          row[layout.offset(s) + g] = Cell.of(layout.columns().get(s), layout.groups().get(s).get(g), a[layout.offset(s) + g], z, conf, refitP);
        }
      }
      cells.add(row);
    }

    // estimator health on the mature windows
    int mature = 0;
    int misses = 0;
    List<String> missed = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      Cell all = cells.get(i)[0];
      if (!windows.get(i).mature() || all.labelled() < c.minLabelled()) {
        continue;
      }
      mature++;
      if (all.realized() < all.estimatedLabelledCi()[0] || all.realized() > all.estimatedLabelledCi()[1]) {
        misses++;
        missed.add(windows.get(i).label());
      }
    }
    double pMisses = mature == 0 ? 1 : misses == 0 ? 1 : 1 - new BinomialDistribution(null, mature, 1 - conf).cumulativeProbability(misses - 1);
    List<String> distrust = new ArrayList<>();
    if (ece > c.maxCalibrationError()) {
      distrust.add("the calibrated scores are off on the reference data (out-of-fold calibration error " + MonitorCheck.f3(ece) + " > maxCalibrationError "
          + MonitorCheck.fmt(c.maxCalibrationError()) + ")");
    }
    if (mature < c.minMatureWindows()) {
      distrust.add("only " + mature + " mature window" + (mature == 1 ? "" : "s") + " with at least " + c.minLabelled() + " labels, fewer than minMatureWindows "
          + c.minMatureWindows() + ", so the estimator is not yet checked against realized accuracy");
    }
    if (pMisses < c.healthAlpha()) {
      distrust.add("the realized accuracy fell outside the estimate's " + levelText(conf) + " interval on " + misses + " of " + mature + " mature windows ("
          + String.join(", ", missed) + "; one-sided binomial p = " + String.format(java.util.Locale.ROOT, "%.2g", pMisses) + " < healthAlpha "
          + MonitorCheck.fmt(c.healthAlpha()) + "): the estimates are off for this model and data (the relation of score to outcome has changed since the reference,"
          + " a concept shift, or the reference cannot pin the calibration down)");
    }
    boolean trusted = distrust.isEmpty();
    String untrusted = trusted ? null : "the estimator is untrusted: " + String.join("; ", distrust);

    List<Measurement> ms = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      MonitorCheck.Window w = windows.get(i);
      Cell[] row = cells.get(i);
      for (Cell cell : row) {
        measure(ms, cell, w, c, conf, untrusted);
      }
      for (int s = 0; s < layout.columns().size(); s++) {
        int rg = layout.groups().get(s).indexOf(refs.get(s));
        Cell ref = row[layout.offset(s) + rg];
        for (int g = 0; g < layout.groups().get(s).size(); g++) {
          if (g == rg) {
            continue;
          }
          gaps(ms, row[layout.offset(s) + g], ref, w, c, z, conf, untrusted);
        }
      }
    }
    ms.add(mature == 0 ? Measurement.inconclusive("estimator_miss_rate", Subject.all(), Double.NaN, 0, "no window is mature yet (labels due "
        + MonitorCheck.fmt(c.dueSeconds() / 86_400.0) + " days after a window ends)") : Measurement.of("estimator_miss_rate", Subject.all(),
        (double) misses / mature, mature));
    ms.add(Measurement.of("reference_calibration_error", Subject.all(), ece, referenceRows));

    // retraining cadence
    Retrain retrain = null;
    String retrainWhy = null;
    List<double[]> pts = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      MonitorCheck.Window w = windows.get(i);
      Cell all = cells.get(i)[0];
      double mid = (w.start() + w.end()) / 2.0 / 86_400.0;
      boolean realizedUsable = all.labelled() >= c.minLabelled() && (w.mature() || all.completeness() >= c.minCompleteness());
      if (realizedUsable) {
        pts.add(new double[] {mid, all.realized()});
        kinds.add("realized");
      } else if (trusted && all.n() >= c.minSliceRows()) {
        pts.add(new double[] {mid, all.estimated()});
        kinds.add("estimated");
      }
    }
    double asOfDays = j.asOf() / 86_400.0;
    if (Double.isNaN(c.floor())) {
      retrainWhy = "the check has no floor parameter to extrapolate to";
    } else if (pts.size() < 3) {
      retrainWhy = "only " + pts.size() + " window" + (pts.size() == 1 ? "" : "s") + " with a usable accuracy (realized where judged"
          + (trusted ? ", estimated on the others" : "; the estimator is untrusted, so no estimated ones") + "); a trend needs 3";
    } else {
      double[] x = new double[pts.size()];
      double[] y = new double[pts.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = pts.get(i)[0];
        y[i] = pts.get(i)[1];
      }
      retrain = Retrain.fit(x, y, asOfDays, c.floor(), c.horizonDays(), conf, ctx.seed() ^ 0x5DEECE66DL);
    }
    if (retrain != null) {
      ms.add(Measurement.of("days_until_floor", Subject.all(), retrain.days(),
          Interval.of(retrain.lower(), retrain.upper(), conf, Interval.Method.BOOTSTRAP), pts.size()));
    } else {
      ms.add(Measurement.inconclusive("days_until_floor", Subject.all(), Double.NaN, pts.size(), retrainWhy));
    }

    List<Evidence> ev = new ArrayList<>();
    ev.add(windowTable(windows, cells, conf));
    if (!layout.columns().isEmpty()) {
      ev.add(groupTable(windows, cells, layout, refs, conf));
    }
    ev.addAll(Charts.trends(windows, cells, layout, c, conf, trusted));
    String retrainText = retrain == null ? "No retraining estimate: " + retrainWhy + "."
        : retrainSentence(retrain, c, conf, pts.size(), kinds);
    ev.add(MonitorCheck.note("Retraining cadence", retrainText));
    ev.add(MonitorCheck.note("Method", method(c, j, ece, trusted, untrusted, mature, misses, referenceRows)));

    Cell last = cells.get(cells.size() - 1)[0];
    long labelled = j.labelled();
    String summary = windows.size() + " " + (c.window() == dev.gauntlet.drift.window.WindowUnit.ROWS ? "windows of " + c.windowRows() + " rows" : c.windowText() + " windows")
        + " of " + j.size() + " predictions up to " + MonitorCheck.day(j.asOf()) + ", " + MonitorCheck.pct((double) labelled / j.size()) + " labelled; "
        + mature + " mature. Latest window " + windows.get(windows.size() - 1).label() + ": estimated accuracy " + MonitorCheck.f3(last.estimated())
        + (trusted ? "" : " (untrusted)") + ", realized " + MonitorCheck.f3(last.realized()) + " on " + MonitorCheck.pct(last.completeness()) + " labelled. "
        + (trusted ? "Estimator trusted on " + mature + " mature window" + (mature == 1 ? "" : "s") + " (" + misses + " outside the interval)."
            : "Estimated figures are INCONCLUSIVE: " + String.join("; ", distrust) + ".")
        + (retrain == null ? "" : " " + retrainSentence(retrain, c, conf, pts.size(), kinds));
    return new CheckValue(ms, ev, summary);
  }

  private static void measure(List<Measurement> ms, Cell cell, MonitorCheck.Window w, MonitorConfig c, double conf, String untrusted) {
    Subject s = cell.subject(w.label());
    if (cell.n() == 0) {
      String why = "no prediction of " + cell.name() + " in window " + w.label();
      ms.add(Measurement.inconclusive("label_completeness", s, Double.NaN, 0, why));
      ms.add(Measurement.inconclusive("realized_accuracy", s, Double.NaN, 0, why));
      ms.add(Measurement.inconclusive("estimated_accuracy", s, Double.NaN, 0, why));
      return;
    }
    ms.add(Measurement.of("label_completeness", s, cell.completeness(), cell.n()));
    boolean small = cell.column() != null && cell.n() < c.minSliceRows();
    String smallWhy = "only " + cell.n() + " predictions of " + cell.name() + " in window " + w.label() + " (minSliceRows " + c.minSliceRows() + ")";
    if (small) {
      ms.add(Measurement.inconclusive("realized_accuracy", s, cell.realized(), cell.labelled(), smallWhy));
    } else if (cell.labelled() < c.minLabelled()) {
      ms.add(Measurement.inconclusive("realized_accuracy", s, cell.realized(), cell.labelled(), "only " + cell.labelled() + " of " + cell.n()
          + " predictions labelled so far (minLabelled " + c.minLabelled() + ")"));
    } else if (!w.mature() && cell.completeness() < c.minCompleteness()) {
      ms.add(Measurement.inconclusive("realized_accuracy", s, cell.realized(), cell.labelled(), "the window is not mature (labels due by "
          + MonitorCheck.day(w.dueBy()) + ") and only " + MonitorCheck.pct(cell.completeness()) + " of its labels are in (minCompleteness "
          + MonitorCheck.pct(c.minCompleteness()) + "): late labels may differ from early ones"));
    } else {
      ms.add(Measurement.of("realized_accuracy", s, cell.realized(), Interval.of(cell.realizedCi()[0], cell.realizedCi()[1], conf, Interval.Method.WILSON),
          cell.labelled()));
    }
    if (small) {
      ms.add(Measurement.inconclusive("estimated_accuracy", s, cell.estimated(), cell.n(), smallWhy));
    } else if (untrusted != null) {
      ms.add(Measurement.inconclusive("estimated_accuracy", s, cell.estimated(), cell.n(), untrusted));
    } else {
      ms.add(Measurement.of("estimated_accuracy", s, cell.estimated(),
          Interval.of(cell.estimatedCi()[0], cell.estimatedCi()[1], conf, Interval.Method.POISSON_BINOMIAL), cell.n()));
    }
  }

  private static void gaps(List<Measurement> ms, Cell g, Cell ref, MonitorCheck.Window w, MonitorConfig c, double z, double conf, String untrusted) {
    Subject s = g.subject(w.label());
    String small = g.n() < c.minSliceRows() || ref.n() < c.minSliceRows()
        ? "fewer than minSliceRows " + c.minSliceRows() + " predictions of " + (g.n() < c.minSliceRows() ? g.name() : ref.name()) + " in window " + w.label() : null;
    double sel = g.selection() - ref.selection();
    ms.add(small != null ? Measurement.inconclusive("selection_rate_gap", s, Double.isFinite(sel) ? sel : Double.NaN, g.n(), small)
        : Measurement.of("selection_rate_gap", s, sel, g.n()));
    double est = g.estimated() - ref.estimated();
    if (small != null || untrusted != null) {
      ms.add(Measurement.inconclusive("estimated_accuracy_gap", s, Double.isFinite(est) ? est : Double.NaN, g.n(), small != null ? small : untrusted));
    } else {
      double sd = g.gapSd(ref);
      ms.add(Measurement.of("estimated_accuracy_gap", s, est, Interval.of(est - z * sd, est + z * sd, conf, Interval.Method.POISSON_BINOMIAL), g.n()));
    }
    double real = g.realized() - ref.realized();
    String realWhy = small != null ? small
        : g.labelled() < c.minLabelled() || ref.labelled() < c.minLabelled() ? "fewer than minLabelled " + c.minLabelled() + " labels of "
            + (g.labelled() < c.minLabelled() ? g.name() : ref.name()) + " in window " + w.label()
        : !w.mature() && Math.min(g.completeness(), ref.completeness()) < c.minCompleteness() ? "the window is not mature and the labels of "
            + (g.completeness() < ref.completeness() ? g.name() : ref.name()) + " are " + MonitorCheck.pct(Math.min(g.completeness(), ref.completeness())) + " complete"
        : null;
    ms.add(realWhy != null ? Measurement.inconclusive("realized_accuracy_gap", s, Double.isFinite(real) ? real : Double.NaN, g.labelled(), realWhy)
        : Measurement.of("realized_accuracy_gap", s, real, g.labelled()));
  }

  static String levelText(double conf) {
    return Interval.of(0, 1, conf, Interval.Method.NORMAL).levelText();
  }

  private static String retrainSentence(Retrain r, MonitorConfig c, double conf, int points, List<String> kinds) {
    long realized = kinds.stream().filter("realized"::equals).count();
    String basis = " (trend of " + points + " windows: " + realized + " realized, " + (points - realized) + " estimated; slope "
        + String.format(java.util.Locale.ROOT, "%+.3f", r.slopePer30Days()) + " per 30 days; " + levelText(conf) + " interval "
        + String.format(java.util.Locale.ROOT, "%.0f to %.0f", r.lower(), r.upper()) + " days, parametric bootstrap)";
    if (r.days() == 0) {
      return "The accuracy trend is already below the floor " + MonitorCheck.fmt(c.floor()) + ": retrain now" + basis + ".";
    }
    if (!r.crosses()) {
      return "The accuracy trend does not reach the floor " + MonitorCheck.fmt(c.floor()) + " within " + c.horizonDays() + " days" + basis + ".";
    }
    return String.format(java.util.Locale.ROOT, "Retrain within about %.0f days: the accuracy trend reaches the floor %s then", r.days(), MonitorCheck.fmt(c.floor()))
        + basis + ".";
  }

  private static String method(MonitorConfig c, ProductionLogs.Joined j, double ece, boolean trusted, String untrusted, int mature, int misses, int refRows) {
    StringBuilder b = new StringBuilder();
    b.append("Prediction log ").append(j.sources().get(0).path()).append(" (SHA-256 ").append(j.sources().get(0).sha256(), 0, 12).append("), ")
        .append(j.size()).append(" predictions up to asOf ").append(java.time.Instant.ofEpochSecond(j.asOf()));
    if (j.predictionsAfterAsOf() > 0) {
      b.append(" (").append(j.predictionsAfterAsOf()).append(" later ones ignored)");
    }
    b.append("; label log ").append(j.sources().get(1).path()).append(" (SHA-256 ").append(j.sources().get(1).sha256(), 0, 12).append("), ")
        .append(j.labelRows()).append(" labels, ").append(j.labelled()).append(" joined").append(j.labelsAfterAsOf() > 0 ? ", " + j.labelsAfterAsOf()
            + " arriving after asOf ignored" : "").append(". ");
    if (!j.versions().isEmpty()) {
      b.append("Model versions: ").append(j.versions()).append(". ");
    }
    b.append("A window is mature when ").append(MonitorCheck.fmt(c.dueSeconds() / 86_400.0)).append(" days (labelsDueWithin) have passed since its end. ");
    b.append("Estimates: CBPE. The served scores are ").append(c.calibration() == MonitorConfig.Calibration.ISOTONIC
        ? "calibrated by isotonic regression (pool adjacent violators, linear between fitted points, clipped) fitted on the " + refRows + " reference rows (the suite's data)"
        : "taken as calibrated probabilities (calibration: none)")
        .append("; each prediction's chance of being right is its calibrated probability of the decided class, the expected accuracy their mean, and the interval ")
        .append("the normal approximation of the Poisson-binomial variance sum p(1-p)/n² (the spread of the accuracy the labels will show if the calibration holds)")
        .append(c.calibration() == MonitorConfig.Calibration.ISOTONIC ? " plus the variance of the estimate over " + MonitorCheck.CALIBRATION_REFITS
            + " isotonic refits on bootstrap resamples of the reference (the calibration's own uncertainty; scores in " + WindowSummary.BINS + " bins for it). " : ". ");
    b.append("Out-of-fold calibration error on the reference: ").append(MonitorCheck.f3(ece)).append(". ");
    b.append("Health: ").append(misses).append(" of ").append(mature).append(" mature windows outside the interval for the same labelled rows; ")
        .append(trusted ? "estimator trusted." : untrusted + ".");
    return b.toString();
  }

  private static Evidence.Table windowTable(List<MonitorCheck.Window> windows, List<Cell[]> cells, double conf) {
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      MonitorCheck.Window w = windows.get(i);
      Cell a = cells.get(i)[0];
      boolean in = a.labelled() > 0 && a.realized() >= a.estimatedLabelledCi()[0] && a.realized() <= a.estimatedLabelledCi()[1];
      rows.add(List.of(w.label(), w.mature() ? "mature" : "labels due by " + MonitorCheck.day(w.dueBy()), Long.toString(a.n()), Long.toString(a.labelled()),
          MonitorCheck.pct(a.completeness()), ci(a.realized(), a.realizedCi(), a.labelled() > 0), ci(a.estimated(), a.estimatedCi(), true),
          ci(a.estimatedLabelled(), a.estimatedLabelledCi(), a.labelled() > 0), a.labelled() == 0 ? "" : in ? "yes" : "no"));
    }
    String lv = levelText(conf);
    return new Evidence.Table("Realized and estimated accuracy per window", List.of("window", "maturity", "predictions", "labelled", "completeness",
        "realized accuracy (" + lv + " Wilson)", "estimated accuracy (" + lv + " Poisson-binomial)", "estimate on the labelled rows", "realized within it"), rows);
  }

  private static Evidence.Table groupTable(List<MonitorCheck.Window> windows, List<Cell[]> cells, WindowSummary.Layout layout, List<String> refs, double conf) {
    List<List<String>> rows = new ArrayList<>();
    int max = 400;
    int omitted = 0;
    for (int i = 0; i < windows.size(); i++) {
      Cell[] row = cells.get(i);
      for (int s = 0; s < layout.columns().size(); s++) {
        Cell ref = row[layout.offset(s) + layout.groups().get(s).indexOf(refs.get(s))];
        for (int g = 0; g < layout.groups().get(s).size(); g++) {
          Cell x = row[layout.offset(s) + g];
          if (rows.size() >= max) {
            omitted++;
            continue;
          }
          boolean isRef = x == ref;
          rows.add(List.of(windows.get(i).label(), x.name() + (isRef ? " (reference)" : ""), Long.toString(x.n()), MonitorCheck.pct(x.completeness()),
              ci(x.realized(), x.realizedCi(), x.labelled() > 0), ci(x.estimated(), x.estimatedCi(), x.n() > 0),
              isRef ? "" : signed(x.estimated() - ref.estimated()), isRef ? "" : signed(x.selection() - ref.selection())));
        }
      }
    }
    return new Evidence.Table("Per group: completeness beside every figure (" + levelText(conf) + " intervals)", List.of("window", "group", "predictions",
        "completeness", "realized accuracy", "estimated accuracy", "estimated accuracy gap", "selection rate gap"), rows, omitted, List.of());
  }

  private static String signed(double v) {
    return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%+.3f", v) : "n/a";
  }

  private static String ci(double v, double[] ci, boolean has) {
    if (!has || !Double.isFinite(v)) {
      return "n/a";
    }
    return String.format(java.util.Locale.ROOT, "%.3f [%.3f, %.3f]", v, ci[0], ci[1]);
  }
}

package dev.gauntlet.monitor;

import dev.gauntlet.drift.ColumnDrift;
import dev.gauntlet.drift.stats.DoubleSorter;
import dev.gauntlet.drift.stats.MultipleTesting;
import dev.gauntlet.drift.stats.SortedSample;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.metric.Subject;
import java.util.ArrayList;
import java.util.List;

/**
 * Feature and prediction drift of every monitor window against the reference (the suite's data),
 * with exactly the statistics of {@code drift.features} ({@link ColumnDrift}: KS, Wasserstein and
 * PSI for numeric columns, chi-square, Jensen-Shannon and PSI for categorical ones, the Evidently
 * default test per column), on the same windows as the performance figures. The model's outputs
 * are watched too: {@code feature=score} (the served score against the model's score on the
 * reference) and {@code feature=prediction} (the decisions at the same threshold). p-values are
 * adjusted across the columns of a window (Benjamini-Hochberg) and compared with {@link #ALPHA}.
 */
final class ProductionDrift {
  private ProductionDrift() {}

  /** The significance level of the adjusted p-values (as {@code drift.features}' default). */
  static final double ALPHA = 0.05;

  /** One watched column: a feature of the schema, or the model's score or decision. */
  record Watched(String name, boolean numeric, List<String> levels, boolean feature) {}

  /** The watched columns: the configured features (default: every numeric or categorical feature), then score and prediction. */
  static List<Watched> columns(MonitorConfig c, Schema schema, List<String> classes) {
    List<Watched> out = new ArrayList<>();
    List<String> names = c.driftFeatures() != null ? c.driftFeatures()
        : schema.features().stream().filter(ProductionDrift::watchable).map(ColumnSpec::name).toList();
    for (String f : names) {
      ColumnSpec s = schema.column(f);
      out.add(new Watched(f, !s.hasCategories(), s.categories(), true));
    }
    out.add(new Watched("score", true, List.of(), false));
    out.add(new Watched("prediction", false, classes, false));
    return out;
  }

  static boolean watchable(ColumnSpec s) {
    return s.type() == ColumnType.NUMERIC || s.hasCategories();
  }

  /** What the drift per window found: measurements and the PSI heatmap. */
  record Result(List<Measurement> measurements, Evidence.Heatmap heatmap, String summary) {}

  /**
   * @param ref the reference table, {@code refScore} the model's score on it
   * @param log the prediction log, {@code served} its scores, {@code widx} each row's window
   * @param threshold the decision threshold (decided positive at or above)
   * @param pos the positive class's index
   * @param minRows fewer rows in a window (or the reference) make its drift INCONCLUSIVE
   */
  static Result of(List<Watched> cols, Table ref, double[] refScore, Table log, double[] served, int[] widx, List<MonitorCheck.Window> windows,
      double threshold, int pos, int bins, int minRows) {
    int nw = windows.isEmpty() ? 0 : windows.get(windows.size() - 1).index() + 1;
    // the rows of each window
    int[] counts = new int[nw];
    for (int w : widx) {
      counts[w]++;
    }
    int[][] rows = new int[nw][];
    for (int w = 0; w < nw; w++) {
      rows[w] = new int[counts[w]];
    }
    int[] fill = new int[nw];
    for (int i = 0; i < widx.length; i++) {
      rows[widx[i]][fill[widx[i]]++] = i;
    }
    DoubleSorter sorter = new DoubleSorter();
    int refRows = ref.rowCount();
    SortedSample[] refSorted = new SortedSample[cols.size()];
    List<Measurement> ms = new ArrayList<>();
    List<List<Double>> heat = new ArrayList<>();
    for (int c = 0; c < cols.size(); c++) {
      heat.add(new ArrayList<>());
    }
    List<String> labels = new ArrayList<>();
    String worst = null;
    double worstPsi = Double.NEGATIVE_INFINITY;
    for (MonitorCheck.Window win : windows) {
      labels.add(win.label());
      int[] r = rows[win.index()];
      List<ColumnDrift> results = new ArrayList<>();
      String why = null;
      if (r.length < minRows || refRows < minRows) {
        why = "window " + win.label() + " has " + r.length + " predictions and the reference " + refRows + " rows; drift needs minSliceRows " + minRows + " on both";
      }
      for (int c = 0; c < cols.size() && why == null; c++) {
        Watched col = cols.get(c);
        if (col.numeric()) {
          double[] cur = finite(col.feature() ? log.numeric(col.name()) : served, r);
          if (refSorted[c] == null) {
            double[] rv = finite(col.feature() ? ref.numeric(col.name()) : refScore, null);
            refSorted[c] = rv.length == 0 ? null : SortedSample.ofOwned(rv, col.name() + " in the reference", sorter);
          }
          if (cur.length == 0 || refSorted[c] == null) {
            why = col.name() + " has no values in " + (cur.length == 0 ? "window " + win.label() : "the reference");
            break;
          }
          results.add(ColumnDrift.numeric(col.name(), refSorted[c], SortedSample.ofOwned(cur, col.name() + " in " + win.label(), sorter), bins));
        } else {
          long[] rc = col.feature() ? counts(ref.categorical(col.name()).codes(), null, col.levels().size()) : decisions(refScore, null, threshold, pos);
          long[] cc = col.feature() ? counts(log.categorical(col.name()).codes(), r, col.levels().size()) : decisions(served, r, threshold, pos);
          results.add(ColumnDrift.categorical(col.name(), false, col.levels(), rc, cc, refRows));
        }
      }
      if (why != null) {
        for (int c = 0; c < cols.size(); c++) {
          ms.add(Measurement.inconclusive("psi", subject(cols.get(c), win), Double.NaN, r.length, why));
          heat.get(c).add(Double.NaN);
        }
        ms.add(Measurement.inconclusive("drifted_share", Subject.window(win.label()), Double.NaN, r.length, why));
        continue;
      }
      double[] q = MultipleTesting.BH.adjust(results.stream().mapToDouble(ColumnDrift::pValue).toArray());
      int drifted = 0;
      int features = 0;
      for (int c = 0; c < cols.size(); c++) {
        ColumnDrift d = results.get(c);
        Subject s = subject(cols.get(c), win);
        long n = r.length;
        ms.add(Measurement.of("psi", s, d.psi(), n));
        ms.add(Measurement.of("drift_score", s, d.score(), n));
        if (!Double.isNaN(d.ks())) {
          ms.add(Measurement.of("ks_d", s, d.ks(), n));
          ms.add(Measurement.of("ks_p", s, d.pValue(), n));
          ms.add(Measurement.of("wasserstein", s, d.wasserstein(), n));
        }
        if (!Double.isNaN(d.chi2())) {
          ms.add(Measurement.of("chi2", s, d.chi2(), n));
          ms.add(Measurement.of("chi2_p", s, d.pValue(), n));
          ms.add(Measurement.of("js", s, d.jensenShannon(), n));
        }
        heat.get(c).add(d.psi());
        if (cols.get(c).feature()) {
          features++;
          boolean flag = d.test().isPValue() ? q[c] < ALPHA : d.score() >= d.test().defaultThreshold();
          drifted += flag ? 1 : 0;
          if (d.psi() > worstPsi) {
            worstPsi = d.psi();
            worst = cols.get(c).name() + " in " + win.label();
          }
        }
      }
      ms.add(Measurement.of("drifted_share", Subject.window(win.label()), features == 0 ? 0 : (double) drifted / features, r.length));
    }
    Evidence.Heatmap hm = new Evidence.Heatmap("PSI per feature and window (vs the reference)", "feature", "window",
        cols.stream().map(Watched::name).toList(), labels, heat, "PSI",
        "Population stability index of each watched feature and of the model's outputs (score, prediction) in each production window against the"
            + " suite's data; 0.1 is a moderate and 0.25 a large shift.");
    String summary = worst == null ? "" : " Largest feature PSI: " + worst + " " + MonitorCheck.fmt(worstPsi) + ".";
    return new Result(ms, hm, summary);
  }

  static Subject subject(Watched col, MonitorCheck.Window w) {
    return Subject.feature(col.name()).with(Subject.Dim.WINDOW, w.label());
  }

  /** The finite values of {@code all} at {@code rows} (every row when null). */
  private static double[] finite(double[] all, int[] rows) {
    int n = rows == null ? all.length : rows.length;
    double[] out = new double[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      double v = all[rows == null ? i : rows[i]];
      if (Double.isFinite(v)) {
        out[k++] = v;
      }
    }
    return k == n ? out : java.util.Arrays.copyOf(out, k);
  }

  private static long[] counts(int[] codes, int[] rows, int levels) {
    long[] c = new long[levels];
    int n = rows == null ? codes.length : rows.length;
    for (int i = 0; i < n; i++) {
      int code = codes[rows == null ? i : rows[i]];
      if (code >= 0) {
        c[code]++;
      }
    }
    return c;
  }

  /** Decided classes (by class index) of scores at {@code rows}. */
  private static long[] decisions(double[] score, int[] rows, double threshold, int pos) {
    long[] c = new long[2];
    int n = rows == null ? score.length : rows.length;
    for (int i = 0; i < n; i++) {
      double s = score[rows == null ? i : rows[i]];
      c[s >= threshold ? pos : 1 - pos]++;
    }
    return c;
  }
}

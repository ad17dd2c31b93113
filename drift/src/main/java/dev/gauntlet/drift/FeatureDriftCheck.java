package dev.gauntlet.drift;

import static dev.gauntlet.harness.check.MetricCondition.fmt;

import dev.gauntlet.drift.stats.DoubleSorter;
import dev.gauntlet.drift.stats.MultipleTesting;
import dev.gauntlet.drift.stats.SortedSample;
import dev.gauntlet.drift.window.Segment;
import dev.gauntlet.drift.window.WindowPlan;
import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Predictions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Per-feature drift, reference (or previous window) against each window: KS, Wasserstein, PSI for
 * numeric columns; chi-square, Jensen-Shannon, PSI for categorical ones; the same for the model's
 * score and decisions (prediction drift). Each column gets the Evidently default test (by type and
 * reference size); every p-value is shown with its effect size and adjusted across the columns of a
 * window ({@code correction}); a column drifts when its default test says so: an adjusted p-value
 * below {@code alpha}, or a distance at or above its threshold.
 *
 * <p>Metrics: {@code psi} and {@code drift_score} per {@code feature @ window}; {@code max_psi} per
 * feature (over windows); {@code drifted_share} per window and {@code last_window_drifted_share};
 * {@code score_psi} and {@code prediction_psi} per window, {@code max_score_psi}. Conditions should
 * use the effect sizes (PSI, distances): on large windows every p-value is tiny.
 *
 * @param features the columns to watch (empty = every feature)
 * @param bins PSI bins for numeric columns (reference quantiles, see {@code PsiBins})
 * @param alpha the significance level of p-value tests after correction
 * @param correction the multiple-testing adjustment across the columns of a window
 * @param threshold a distance threshold overriding the default tests' 0.1, or NaN
 * @param top how many of the most drifted features get their distributions shown
 */
public record FeatureDriftCheck(WindowSpec spec, List<String> features, int bins, double alpha, MultipleTesting correction, double threshold,
    int top, boolean predictions) implements Check<CheckValue> {

  static final String SCORE = "model score";
  static final String DECISION = "model decision";

  public FeatureDriftCheck {
    Objects.requireNonNull(spec, "spec");
    features = List.copyOf(features);
    if (bins < 2 || bins > 100) {
      throw new IllegalArgumentException("bins must be in [2, 100], got " + bins);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
    Objects.requireNonNull(correction, "correction");
    if (!Double.isNaN(threshold) && !(threshold > 0)) {
      throw new IllegalArgumentException("threshold must be positive, got " + threshold);
    }
    if (top < 0) {
      throw new IllegalArgumentException("top must be at least 0, got " + top);
    }
  }

  @Override
  public String title() {
    return "Feature and prediction drift per " + spec.unit().name().toLowerCase();
  }

  @Override
  public Trial trial() {
    return Trial.DRIFT;
  }

  @Override
  public String description() {
    return "Compares each feature's distribution (and the model's scores and decisions) in every window with the reference period: "
        + "KS, Wasserstein, chi-square, Jensen-Shannon and PSI, with effect sizes and multiple-testing control.";
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  /** One watched column: how to read it from a table. */
  private record Watched(String name, boolean numeric, List<String> levels) {}

  @Override
  public CheckValue run(CheckContext ctx) {
    WindowPlan plan = WindowPlan.of(ctx.data(), ctx.reference(), spec);
    List<Watched> cols = new ArrayList<>();
    for (String f : features.isEmpty() ? ctx.schema().features().stream().map(ColumnSpec::name).toList() : features) {
      ColumnSpec c = ctx.schema().column(f);
      cols.add(new Watched(f, !c.hasCategories(), c.categories()));
    }
    int nFeatures = cols.size();
    if (predictions) {
      Predictions p = ctx.predictions(plan.last().table());
      if (p.scores() != null) {
        cols.add(new Watched(SCORE, true, List.of()));
      }
      cols.add(new Watched(DECISION, false, ctx.label().categories()));
    }
    Map<Segment, Map<String, SortedSample>> sortedCache = new IdentityHashMap<>();
    DoubleSorter sorter = new DoubleSorter();
    List<Measurement> ms = new ArrayList<>();
    List<List<Double>> heat = new ArrayList<>();
    for (int c = 0; c < cols.size(); c++) {
      heat.add(new ArrayList<>());
    }
    double[] maxPsi = new double[cols.size()];
    String[] maxAt = new String[cols.size()];
    java.util.Arrays.fill(maxPsi, Double.NaN);
    List<ColumnDrift> lastResults = null;
    double[] lastQ = null;
    boolean[] lastDrifted = null;
    List<String> windowLabels = new ArrayList<>();
    for (int wi = 0; wi < plan.windows().size(); wi++) {
      Segment w = plan.windows().get(wi);
      Segment base = plan.baselines().get(wi);
      windowLabels.add(w.label());
      ctx.progress("drift statistics: " + w.label());
      if (w.size() < spec.minRows() || base.size() < spec.minRows()) {
        String why = "window " + w.label() + " has " + w.size() + " rows and its baseline " + base.size() + "; both need minRows " + spec.minRows();
        for (int c = 0; c < cols.size(); c++) {
          Watched col = cols.get(c);
          ms.add(Measurement.inconclusive(psiMetric(col, c, nFeatures), subject(col, c, nFeatures, w), Double.NaN, w.size(), why));
          heat.get(c).add(Double.NaN);
        }
        if (wi == plan.windows().size() - 1) {
          ms.add(Measurement.inconclusive("last_window_drifted_share", "", Double.NaN, w.size(), why));
        }
        ms.add(Measurement.inconclusive("drifted_share", w.label(), Double.NaN, w.size(), why));
        continue;
      }
      List<ColumnDrift> results = new ArrayList<>();
      for (Watched col : cols) {
        results.add(drift(ctx, col, base, w, sortedCache, sorter));
      }
      double[] p = results.stream().mapToDouble(ColumnDrift::pValue).toArray();
      double[] q = correction.adjust(p);
      boolean[] drifted = new boolean[results.size()];
      int driftedFeatures = 0;
      for (int c = 0; c < results.size(); c++) {
        ColumnDrift r = results.get(c);
        Watched col = cols.get(c);
        drifted[c] = r.test().isPValue() ? q[c] < alpha : r.score() >= (Double.isNaN(threshold) ? r.test().defaultThreshold() : threshold);
        if (drifted[c] && c < nFeatures) {
          driftedFeatures++;
        }
        String subj = subject(col, c, nFeatures, w);
        ms.add(Measurement.of(psiMetric(col, c, nFeatures), subj, r.psi(), w.size()));
        ms.add(Measurement.of(c < nFeatures ? "drift_score" : col.name().equals(SCORE) ? "score_drift" : "prediction_drift", subj, r.score(), w.size()));
        heat.get(c).add(r.psi());
        if (Double.isNaN(maxPsi[c]) || r.psi() > maxPsi[c]) {
          maxPsi[c] = r.psi();
          maxAt[c] = w.label();
        }
      }
      double share = nFeatures == 0 ? 0 : (double) driftedFeatures / nFeatures;
      ms.add(Measurement.of("drifted_share", w.label(), share, w.size()));
      if (wi == plan.windows().size() - 1) {
        ms.add(Measurement.of("last_window_drifted_share", "", share, w.size()));
        lastResults = results;
        lastQ = q;
        lastDrifted = drifted;
      }
    }
    for (int c = 0; c < cols.size(); c++) {
      Watched col = cols.get(c);
      String metric = c < nFeatures ? "max_psi" : col.name().equals(SCORE) ? "max_score_psi" : "max_prediction_psi";
      String subj = c < nFeatures ? col.name() : "";
      if (Double.isNaN(maxPsi[c])) {
        ms.add(Measurement.inconclusive(metric, subj, Double.NaN, 0, "no window has minRows " + spec.minRows() + " rows"));
      } else {
        ms.add(Measurement.of(metric, subj, maxPsi[c], -1));
      }
    }
    List<Evidence> ev = new ArrayList<>();
    List<String> rowLabels = cols.stream().map(Watched::name).toList();
    ev.add(new Evidence.Heatmap("PSI per feature and window (vs " + (spec.origin() == WindowSpec.Origin.FIXED ? "the reference period" : "the previous window") + ")",
        "feature", "window", rowLabels, windowLabels, heat, "PSI",
        "Population stability index of each feature and of the model's outputs in each window; 0.1 is a moderate and 0.25 a large shift."));
    String summary;
    if (lastResults != null) {
      ev.add(lastWindowTable(plan.last(), cols, lastResults, lastQ, lastDrifted));
      ev.addAll(topDistributions(plan.last(), cols, nFeatures, lastResults));
      int worst = -1;
      for (int c = 0; c < nFeatures; c++) {
        if (!Double.isNaN(maxPsi[c]) && (worst < 0 || maxPsi[c] > maxPsi[worst])) {
          worst = c;
        }
      }
      int d = 0;
      for (int c = 0; c < nFeatures; c++) {
        d += lastDrifted[c] ? 1 : 0;
      }
      summary = "In the last window (" + plan.last().label() + ") " + d + " of " + nFeatures + " features drifted by their default tests"
          + (worst >= 0 ? "; the largest PSI over all windows is " + cols.get(worst).name() + " " + fmt(maxPsi[worst]) + " (" + maxAt[worst] + ")" : "")
          + ".";
    } else {
      summary = "The last window has too few rows to measure drift.";
    }
    ev.add(new Evidence.Note("Methods", plan.description() + " Numeric PSI uses " + bins + " reference-quantile bins (edges at reference[floor(j n / "
        + bins + ")], bins (e_j-1, e_j], open at both ends); categorical PSI one bin per category; proportions below 1e-4 are raised to 1e-4. "
        + "KS p-values are exact below 10,000 = n*m pairs, else asymptotic; chi-square is the 2 x k homogeneity test without continuity correction. "
        + "Default test per column as Evidently chooses it: reference <= 1000 rows -> KS (numeric, > 5 values), chi-square (> 2 categories) or "
        + "z-test (2); larger -> Wasserstein normed by the reference SD (numeric) or Jensen-Shannon distance (natural log), drift at >= "
        + (Double.isNaN(threshold) ? "0.1" : fmt(threshold)) + ". p-values are adjusted across the columns of each window by " + correction
        + " and compared with alpha " + fmt(alpha) + "."));
    return new CheckValue(ms, ev, summary);
  }

  private static String psiMetric(Watched col, int c, int nFeatures) {
    return c < nFeatures ? "psi" : col.name().equals(SCORE) ? "score_psi" : "prediction_psi";
  }

  private static String subject(Watched col, int c, int nFeatures, Segment w) {
    return c < nFeatures ? col.name() + " @ " + w.label() : w.label();
  }

  private ColumnDrift drift(CheckContext ctx, Watched col, Segment base, Segment w, Map<Segment, Map<String, SortedSample>> cache,
      DoubleSorter sorter) {
    if (col.numeric()) {
      SortedSample ref = cache.computeIfAbsent(base, k -> new java.util.HashMap<>())
          .computeIfAbsent(col.name(), k -> SortedSample.ofOwned(numeric(ctx, col, base), col.name() + " in " + base.label(), sorter));
      SortedSample cur = cache.computeIfAbsent(w, k -> new java.util.HashMap<>())
          .computeIfAbsent(col.name(), k -> SortedSample.ofOwned(numeric(ctx, col, w), col.name() + " in " + w.label(), sorter));
      return ColumnDrift.numeric(col.name(), ref, cur, bins);
    }
    long[] rc = counts(ctx, col, base);
    long[] cc = counts(ctx, col, w);
    return ColumnDrift.categorical(col.name(), false, col.levels(), rc, cc, base.size());
  }

  private static double[] numeric(CheckContext ctx, Watched col, Segment s) {
    double[] all = col.name().equals(SCORE) ? ctx.predictions(s.table()).scores() : s.table().numeric(col.name());
    double[] out = new double[s.size()];
    int[] rows = s.rows();
    for (int i = 0; i < rows.length; i++) {
      out[i] = all[rows[i]];
    }
    return out;
  }

  private static long[] counts(CheckContext ctx, Watched col, Segment s) {
    int[] codes;
    if (col.name().equals(DECISION)) {
      codes = ctx.predictions(s.table()).decisions();
    } else {
      Column.Categorical cat = s.table().categorical(col.name());
      codes = cat.codes();
    }
    long[] c = new long[col.levels().size()];
    for (int r : s.rows()) {
      c[codes[r]]++;
    }
    return c;
  }

  private Evidence.Table lastWindowTable(Segment last, List<Watched> cols, List<ColumnDrift> results, double[] q, boolean[] drifted) {
    List<List<String>> rows = new ArrayList<>();
    List<Evidence.Cell> flagged = new ArrayList<>();
    for (int c = 0; c < results.size(); c++) {
      ColumnDrift r = results.get(c);
      String stats = r.numeric() && !Double.isNaN(r.ks())
          ? "KS D " + fmt(r.ks()) + ", Wasserstein " + fmt(r.wasserstein()) + " (normed " + fmt(r.wassersteinNorm()) + ")"
          : "chi2 " + fmt(r.chi2()) + ", JS " + fmt(r.jensenShannon());
      if (drifted[c]) {
        flagged.add(new Evidence.Cell(rows.size(), 7));
      }
      rows.add(List.of(r.column(), r.test().label(), fmt(r.score()), fmt(r.pValue()), fmt(q[c]), r.effectName() + " " + fmt(r.effect()),
          fmt(r.psi()), drifted[c] ? "drift" : "no", stats));
    }
    return new Evidence.Table("Drift in the last window (" + last.label() + ", " + last.size() + " rows)",
        List.of("column", "default test", "score", "p-value", "adjusted p (" + correction + ")", "effect size", "PSI", "drifted", "statistics"),
        rows, 0, flagged);
  }

  private List<Evidence> topDistributions(Segment last, List<Watched> cols, int nFeatures, List<ColumnDrift> results) {
    List<Integer> order = new ArrayList<>();
    for (int c = 0; c < nFeatures; c++) {
      order.add(c);
    }
    order.sort(Comparator.comparingDouble((Integer c) -> -results.get(c).psi()));
    List<Evidence> out = new ArrayList<>();
    for (int k = 0; k < Math.min(top, order.size()); k++) {
      ColumnDrift r = results.get(order.get(k));
      long rn = java.util.Arrays.stream(r.refBins()).sum();
      long cn = java.util.Arrays.stream(r.curBins()).sum();
      List<Evidence.Point> rp = new ArrayList<>();
      List<Evidence.Point> cp = new ArrayList<>();
      for (int b = 0; b < r.binLabels().size(); b++) {
        rp.add(Evidence.Point.bar(r.binLabels().get(b), (double) r.refBins()[b] / rn, Double.NaN, Double.NaN));
        cp.add(Evidence.Point.bar(r.binLabels().get(b), (double) r.curBins()[b] / cn, Double.NaN, Double.NaN));
      }
      out.add(new Evidence.Chart("#" + (k + 1) + " drifted: " + r.column() + " (PSI " + fmt(r.psi()) + ")", Evidence.ChartKind.BAR,
          r.column(), "share of rows", List.of(new Evidence.Series("reference", rp), new Evidence.Series(last.label(), cp)), null,
          "Share of rows per " + (r.numeric() ? "reference-quantile bin" : "category") + " of " + r.column() + " in the reference period and in "
              + last.label() + "; PSI " + fmt(r.psi()) + "."));
    }
    return out;
  }
}

package dev.gauntlet.drift;

import static dev.gauntlet.harness.check.MetricCondition.fmt;

import dev.gauntlet.drift.stats.DoubleSorter;
import dev.gauntlet.drift.stats.MultipleTesting;
import dev.gauntlet.drift.stats.SortedSample;
import dev.gauntlet.drift.window.Segment;
import dev.gauntlet.drift.window.WindowPlan;
import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.ParamDecl;
import dev.gauntlet.harness.metric.ParamException;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import dev.gauntlet.harness.metric.SubjectShape;
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
 * score and decisions (prediction drift, subjects {@code feature=score} and
 * {@code feature=prediction}; a regression model's prediction is a numeric column, with KS,
 * Wasserstein and PSI). Each column gets the Evidently default test (by type and reference
 * size); every p-value is shown with its effect size and adjusted across the columns of a window
 * ({@code correction}); a column drifts when its default test says so: an adjusted p-value below
 * {@code alpha}, or a distance at or above its threshold.
 *
 * <p>The run is two steps: {@link #analyse} returns an {@link Analysis} (every statistic per column
 * and window), {@link #present} turns it into measurements and evidence. Every statistic is a
 * measurement at full precision with subject {@code feature=<column>&window=<label>}: continuous
 * numeric columns (more than 5 distinct values) get {@code ks_d}, {@code ks_p}, {@code wasserstein};
 * categorical ones (and numeric columns with at most 5 values) {@code chi2}, {@code chi2_p},
 * {@code chi2_df}, {@code js}; every column {@code psi} and {@code drift_score}. Conditions should
 * use the effect sizes (PSI, distances): on large windows every p-value is tiny.
 *
 * @param features the columns to watch (empty = every feature)
 * @param bins PSI bins for numeric columns (reference quantiles, see {@code PsiBins}), in [2, 100]
 * @param alpha the significance level of p-value tests after correction, in (0, 1)
 * @param correction the multiple-testing adjustment across the columns of a window
 * @param threshold a distance threshold overriding the default tests' 0.1, or NaN
 * @param top how many of the most drifted features get their distributions shown, in [0, 50]
 * @param exactValues the memory budget: the most distinct values of a numeric column in one window
 *     kept exact (16 bytes each); beyond it the window's sample is compressed and its statistics
 *     carry a rank-error bound (see {@link #DEFAULT_EXACT_VALUES})
 */
public record FeatureDriftCheck(WindowSpec spec, List<String> features, int bins, double alpha, MultipleTesting correction, double threshold,
    int top, boolean predictions, int exactValues) implements Check<CheckValue> {
  /** The default budget, 2^18 distinct values (4 MiB) per numeric column and window: exact below it. */
  public static final int DEFAULT_EXACT_VALUES = 1 << 18;

  /** The check with the default memory budget. */
  public FeatureDriftCheck(WindowSpec spec, List<String> features, int bins, double alpha, MultipleTesting correction, double threshold,
      int top, boolean predictions) {
    this(spec, features, bins, alpha, correction, threshold, top, predictions, DEFAULT_EXACT_VALUES);
  }

  /** The subject name of the model's score ({@code feature=score}). */
  static final String SCORE = "score";
  /** The subject name of the model's decisions ({@code feature=prediction}). */
  static final String DECISION = "prediction";

  private static final SubjectShape FW = SubjectShape.of(Dim.FEATURE, Dim.WINDOW);

  /** The metrics, published with the {@code drift.features} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("psi", Direction.LOWER_IS_BETTER, "population stability index of a column in a window (feature=<column>&window=<label>; "
          + "feature=score / feature=prediction for the model's outputs)").about(FW),
      MetricDecl.of("drift_score", Direction.NEUTRAL, "the column's default-test score: a p-value (KS, chi-square, z) or a distance (normed Wasserstein, "
          + "Jensen-Shannon)").about(FW),
      MetricDecl.of("ks_d", Direction.LOWER_IS_BETTER, "two-sample Kolmogorov-Smirnov statistic D (continuous numeric columns)").about(FW),
      MetricDecl.of("ks_p", Direction.HIGHER_IS_BETTER, "two-sample KS p-value, SciPy ks_2samp method auto, unadjusted").about(FW),
      MetricDecl.of("wasserstein", Direction.LOWER_IS_BETTER, "first Wasserstein distance in the column's units (continuous numeric columns)").about(FW),
      MetricDecl.of("ks_bound", Direction.LOWER_IS_BETTER, "when a window's sample is past the exactValues budget (compressed): the bound b on |ks_d - exact D|;"
          + " the column's drift decision counts only if it holds for every D in [ks_d - b, ks_d + b], and its other statistics are INCONCLUSIVE").about(FW),
      MetricDecl.of("wasserstein_bound", Direction.LOWER_IS_BETTER, "when a window's sample is compressed: the bound w on |wasserstein - exact W1|,"
          + " (E_ref/n_ref)(max_ref - min_ref) + (E_cur/n_cur)(max_cur - min_cur); a normed-Wasserstein decision counts only if it holds over the"
          + " range this bound and the reference SD's bound allow").about(FW),
      MetricDecl.of("chi2", Direction.LOWER_IS_BETTER, "chi-square homogeneity statistic, 2 x k, no continuity correction (categorical columns)").about(FW),
      MetricDecl.of("chi2_p", Direction.HIGHER_IS_BETTER, "chi-square p-value, unadjusted").about(FW),
      MetricDecl.of("chi2_df", Direction.NEUTRAL, "chi-square degrees of freedom").about(FW),
      MetricDecl.of("js", Direction.LOWER_IS_BETTER, "Jensen-Shannon distance, natural log (categorical columns)").about(FW),
      MetricDecl.of("max_psi", Direction.LOWER_IS_BETTER, "largest psi of a watched feature over the windows (feature=<column>)")
          .about(SubjectShape.of(Dim.FEATURE)),
      MetricDecl.of("max_score_psi", Direction.LOWER_IS_BETTER, "largest psi[feature=score&window=*] over the windows"),
      MetricDecl.of("max_prediction_psi", Direction.LOWER_IS_BETTER, "largest psi[feature=prediction&window=*] over the windows"),
      MetricDecl.of("drifted_share", Direction.LOWER_IS_BETTER, "share of watched features whose default test flags drift in a window")
          .about(SubjectShape.of(Dim.WINDOW)),
      MetricDecl.of("last_window_drifted_share", Direction.LOWER_IS_BETTER, "drifted_share of the last window"));

  /** The parameters, published with the {@code drift.features} type. */
  public static final List<ParamDecl> PARAMS = params();

  private static List<ParamDecl> params() {
    List<ParamDecl> ps = new ArrayList<>(WindowSpec.params(true, 30));
    ps.add(ParamDecl.of("features", "column or list", "every feature", "the columns to watch (numeric or categorical)"));
    ps.add(ParamDecl.of("bins", "integer in [2, 100]", "10", "reference-quantile PSI bins for numeric columns"));
    ps.add(ParamDecl.of("alpha", "number in (0, 1)", "0.05", "significance level of the adjusted p-values"));
    ps.add(ParamDecl.of("correction", "bh | holm | none", "bh", "multiple-testing adjustment across the columns of a window"));
    ps.add(ParamDecl.of("threshold", "number > 0", "the default tests' 0.1", "distance threshold of the distance tests"));
    ps.add(ParamDecl.of("top", "integer in [0, 50]", "3", "how many of the most drifted features get their distributions shown"));
    ps.add(ParamDecl.of("predictions", "boolean", "true", "also watch the model's score and decisions, or a regression model's predicted values (needs a label column)"));
    ps.add(ParamDecl.of("exactValues", "integer in [1024, 67108864]", Integer.toString(DEFAULT_EXACT_VALUES),
        "memory budget: distinct values of a numeric column per window kept exact; beyond, a compressed sample whose KS bound is reported and judged"));
    return List.copyOf(ps);
  }

  /** The one validator of the parameters, for Java and YAML. */
  public FeatureDriftCheck {
    Objects.requireNonNull(spec, "spec");
    features = List.copyOf(features);
    ParamException.inRange("bins", bins, 2, 100);
    ParamException.require(alpha > 0 && alpha < 1, "alpha", "alpha must be in (0, 1), got " + alpha);
    Objects.requireNonNull(correction, "correction");
    ParamException.require(Double.isNaN(threshold) || threshold > 0, "threshold", "threshold must be a positive distance, got " + threshold);
    ParamException.inRange("top", top, 0, 50);
    ParamException.inRange("exactValues", exactValues, 1024, 1 << 26);
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
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

  /** Calendar windows are computed from mergeable summaries only; row-count windows need the rows in time order. */
  @Override
  public boolean streams() {
    return spec.unit() != WindowUnit.ROWS;
  }

  /** The windows: cut from the held rows, or from the calendar keys of streamed rows. */
  static WindowPlan plan(CheckContext ctx, WindowSpec spec) {
    if (!ctx.streamed()) {
      return WindowPlan.of(ctx.data(), ctx.reference(), ctx.streamedReferenceRows(), spec);
    }
    WindowKeys keys = ctx.summarizeData(false, WindowKeys.summarizer(spec));
    return WindowPlan.ofKeys(keys.keys(), keys.counts(), ctx.data(), ctx.reference(), ctx.streamedReferenceRows(), spec);
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  /** One watched column: how to read it from a table; {@code name} is its subject's feature. */
  record Watched(String name, boolean numeric, List<String> levels, boolean feature) implements java.io.Serializable {}

  /**
   * One window against its baseline.
   *
   * @param results per watched column, or null when a side has fewer than minRows rows
   * @param adjusted the p-values adjusted across the columns
   * @param drifted whether each column's default test flags drift
   */
  record WindowDrift(Segment window, Segment baseline, List<ColumnDrift> results, double[] adjusted, boolean[] drifted, boolean[] undecided) {
    boolean measured() {
      return results != null;
    }
  }

  /** What the feature drift analysis found, before any rendering. */
  record Analysis(WindowPlan plan, List<Watched> columns, int nFeatures, List<WindowDrift> windows) {}

  @Override
  public Set<dev.gauntlet.harness.model.Task> tasks() {
    return Set.of(dev.gauntlet.harness.model.Task.CLASSIFICATION, dev.gauntlet.harness.model.Task.REGRESSION);
  }

  @Override
  public CheckValue run(CheckContext ctx) {
    return present(analyse(ctx));
  }

  /** Every statistic per watched column and window, with the default tests' verdicts. */
  Analysis analyse(CheckContext ctx) {
    WindowPlan plan = plan(ctx, spec);
    List<Watched> cols = new ArrayList<>();
    for (String f : features.isEmpty() ? ctx.schema().features().stream().map(ColumnSpec::name).toList() : features) {
      ColumnSpec c = ctx.schema().column(f);
      cols.add(new Watched(f, !c.hasCategories(), c.categories(), true));
    }
    int nFeatures = cols.size();
    if (predictions) {
      Predictions p = ctx.predictions(plan.last().table());
      if (p.scores() != null) {
        cols.add(new Watched(SCORE, true, List.of(), false));
      }
      if (p.task() == dev.gauntlet.harness.model.Task.REGRESSION) {
        cols.add(new Watched(DECISION, true, List.of(), false)); // a regression model's prediction is a number: numeric drift statistics
      } else {
        cols.add(new Watched(DECISION, false, ctx.label().categories(), false));
      }
    }
    Source source = source(ctx, plan, cols);
    Map<Segment, Map<String, SortedSample>> sortedCache = new IdentityHashMap<>();
    DoubleSorter sorter = new DoubleSorter();
    List<WindowDrift> out = new ArrayList<>();
    for (int wi = 0; wi < plan.windows().size(); wi++) {
      Segment w = plan.windows().get(wi);
      Segment base = plan.baselines().get(wi);
      ctx.progress("drift statistics: " + w.label());
      if (w.size() < spec.minRows() || base.size() < spec.minRows()) {
        out.add(new WindowDrift(w, base, null, null, null, null));
        continue;
      }
      List<ColumnDrift> results = new ArrayList<>();
      for (int c = 0; c < cols.size(); c++) {
        results.add(drift(source, c, cols.get(c), base, w, sortedCache, sorter));
      }
      double[] q = correction.adjust(results.stream().mapToDouble(ColumnDrift::pValue).toArray());
      // A compressed sample's KS p-value lies in [p(D + b), p(D - b)]; the adjustment is monotone in each
      // p-value, so a column is drifted if it is at the high ends, not drifted if not at the low ends,
      // else undecided. Other statistics of a compressed sample are not bounded: undecided.
      double[] pLow = new double[results.size()];
      double[] pHigh = new double[results.size()];
      for (int c = 0; c < results.size(); c++) {
        double[] range = results.get(c).ksPRange(base.size(), w.size());
        boolean ks = results.get(c).approximate();
        pLow[c] = ks ? range[0] : results.get(c).pValue();
        pHigh[c] = ks ? range[1] : results.get(c).pValue();
      }
      double[] qLow = correction.adjust(pLow);
      double[] qHigh = correction.adjust(pHigh);
      boolean[] drifted = new boolean[results.size()];
      boolean[] undecided = new boolean[results.size()];
      for (int c = 0; c < results.size(); c++) {
        ColumnDrift r = results.get(c);
        if (r.test().isPValue()) {
          drifted[c] = q[c] < alpha;
          boolean sure = qHigh[c] < alpha || qLow[c] >= alpha;
          undecided[c] = !sure;
        } else {
          double t = Double.isNaN(threshold) ? r.test().defaultThreshold() : threshold;
          drifted[c] = r.score() >= t;
          // a compressed sample's normed Wasserstein lies in its range: decided when the whole range is on one side
          double[] range = r.normedWassersteinRange();
          undecided[c] = r.approximate() && !(range[0] >= t || range[1] < t);
        }
      }
      out.add(new WindowDrift(w, base, List.copyOf(results), q, drifted, undecided));
    }
    return new Analysis(plan, List.copyOf(cols), nFeatures, List.copyOf(out));
  }

  /** Turns an analysis into measurements (every statistic at full precision) and evidence. */
  CheckValue present(Analysis a) {
    List<Watched> cols = a.columns();
    int nFeatures = a.nFeatures();
    List<Measurement> ms = new ArrayList<>();
    List<List<Double>> heat = new ArrayList<>();
    for (int c = 0; c < cols.size(); c++) {
      heat.add(new ArrayList<>());
    }
    double[] maxPsi = new double[cols.size()];
    String[] maxAt = new String[cols.size()];
    java.util.Arrays.fill(maxPsi, Double.NaN);
    boolean[] approx = new boolean[cols.size()];
    List<String> windowLabels = new ArrayList<>();
    WindowDrift lastWindow = a.windows().get(a.windows().size() - 1);
    for (WindowDrift wd : a.windows()) {
      Segment w = wd.window();
      windowLabels.add(w.label());
      boolean isLast = wd == lastWindow;
      if (!wd.measured()) {
        String why = "window " + w.label() + " has " + w.size() + " rows and its baseline " + wd.baseline().size() + "; both need minRows " + spec.minRows();
        for (int c = 0; c < cols.size(); c++) {
          ms.add(Measurement.inconclusive("psi", subject(cols.get(c), w), Double.NaN, w.size(), why));
          heat.get(c).add(Double.NaN);
        }
        if (isLast) {
          ms.add(Measurement.inconclusive("last_window_drifted_share", Subject.all(), Double.NaN, w.size(), why));
        }
        ms.add(Measurement.inconclusive("drifted_share", Subject.window(w.label()), Double.NaN, w.size(), why));
        continue;
      }
      int driftedFeatures = 0;
      int undecidedFeatures = 0;
      for (int c = 0; c < cols.size(); c++) {
        ColumnDrift r = wd.results().get(c);
        if (wd.undecided()[c] && c < nFeatures) {
          undecidedFeatures++;
        } else if (wd.drifted()[c] && c < nFeatures) {
          driftedFeatures++;
        }
        approx[c] |= r.approximate();
        statistics(ms, subject(cols.get(c), w), r, w.size());
        heat.get(c).add(r.psi());
        if (Double.isNaN(maxPsi[c]) || r.psi() > maxPsi[c]) {
          maxPsi[c] = r.psi();
          maxAt[c] = w.label();
        }
      }
      double share = nFeatures == 0 ? 0 : (double) driftedFeatures / nFeatures;
      if (undecidedFeatures > 0) {
        String why = undecidedFeatures + " feature(s) computed on a compressed sample cannot be decided within the KS bound (ks_bound);"
            + " the share is between " + fmt(share) + " and " + fmt((double) (driftedFeatures + undecidedFeatures) / nFeatures)
            + "; raise exactValues to decide";
        why = why.replace("within the KS bound (ks_bound)", "within the KS bound (ks_bound) or the Wasserstein bound (wasserstein_bound)");
        ms.add(Measurement.inconclusive("drifted_share", Subject.window(w.label()), share, w.size(), why));
        if (isLast) {
          ms.add(Measurement.inconclusive("last_window_drifted_share", Subject.all(), share, w.size(), why));
        }
        continue;
      }
      ms.add(Measurement.of("drifted_share", Subject.window(w.label()), share, w.size()));
      if (isLast) {
        ms.add(Measurement.of("last_window_drifted_share", Subject.all(), share, w.size()));
      }
    }
    for (int c = 0; c < cols.size(); c++) {
      Watched col = cols.get(c);
      String metric = col.feature() ? "max_psi" : col.name().equals(SCORE) ? "max_score_psi" : "max_prediction_psi";
      Subject subj = col.feature() ? Subject.feature(col.name()) : Subject.all();
      if (Double.isNaN(maxPsi[c])) {
        ms.add(Measurement.inconclusive(metric, subj, Double.NaN, 0, "no window has minRows " + spec.minRows() + " rows"));
      } else if (approx[c]) {
        ms.add(Measurement.inconclusive(metric, subj, maxPsi[c], -1, "a window's sample of " + col.name()
            + " is compressed (more distinct values than exactValues), and PSI on it has no error bound; raise exactValues"));
      } else {
        ms.add(Measurement.of(metric, subj, maxPsi[c], -1));
      }
    }
    List<Evidence> ev = new ArrayList<>();
    List<String> rowLabels = cols.stream().map(Watched::name).toList();
    ev.add(new Evidence.Heatmap("PSI per feature and window (vs " + (spec.origin() == WindowSpec.Origin.FIXED ? "the reference period" : "the previous window") + ")",
        "feature", "window", rowLabels, windowLabels, heat, "PSI",
        "Population stability index of each feature and of the model's outputs (score, prediction) in each window; 0.1 is a moderate and 0.25 a large shift."));
    String summary;
    if (lastWindow.measured()) {
      Segment last = lastWindow.window();
      ev.add(lastWindowTable(last, lastWindow.results(), lastWindow.adjusted(), lastWindow.drifted()));
      ev.addAll(topDistributions(last, nFeatures, lastWindow.results()));
      int worst = -1;
      for (int c = 0; c < nFeatures; c++) {
        if (!Double.isNaN(maxPsi[c]) && (worst < 0 || maxPsi[c] > maxPsi[worst])) {
          worst = c;
        }
      }
      int d = 0;
      for (int c = 0; c < nFeatures; c++) {
        d += lastWindow.drifted()[c] ? 1 : 0;
      }
      summary = "In the last window (" + last.label() + ") " + d + " of " + nFeatures + " features drifted by their default tests"
          + (worst >= 0 ? "; the largest PSI over all windows is " + cols.get(worst).name() + " " + fmt(maxPsi[worst]) + " (" + maxAt[worst] + ")" : "")
          + ".";
    } else {
      summary = "The last window has too few rows to measure drift.";
    }
    ev.add(new Evidence.Note("Methods", a.plan().description() + " Numeric PSI uses " + bins + " reference-quantile bins (edges at reference[floor(j n / "
        + bins + ")], bins (e_j-1, e_j], open at both ends); categorical PSI one bin per category; proportions below 1e-4 are raised to 1e-4. "
        + "KS p-values are exact below 10,000 = n*m pairs, else asymptotic; chi-square is the 2 x k homogeneity test without continuity correction. "
        + "Default test per column as Evidently chooses it: reference <= 1000 rows -> KS (numeric, > 5 values), chi-square (> 2 categories) or "
        + "z-test (2); larger -> Wasserstein normed by the reference SD (numeric) or Jensen-Shannon distance (natural log), drift at >= "
        + (Double.isNaN(threshold) ? "0.1" : fmt(threshold)) + ". p-values are adjusted across the columns of each window by " + correction
        + " and compared with alpha " + fmt(alpha) + ". Every statistic is also a measurement at full precision (ks_d, ks_p, wasserstein, "
        + "chi2, chi2_p, chi2_df, js, psi per feature and window)."));
    return new CheckValue(ms, ev, summary);
  }

  /** Every statistic that applies to the column, at full precision. */
  private static void statistics(List<Measurement> ms, Subject s, ColumnDrift r, long n) {
    if (r.approximate()) {
      // A compressed sample: KS is known to within +-b and W1 to within +-w (the rank-error bounds); PSI is not bounded.
      double[] range = r.normedWassersteinRange();
      String why = "computed on a compressed sample (more distinct values than exactValues); KS D is within +-"
          + dev.gauntlet.harness.check.MetricCondition.fmt(r.ksBound()) + " and the Wasserstein distance within +-"
          + dev.gauntlet.harness.check.MetricCondition.fmt(r.wassersteinBound()) + " of the exact values (the normed one in ["
          + dev.gauntlet.harness.check.MetricCondition.fmt(range[0]) + ", " + dev.gauntlet.harness.check.MetricCondition.fmt(range[1])
          + "]), PSI has no bound";
      ms.add(Measurement.of("ks_bound", s, r.ksBound(), n));
      ms.add(Measurement.of("wasserstein_bound", s, r.wassersteinBound(), n));
      ms.add(Measurement.inconclusive("psi", s, r.psi(), n, why));
      ms.add(Measurement.inconclusive("drift_score", s, r.score(), n, why));
      ms.add(Measurement.inconclusive("ks_d", s, r.ks(), n, why));
      ms.add(Measurement.inconclusive("ks_p", s, r.pValue(), n, why));
      ms.add(Measurement.inconclusive("wasserstein", s, r.wasserstein(), n, why));
      return;
    }
    ms.add(Measurement.of("psi", s, r.psi(), n));
    ms.add(Measurement.of("drift_score", s, r.score(), n));
    if (!Double.isNaN(r.ks())) {
      ms.add(Measurement.of("ks_d", s, r.ks(), n));
      ms.add(Measurement.of("ks_p", s, r.pValue(), n));
      ms.add(Measurement.of("wasserstein", s, r.wasserstein(), n));
    }
    if (!Double.isNaN(r.chi2())) {
      ms.add(Measurement.of("chi2", s, r.chi2(), n));
      ms.add(Measurement.of("chi2_p", s, r.pValue(), n));
      ms.add(Measurement.of("chi2_df", s, r.chi2Df(), n));
      ms.add(Measurement.of("js", s, r.jensenShannon(), n));
    }
  }

  private static Subject subject(Watched col, Segment w) {
    return Subject.feature(col.name()).with(Dim.WINDOW, w.label());
  }

  /** The values of a numeric column and the counts of a categorical one in a segment. */
  interface Source {
    /** The sorted values of numeric column {@code c} in segment {@code s}, named {@code what} in errors. */
    SortedSample numeric(int c, Watched col, Segment s, String what, DoubleSorter sorter);

    /** The bound on the error of any count at or below a point in {@link #numeric}'s values: 0 when exact. */
    default long rankError(int c, Segment s) {
      return 0;
    }

    long[] counts(int c, Watched col, Segment s);
  }

  /**
   * Where the samples come from: for calendar windows the merged {@link WindowSamples} of the
   * evaluation data (and of the reference table), summarised by the context's engine, so every
   * statistic is the same on any split of the rows; for row-count windows, whose cut depends on the
   * order of all rows, the rows themselves.
   */
  private Source source(CheckContext ctx, WindowPlan plan, List<Watched> cols) {
    if (spec.unit() == WindowUnit.ROWS) {
      return new Source() {
        @Override
        public SortedSample numeric(int c, Watched col, Segment s, String what, DoubleSorter sorter) {
          return SortedSample.ofOwned(FeatureDriftCheck.numeric(ctx, col, s), what, sorter);
        }

        @Override
        public long[] counts(int c, Watched col, Segment s) {
          return FeatureDriftCheck.counts(ctx, col, s);
        }
      };
    }
    Table data = ctx.data();
    WindowSamples samples = ctx.summarizeData(predictions, WindowSamples.summarizer(spec, cols, true, exactValues));
    Table refTable = plan.reference().table();
    WindowSamples refSamples = refTable == data ? null : ctx.summarizeReference(predictions, WindowSamples.summarizer(spec, cols, false, exactValues));
    long firstKey = keyOf(plan.windows().get(0));
    return new Source() {
      private long[] range(Segment s) {
        if (s == plan.reference()) {
          return refSamples != null ? new long[] {Long.MIN_VALUE, Long.MAX_VALUE} : new long[] {Long.MIN_VALUE, firstKey - 1};
        }
        long key = keyOf(s);
        return new long[] {key, key};
      }

      @Override
      public SortedSample numeric(int c, Watched col, Segment s, String what, DoubleSorter sorter) {
        long[] r = range(s);
        // per distinct value, as summarised: no array of one value per row
        return SortedSample.ofCounts((s == plan.reference() && refSamples != null ? refSamples : samples).sample(c, r[0], r[1]), 0, what);
      }

      @Override
      public long[] counts(int c, Watched col, Segment s) {
        long[] r = range(s);
        return (s == plan.reference() && refSamples != null ? refSamples : samples).counts(c, col.levels().size(), r[0], r[1]);
      }

      @Override
      public long rankError(int c, Segment s) {
        long[] r = range(s);
        return (s == plan.reference() && refSamples != null ? refSamples : samples).rankError(c, r[0], r[1]);
      }
    };
  }

  private long keyOf(Segment w) {
    return w.key() != Segment.NO_KEY ? w.key() : spec.unit().key(w.table().timestamps(spec.time())[w.rows()[0]]);
  }

  private ColumnDrift drift(Source source, int c, Watched col, Segment base, Segment w, Map<Segment, Map<String, SortedSample>> cache,
      DoubleSorter sorter) {
    if (col.numeric()) {
      SortedSample ref = cache.computeIfAbsent(base, k -> new java.util.HashMap<>())
          .computeIfAbsent(col.name(), k -> source.numeric(c, col, base, col.name() + " in " + base.label(), sorter));
      SortedSample cur = cache.computeIfAbsent(w, k -> new java.util.HashMap<>())
          .computeIfAbsent(col.name(), k -> source.numeric(c, col, w, col.name() + " in " + w.label(), sorter));
      return ColumnDrift.numeric(col.name(), ref, cur, bins, source.rankError(c, base), source.rankError(c, w));
    }
    long[] rc = source.counts(c, col, base);
    long[] cc = source.counts(c, col, w);
    return ColumnDrift.categorical(col.name(), false, col.levels(), rc, cc, base.size());
  }

  private static double[] numeric(CheckContext ctx, Watched col, Segment s) {
    double[] all = !col.feature() ? outputs(ctx.predictions(s.table()), col) : s.table().numeric(col.name());
    double[] out = new double[s.size()];
    int[] rows = s.rows();
    for (int i = 0; i < rows.length; i++) {
      out[i] = all[rows[i]];
    }
    return out;
  }

  /** A numeric model output: the score, or a regression model's predicted values ({@code feature=prediction}). */
  static double[] outputs(Predictions p, Watched col) {
    return col.name().equals(SCORE) ? p.scores() : p.values();
  }

  private static long[] counts(CheckContext ctx, Watched col, Segment s) {
    int[] codes;
    if (!col.feature()) {
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

  private Evidence.Table lastWindowTable(Segment last, List<ColumnDrift> results, double[] q, boolean[] drifted) {
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

  private List<Evidence> topDistributions(Segment last, int nFeatures, List<ColumnDrift> results) {
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

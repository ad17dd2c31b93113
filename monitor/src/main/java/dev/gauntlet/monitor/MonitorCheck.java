package dev.gauntlet.monitor;

import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.SubjectShape;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Predictions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A promoted model in production ({@code monitor.performance}): the prediction log joined with the
 * label log, cut into windows; per window and per group, the <b>realized</b> accuracy on the rows
 * labelled so far with the label completeness beside it, and the <b>estimated</b> accuracy of every
 * row by confidence-based performance estimation (CBPE): the scores calibrated on the suite's data
 * (the reference, labelled), the expected confusion matrix summed over the window, and a
 * Poisson-binomial interval for the accuracy the labels will show. The estimator's health is
 * checked on every mature window (realized against the estimate for the same rows); an untrusted
 * estimator makes every estimated figure INCONCLUSIVE. With a {@code floor}, the trend of the
 * per-window accuracy says when it will cross it ({@code days_until_floor}).
 *
 * <p>The logs are read and validated when the suite loads ({@link #validateData}), so bad logs are
 * exit 2 before anything runs or is recorded. The figures come from a {@link WindowSummary} merged
 * by the context's engine.
 */
public final class MonitorCheck implements Check<CheckValue> {
  /** The YAML type name. */
  public static final String TYPE = "monitor.performance";

  private static final SubjectShape W = SubjectShape.of(Subject.Dim.WINDOW);
  private static final SubjectShape SW = SubjectShape.of(Subject.Dim.SLICE, Subject.Dim.WINDOW);

  /** The metrics, published with the {@code monitor.performance} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("realized_accuracy", Direction.HIGHER_IS_BETTER,
          "accuracy on the window's rows labelled so far, with a Wilson interval; INCONCLUSIVE below minLabelled labels, or on an immature window below minCompleteness")
          .withInterval().about(W, SW),
      MetricDecl.of("estimated_accuracy", Direction.HIGHER_IS_BETTER,
          "CBPE: expected accuracy of every prediction of the window from its calibrated score, with a Poisson-binomial interval; INCONCLUSIVE when the estimator is untrusted")
          .withInterval().about(W, SW),
      MetricDecl.of("label_completeness", Direction.HIGHER_IS_BETTER, "share of the window's predictions whose label has arrived by asOf").about(W, SW),
      MetricDecl.of("estimated_accuracy_gap", Direction.TARGET,
          "estimated accuracy of a group minus that of its column's reference group in the window (Poisson-binomial interval); judge with between").withInterval().about(SW),
      MetricDecl.of("realized_accuracy_gap", Direction.TARGET,
          "realized accuracy of a group minus that of its reference group in the window; INCONCLUSIVE when either is").about(SW),
      MetricDecl.of("selection_rate_gap", Direction.TARGET,
          "share decided positive in a group minus that of its reference group in the window (exact: needs no labels)").about(SW),
      MetricDecl.of("estimator_miss_rate", Direction.LOWER_IS_BETTER,
          "share of mature windows whose realized accuracy lies outside the estimate's interval for the same rows (expected: 1 - confidence)"),
      MetricDecl.of("reference_calibration_error", Direction.LOWER_IS_BETTER,
          "expected calibration error (10 bins) of the calibrated scores on the reference data, out of fold (5 folds)"),
      MetricDecl.of("days_until_floor", Direction.HIGHER_IS_BETTER,
          "days from asOf until the per-window accuracy trend (least squares; realized where it is judged, else estimated while trusted) crosses floor, capped at horizonDays;"
              + " parametric-bootstrap interval").withInterval());

  private final MonitorConfig config;
  private final Schema schema;
  private volatile ProductionLogs.Joined joined;

  /** A check of these parameters on logs under (a schema derived from) {@code schema}. */
  public MonitorCheck(MonitorConfig config, Schema schema) {
    this.config = Objects.requireNonNull(config, "config");
    this.schema = Objects.requireNonNull(schema, "schema");
    ProductionLogs.predictionSchema(config, schema);
    ProductionLogs.labelSchema(config, schema);
  }

  public MonitorConfig config() {
    return config;
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
  }

  @Override
  public String title() {
    return "Production: realized and estimated accuracy per " + (config.window() == WindowUnit.ROWS ? "window" : config.windowText());
  }

  @Override
  public Trial trial() {
    return Trial.PRODUCTION;
  }

  @Override
  public String description() {
    return "The promoted model's decisions in production, joined with the labels that have arrived: realized accuracy where labels are in, "
        + "estimated accuracy (CBPE, calibrated on the suite's data) where they are not, per window and group, with the label completeness beside every figure.";
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  /** Reads, validates and joins the logs now (exit 2 on bad logs, before anything runs). */
  @Override
  public void validateData(Table data) {
    if (data.schema().label().isEmpty()) {
      throw new dev.gauntlet.harness.metric.ParamException("labels", "the suite's data is the reference the scores are calibrated on and needs labels;"
          + " schema '" + data.schema().name() + "' has none");
    }
    logs();
  }

  private ProductionLogs.Joined logs() {
    ProductionLogs.Joined j = joined;
    if (j == null) {
      synchronized (this) {
        j = joined;
        if (j == null) {
          j = ProductionLogs.load(config, schema);
          joined = j;
        }
      }
    }
    return j;
  }

  /** One window's place in time. */
  record Window(int index, String label, long start, long end, boolean mature, long dueBy) {}

  @Override
  public CheckValue run(CheckContext ctx) {
    ProductionLogs.Joined j = logs();
    int pos = ctx.label().positiveIndex();
    // 1. calibration on the reference (the suite's data)
    Table ref = ctx.data();
    Predictions rp = ctx.predictions(ref);
    if (rp.scores() == null || !rp.scoresAreProbabilities()) {
      throw new UsageException("monitor.performance calibrates the model's positive-class probabilities on the suite's data; model '" + ctx.model().name()
          + "' gives no probabilities there");
    }
    int[] ry = ref.labels();
    boolean[] refPositive = new boolean[ry.length];
    for (int i = 0; i < ry.length; i++) {
      refPositive[i] = ry[i] == pos;
    }
    boolean isotonic = config.calibration() == MonitorConfig.Calibration.ISOTONIC;
    Calibrator cal = isotonic ? Calibrator.isotonic(rp.scores(), refPositive) : Calibrator.identity();
    double ece = Calibrator.outOfFoldEce(rp.scores(), refPositive, isotonic, 5, 10, ctx.seed());

    // 2. windows
    int n = j.size();
    long[] t = j.times();
    int[] widx = new int[n];
    List<Window> windows = windows(t, widx, j.asOf());

    // 3. the working table and its summary
    double[] wcol = new double[n];
    double[] tcol = new double[n];
    double[] p = new double[n];
    double[] d = new double[n];
    double[] y = new double[n];
    // the served decision: the model's own threshold (a precomputed score's), else the suite's decision threshold
    double threshold = Double.isFinite(rp.threshold()) ? rp.threshold() : ctx.threshold();
    for (int i = 0; i < n; i++) {
      wcol[i] = widx[i];
      tcol[i] = t[i];
      double s = j.scores()[i];
      p[i] = cal.apply(s);
      d[i] = s >= threshold ? 1 : 0;
      y[i] = j.labels()[i] < 0 ? Double.NaN : (j.labels()[i] == pos ? 1 : 0);
    }
    List<Column.Categorical> slices = new ArrayList<>();
    List<List<String>> groups = new ArrayList<>();
    for (String col : config.slices()) {
      Column.Categorical c = j.predictions().categorical(col);
      slices.add(c);
      groups.add(c.levels());
    }
    WindowSummary.Layout layout = new WindowSummary.Layout(config.slices(), groups);
    Table work = WindowSummary.table(wcol, tcol, j.scores(), p, d, y, slices);
    WindowSummary sum = ctx.engine().summarize(work, null, WindowSummary.summarizer(layout));
    // the calibration's own uncertainty: the isotonic map refitted on bootstrap resamples of the reference (seeded)
    Calibrator[] refits = isotonic ? refits(rp.scores(), refPositive, CALIBRATION_REFITS, ctx.seed()) : new Calibrator[0];
    return Figures.of(this, ctx, j, windows, sum, ece, ref.rowCount(), refits);
  }

  /** Bootstrap refits of the calibration whose spread widens every estimate's interval. */
  static final int CALIBRATION_REFITS = 50;

  static Calibrator[] refits(double[] score, boolean[] positive, int b, long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    int n = score.length;
    Calibrator[] out = new Calibrator[b];
    double[] s = new double[n];
    boolean[] y = new boolean[n];
    for (int k = 0; k < b; k++) {
      for (int i = 0; i < n; i++) {
        int j = r.nextInt(n);
        s[i] = score[j];
        y[i] = positive[j];
      }
      out[k] = Calibrator.isotonic(s, y);
    }
    return out;
  }

  /** Cuts the rows into windows: {@code widx[i]} is row {@code i}'s window. */
  List<Window> windows(long[] t, int[] widx, long asOf) {
    int n = t.length;
    List<Window> out = new ArrayList<>();
    if (config.window() == WindowUnit.ROWS) {
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : t[a] != t[b] ? Long.compare(t[a], t[b]) : Integer.compare(a, b));
      int k = (n + config.windowRows() - 1) / config.windowRows();
      long[] lo = new long[k];
      long[] hi = new long[k];
      for (int r = 0; r < n; r++) {
        int w = r / config.windowRows();
        widx[order[r]] = w;
        if (r % config.windowRows() == 0) {
          lo[w] = t[order[r]];
        }
        hi[w] = t[order[r]];
      }
      for (int w = 0; w < k; w++) {
        long due = hi[w] + 1 + config.dueSeconds();
        out.add(new Window(w, "rows-" + (w + 1), lo[w], hi[w] + 1, due <= asOf, due));
      }
      return out;
    }
    WindowUnit u = config.window();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = u.key(t[i]);
      min = Math.min(min, keys[i]);
      max = Math.max(max, keys[i]);
    }
    if (max - min > 10_000) {
      throw new UsageException("the prediction log spans " + (max - min + 1) + " " + config.windowText() + " windows; at most 10001 are monitored at once"
          + " (use a longer window or asOf)");
    }
    for (int i = 0; i < n; i++) {
      widx[i] = (int) (keys[i] - min);
    }
    boolean[] present = new boolean[(int) (max - min + 1)];
    for (int i = 0; i < n; i++) {
      present[widx[i]] = true;
    }
    for (long k = min; k <= max; k++) {
      if (!present[(int) (k - min)]) {
        continue;
      }
      long start = u.start(k);
      long end = u.start(k + 1);
      long due = end + config.dueSeconds();
      out.add(new Window((int) (k - min), u.label(k), start, end, due <= asOf, due));
    }
    return out;
  }

  static String day(long epochSeconds) {
    return Instant.ofEpochSecond(epochSeconds).atOffset(ZoneOffset.UTC).toLocalDate().toString();
  }

  static String pct(double v) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * v);
  }

  static String f3(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "n/a";
  }

  /** The window subject of a label; with a slice, the slice's attributes first. */
  static Subject subject(String window, String column, String group) {
    return column == null ? Subject.window(window) : Subject.slice(column, group).with(Subject.Dim.WINDOW, window);
  }

  static String fmt(double v) {
    return MetricCondition.fmt(v);
  }

  static Evidence.Note note(String title, String text) {
    return new Evidence.Note(title, text);
  }
}

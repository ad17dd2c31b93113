package dev.gauntlet.drift;

import static dev.gauntlet.harness.check.MetricCondition.fmt;

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
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.ParamDecl;
import dev.gauntlet.harness.metric.ParamException;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import dev.gauntlet.harness.metric.SubjectShape;
import dev.gauntlet.harness.model.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Temporal holdout: the model's accuracy (and selection rate, TPR, FPR, FNR, precision for binary
 * labels) in the reference period and in each later window, overall and per group of each
 * protected attribute, so a reviewer sees the decay curve and whom it hits first; and a retrain-by
 * estimate, the number of window periods until the fitted decay trend falls {@code maxDrop} below
 * the reference accuracy. Accuracy drops are always against the reference period.
 *
 * <p>The run is two steps: {@link #analyse} returns an {@link Analysis} (rates per window and per
 * group, the trend), and {@link #present} turns it into measurements and evidence. The metrics are
 * {@link #METRICS}; intervals are at {@link Rates#LEVEL}.
 *
 * @param groups the categorical columns whose groups get their own decay curve
 * @param maxDrop how far below the reference accuracy the floor lies, in (0, 1)
 * @param horizon the most window periods the retrain estimate looks ahead, in [1, 1000]
 */
public record TemporalHoldoutCheck(WindowSpec spec, List<String> groups, double maxDrop, int horizon) implements Check<CheckValue> {

  private static final SubjectShape WINDOW = SubjectShape.of(Dim.WINDOW);

  /** The metrics, published with the {@code drift.temporal} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("reference_accuracy", Direction.HIGHER_IS_BETTER, "accuracy in the reference period, with a Wilson interval").withInterval(),
      MetricDecl.of("accuracy", Direction.HIGHER_IS_BETTER, "accuracy in a window (window=<label>), or of a group in a window (g=A&window=<label>), Wilson interval")
          .withInterval().about(WINDOW, SubjectShape.of(Dim.SLICE, Dim.WINDOW)),
      MetricDecl.of("accuracy_drop", Direction.LOWER_IS_BETTER, "reference accuracy minus the window's, with a Newcombe interval").withInterval().about(WINDOW),
      MetricDecl.of("selection_rate", Direction.NEUTRAL, "share of positive decisions in a window (binary labels)").about(WINDOW),
      MetricDecl.of("tpr", Direction.HIGHER_IS_BETTER, "true positive rate in a window (binary labels)").about(WINDOW),
      MetricDecl.of("fpr", Direction.LOWER_IS_BETTER, "false positive rate in a window (binary labels)").about(WINDOW),
      MetricDecl.of("fnr", Direction.LOWER_IS_BETTER, "false negative rate in a window (binary labels)").about(WINDOW),
      MetricDecl.of("precision", Direction.HIGHER_IS_BETTER, "precision of the positive decisions in a window (binary labels)").about(WINDOW),
      MetricDecl.of("last_window_accuracy_drop", Direction.LOWER_IS_BETTER, "accuracy_drop of the last window, with a Newcombe interval").withInterval(),
      MetricDecl.of("group_last_window_accuracy_drop", Direction.LOWER_IS_BETTER,
          "a group's reference accuracy minus its last-window accuracy (g=A), with a Newcombe interval").withInterval().about(SubjectShape.of(Dim.SLICE)),
      MetricDecl.of("windows_until_retrain", Direction.HIGHER_IS_BETTER,
          "windows after the last usable one until the weighted decay trend reaches reference accuracy - maxDrop (0 = now)"));

  /** The parameters, published with the {@code drift.temporal} type. */
  public static final List<ParamDecl> PARAMS = params();

  private static List<ParamDecl> params() {
    List<ParamDecl> ps = new ArrayList<>(WindowSpec.params(false, 30));
    ps.add(ParamDecl.of("groups", "categorical column or list", "the categorical protected attributes", "columns whose groups get their own decay curve"));
    ps.add(ParamDecl.of("maxDrop", "number in (0, 1)", "0.03", "the floor lies this far below the reference accuracy"));
    ps.add(ParamDecl.of("horizon", "integer in [1, 1000]", "12", "the most windows the retrain estimate looks ahead"));
    return List.copyOf(ps);
  }

  /** The one validator of the parameters, for Java and YAML. */
  public TemporalHoldoutCheck {
    Objects.requireNonNull(spec, "spec");
    groups = List.copyOf(groups);
    ParamException.require(maxDrop > 0 && maxDrop < 1, "maxDrop", "maxDrop must be in (0, 1) (an accuracy difference, e.g. 0.03), got " + maxDrop);
    ParamException.inRange("horizon", horizon, 1, 1000);
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
  }

  @Override
  public String title() {
    return "Temporal holdout: accuracy decay per " + (spec.unit() == WindowUnit.ROWS ? spec.rowsPerWindow() + " rows" : spec.unit().name().toLowerCase());
  }

  @Override
  public Trial trial() {
    return Trial.DRIFT;
  }

  @Override
  public String description() {
    return "Cuts the data by time into a reference period and later windows and measures the model on each, overall and per group, "
        + "to show how fast it decays and when it must be retrained.";
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

  /** One window's rates. */
  record WindowResult(Segment window, Rates rates) {}

  /** One group column's rates: per level in the reference period, and per window and level. */
  record GroupDecay(String column, List<String> levels, List<Rates> reference, List<List<Rates>> byWindow) {}

  /**
   * What the temporal holdout found, before any rendering.
   *
   * @param usable the windows with at least minRows rows, in order (the trend's points)
   * @param retrain the fitted trend, or null with fewer than 3 usable windows
   */
  record Analysis(WindowPlan plan, Rates reference, List<WindowResult> windows, List<WindowResult> usable, List<GroupDecay> groups,
      RetrainEstimate retrain) {
    double floor(double maxDrop) {
      return reference.accuracy() - maxDrop;
    }
  }

  @Override
  public CheckValue run(CheckContext ctx) {
    return present(ctx, analyse(ctx));
  }

  /** The rates of a segment's rows, overall (slot 0) or of one level of one group column (slot 1 + offset + level). */
  @FunctionalInterface
  interface RateSource {
    Rates of(Segment s, int slot);
  }

  /**
   * Where the rates come from: for calendar windows the merged {@link WindowCounts} of the
   * evaluation data (and of the reference table), summarised by the context's engine, so that
   * every count is the same on any split of the rows; for row-count windows, whose cut depends on
   * the order of all rows, the rows themselves.
   */
  RateSource rates(CheckContext ctx, WindowPlan plan) {
    int[] levels = groups.stream().mapToInt(g -> ctx.schema().column(g).categories().size()).toArray();
    int[] offset = new int[levels.length];
    for (int g = 1; g < levels.length; g++) {
      offset[g] = offset[g - 1] + levels[g - 1];
    }
    int positive = ctx.label().positiveIndex();
    if (spec.unit() == WindowUnit.ROWS) {
      return (seg, slot) -> {
        if (slot == 0) {
          return rates(ctx, seg, seg.rows());
        }
        int g = 0;
        while (g + 1 < levels.length && 1 + offset[g + 1] <= slot) {
          g++;
        }
        return rates(ctx, seg, rowsOf(seg, groups.get(g), slot - 1 - offset[g]));
      };
    }
    Table data = ctx.data();
    WindowCounts counts = ctx.summarizeData(true, WindowCounts.summarizer(spec, groups, levels, positive, true));
    Table refTable = plan.reference().table();
    WindowCounts refCounts = refTable == data ? null : ctx.summarizeReference(true, WindowCounts.summarizer(spec, groups, levels, positive, false));
    long firstKey = keyOf(plan.windows().get(0));
    return (seg, slot) -> {
      if (seg == plan.reference()) {
        return refCounts != null ? refCounts.total(slot) : counts.rates(Long.MIN_VALUE, firstKey - 1, slot);
      }
      long key = keyOf(seg);
      return counts.rates(key, key, slot);
    };
  }

  /** Cuts the data, measures each window and group, and fits the decay trend. */
  Analysis analyse(CheckContext ctx) {
    WindowPlan plan = plan(ctx, spec);
    ctx.progress("temporal holdout: " + plan.windows().size() + " windows");
    Segment ref = plan.reference();
    RateSource source = rates(ctx, plan);
    Rates refRates = source.of(ref, 0);
    if (refRates.n() < spec.minRows()) {
      throw new dev.gauntlet.harness.UsageException("the reference period has " + refRates.n() + " rows, fewer than minRows " + spec.minRows()
          + "; it cannot anchor the decay curve");
    }
    List<WindowResult> windows = new ArrayList<>();
    List<WindowResult> usable = new ArrayList<>();
    for (Segment w : plan.windows()) {
      WindowResult r = new WindowResult(w, source.of(w, 0));
      windows.add(r);
      if (r.rates().n() >= spec.minRows()) {
        usable.add(r);
      }
    }
    List<GroupDecay> decays = new ArrayList<>();
    int slot = 1;
    for (String g : groups) {
      List<String> levels = ctx.schema().column(g).categories();
      List<Rates> refByLevel = new ArrayList<>();
      for (int lv = 0; lv < levels.size(); lv++) {
        refByLevel.add(source.of(ref, slot + lv));
      }
      List<List<Rates>> byWindow = new ArrayList<>();
      for (Segment w : plan.windows()) {
        List<Rates> rs = new ArrayList<>();
        for (int lv = 0; lv < levels.size(); lv++) {
          rs.add(source.of(w, slot + lv));
        }
        byWindow.add(rs);
      }
      decays.add(new GroupDecay(g, levels, refByLevel, byWindow));
      slot += levels.size();
    }
    RetrainEstimate est = null;
    if (usable.size() >= 3) {
      double[] fx = usable.stream().mapToDouble(r -> r.window().position()).toArray();
      double[] fy = usable.stream().mapToDouble(r -> r.rates().accuracy()).toArray();
      double[] fw = usable.stream().mapToDouble(r -> r.rates().n()).toArray();
      Segment lastUsable = usable.get(usable.size() - 1).window();
      est = RetrainEstimate.fit(fx, fy, fw, refRates.accuracy() - maxDrop, lastUsable.position(), fy[fy.length - 1], horizon);
    }
    return new Analysis(plan, refRates, windows, usable, decays, est);
  }

  /** Turns an analysis into measurements (full precision) and evidence. */
  CheckValue present(CheckContext ctx, Analysis a) {
    boolean binary = ctx.label().categories().size() == 2;
    Rates refRates = a.reference();
    double refAcc = refRates.accuracy();
    double floor = a.floor(maxDrop);
    String level = refRates.accuracyCi().levelText();
    List<Measurement> ms = new ArrayList<>();
    ms.add(Measurement.of("reference_accuracy", Subject.all(), refAcc, refRates.accuracyCi(), refRates.n()));

    List<Evidence.Point> accPoints = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    List<Evidence.Cell> flagged = new ArrayList<>();
    Measurement lastDrop = null;
    for (WindowResult wr : a.windows()) {
      Segment w = wr.window();
      Rates r = wr.rates();
      Subject s = Subject.window(w.label());
      if (r.n() < spec.minRows()) {
        String why = "window " + w.label() + " has " + r.n() + " rows, fewer than minRows " + spec.minRows();
        ms.add(Measurement.inconclusive("accuracy", s, r.n() == 0 ? Double.NaN : r.accuracy(), r.n(), why));
        lastDrop = Measurement.inconclusive("accuracy_drop", s, Double.NaN, r.n(), why);
        ms.add(lastDrop);
        rows.add(List.of(w.label(), Long.toString(r.n()), "too few rows", "", "", "", ""));
        continue;
      }
      double acc = r.accuracy();
      Interval ci = r.accuracyCi();
      ms.add(Measurement.of("accuracy", s, acc, ci, r.n()));
      lastDrop = Measurement.of("accuracy_drop", s, refAcc - acc, Rates.newcombeCi(refRates, r), r.n());
      ms.add(lastDrop);
      if (binary) {
        addRate(ms, "selection_rate", s, r.selectionRate(), r.n(), "no rows");
        addRate(ms, "tpr", s, r.tpr(), r.tp() + r.fn(), "no positive labels in the window");
        addRate(ms, "fpr", s, r.fpr(), r.fp() + r.tn(), "no negative labels in the window");
        addRate(ms, "fnr", s, r.fnr(), r.tp() + r.fn(), "no positive labels in the window");
        addRate(ms, "precision", s, r.precision(), r.tp() + r.fp(), "no positive decisions in the window");
      }
      accPoints.add(new Evidence.Point(w.label(), w.position(), acc, ci.lower(), ci.upper()));
      if (acc < floor) {
        flagged.add(new Evidence.Cell(rows.size(), 2));
      }
      rows.add(List.of(w.label(), Long.toString(r.n()), fmt(acc) + " [" + fmt(ci.lower()) + ", " + fmt(ci.upper()) + "]", fmt(refAcc - acc),
          binary ? fmt(r.selectionRate()) : "", binary ? fmt(r.tpr()) : "", binary ? fmt(r.fpr()) : ""));
    }
    Segment last = a.plan().last();
    ms.add(new Measurement("last_window_accuracy_drop", Subject.all(), lastDrop.value(), lastDrop.interval(), lastDrop.n(), lastDrop.inconclusive()));

    // Retrain-by estimate.
    String retrainText;
    List<Evidence.Series> series = new ArrayList<>();
    series.add(new Evidence.Series("accuracy (" + level + " Wilson)", accPoints));
    RetrainEstimate est = a.retrain();
    if (est == null) {
      ms.add(Measurement.inconclusive("windows_until_retrain", Subject.all(), Double.NaN, a.usable().size(),
          "only " + a.usable().size() + " windows have at least minRows rows; a trend needs 3"));
      retrainText = "Too few usable windows (" + a.usable().size() + ") to fit a decay trend.";
    } else {
      Segment lastUsable = a.usable().get(a.usable().size() - 1).window();
      ms.add(Measurement.of("windows_until_retrain", Subject.all(), est.windowsAhead(), a.usable().size()));
      List<Evidence.Point> trend = new ArrayList<>();
      double x0 = a.usable().get(0).window().position();
      double x1 = lastUsable.position() + (est.crosses() ? Math.ceil(est.windowsAhead()) : 0);
      trend.add(Evidence.Point.of(x0, est.intercept() + est.slope() * x0));
      trend.add(Evidence.Point.of(x1, est.intercept() + est.slope() * x1));
      series.add(new Evidence.Series("trend (weighted least squares)", trend));
      String by = spec.unit() == WindowUnit.ROWS ? "" : " (about " + spec.unit().label(keyOf(lastUsable) + (long) Math.ceil(est.windowsAhead())) + ")";
      retrainText = est.windowsAhead() == 0
          ? "The last usable window is already below the floor " + fmt(floor) + ": retrain now."
          : est.crosses()
              ? "The trend (" + fmt(est.slope()) + " per window) reaches the floor " + fmt(floor) + " in " + fmt(est.windowsAhead())
                  + " windows after " + lastUsable.label() + by + "."
              : "The trend (" + fmt(est.slope()) + " per window) does not reach the floor " + fmt(floor) + " within " + horizon + " windows.";
    }
    List<Evidence> ev = new ArrayList<>();
    ev.add(new Evidence.Chart("Accuracy per window (reference " + fmt(refAcc) + ")", Evidence.ChartKind.LINE, "window", "accuracy", series,
        new Evidence.Band("reference accuracy - " + fmt(maxDrop) + " and above", floor, 1.0),
        "Accuracy of the model in each " + spec.unit().name().toLowerCase() + " window after the reference period, with " + level
            + " Wilson intervals; the band is the reference accuracy " + fmt(refAcc) + " minus " + fmt(maxDrop) + " and above. " + retrainText));
    ev.add(new Evidence.Table("Per window (reference accuracy " + fmt(refAcc) + " on " + refRates.n() + " rows)",
        List.of("window", "rows", "accuracy [" + level + " CI]", "drop vs reference", "selection rate", "TPR", "FPR"), rows, 0, flagged));
    for (GroupDecay gd : a.groups()) {
      groupDecay(a.plan(), gd, ms, ev);
    }
    ev.add(new Evidence.Note("How the data was cut", a.plan().description() + " " + retrainText));
    String summary = "Accuracy " + fmt(refAcc) + " in the reference period, "
        + (lastDrop.inconclusive() == null ? fmt(refAcc - lastDrop.value()) : "not measurable") + " in the last window (" + last.label()
        + ", " + last.size() + " rows). " + retrainText;
    return new CheckValue(ms, ev, summary);
  }

  private long keyOf(Segment w) {
    return w.key() != Segment.NO_KEY ? w.key() : spec.unit().key(w.table().timestamps(spec.time())[w.rows()[0]]);
  }

  private void groupDecay(WindowPlan plan, GroupDecay gd, List<Measurement> ms, List<Evidence> ev) {
    String g = gd.column();
    List<String> levels = gd.levels();
    List<List<Evidence.Point>> curves = new ArrayList<>();
    for (int lv = 0; lv < levels.size(); lv++) {
      curves.add(new ArrayList<>());
    }
    for (int wi = 0; wi < plan.windows().size(); wi++) {
      Segment w = plan.windows().get(wi);
      for (int lv = 0; lv < levels.size(); lv++) {
        String level = levels.get(lv);
        Rates r = gd.byWindow().get(wi).get(lv);
        Subject subject = Subject.slice(g, level).with(Dim.WINDOW, w.label());
        if (r.n() < spec.minRows()) {
          ms.add(Measurement.inconclusive("accuracy", subject, r.n() == 0 ? Double.NaN : r.accuracy(), r.n(),
              "group " + g + "=" + level + " has " + r.n() + " rows in " + w.label() + ", fewer than minRows " + spec.minRows()));
        } else {
          Interval ci = r.accuracyCi();
          ms.add(Measurement.of("accuracy", subject, r.accuracy(), ci, r.n()));
          curves.get(lv).add(new Evidence.Point(w.label(), w.position(), r.accuracy(), ci.lower(), ci.upper()));
        }
      }
    }
    List<Rates> lastByLevel = gd.byWindow().get(gd.byWindow().size() - 1);
    for (int lv = 0; lv < levels.size(); lv++) {
      Rates ref = gd.reference().get(lv);
      Rates last = lastByLevel.get(lv);
      Subject subject = Subject.slice(g, levels.get(lv));
      if (ref.n() < spec.minRows() || last.n() < spec.minRows()) {
        ms.add(Measurement.inconclusive("group_last_window_accuracy_drop", subject, Double.NaN, last.n(),
            "group " + subject + " has " + ref.n() + " reference and " + last.n() + " last-window rows; both need minRows " + spec.minRows()));
      } else {
        ms.add(Measurement.of("group_last_window_accuracy_drop", subject, ref.accuracy() - last.accuracy(), Rates.newcombeCi(ref, last), last.n()));
      }
    }
    List<Evidence.Series> series = new ArrayList<>();
    StringBuilder alt = new StringBuilder("Accuracy per window for each group of " + g + ":");
    for (int lv = 0; lv < levels.size(); lv++) {
      Rates ref = gd.reference().get(lv);
      Rates last = lastByLevel.get(lv);
      series.add(new Evidence.Series(Subject.slice(g, levels.get(lv)) + " (reference " + fmt(ref.accuracy()) + ")", curves.get(lv)));
      alt.append(' ').append(levels.get(lv)).append(" from ").append(fmt(ref.accuracy())).append(" to ")
          .append(last.n() == 0 ? "n/a" : fmt(last.accuracy())).append(';');
    }
    ev.add(new Evidence.Chart("Accuracy per window by " + g, Evidence.ChartKind.LINE, "window", "accuracy", series, null, alt.toString()));
  }

  private static int[] rowsOf(Segment s, String column, int level) {
    int[] codes = s.table().categorical(column).codes();
    return java.util.Arrays.stream(s.rows()).filter(r -> codes[r] == level).toArray();
  }

  private static Rates rates(CheckContext ctx, Segment s, int[] rows) {
    Table t = s.table();
    int[] decisions = ctx.predictions(t).decisions();
    int[] labels = t.labels();
    return Rates.of(rows, decisions, labels, ctx.label().positiveIndex());
  }

  private static void addRate(List<Measurement> ms, String metric, Subject subject, double v, long n, String why) {
    ms.add(Double.isNaN(v) ? Measurement.inconclusive(metric, subject, Double.NaN, n, why) : Measurement.of(metric, subject, v, n));
  }
}

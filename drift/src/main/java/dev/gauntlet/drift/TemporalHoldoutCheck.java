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
import dev.gauntlet.harness.model.Capability;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Temporal holdout: the model's accuracy (and selection rate, TPR, FPR, FNR, precision for binary
 * labels) in the reference period and in each later window, overall and per group of each
 * protected attribute, so a reviewer sees the decay curve and whom it hits first; and a retrain-by
 * estimate, the number of window periods until the fitted decay trend falls {@code maxDrop} below
 * the reference accuracy. Accuracy drops are always against the reference period.
 *
 * <p>Metrics: {@code reference_accuracy}; per window (subject = window label) {@code accuracy}
 * (Wilson 95% interval), {@code accuracy_drop} (Newcombe interval), {@code selection_rate},
 * {@code tpr}, {@code fpr}, {@code fnr}, {@code precision}; per window and group
 * ({@code 2024-03 sex=F}) {@code accuracy}; {@code last_window_accuracy_drop} overall and per group
 * ({@code group_last_window_accuracy_drop}, subject {@code sex=F}); {@code windows_until_retrain}.
 *
 * @param groups the categorical columns whose groups get their own decay curve
 * @param maxDrop how far below the reference accuracy the floor lies
 * @param horizon the most window periods the retrain estimate looks ahead
 */
public record TemporalHoldoutCheck(WindowSpec spec, List<String> groups, double maxDrop, int horizon) implements Check<CheckValue> {

  public TemporalHoldoutCheck {
    Objects.requireNonNull(spec, "spec");
    groups = List.copyOf(groups);
    if (!(maxDrop > 0 && maxDrop < 1)) {
      throw new IllegalArgumentException("maxDrop must be in (0, 1), got " + maxDrop);
    }
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be at least 1 window, got " + horizon);
    }
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

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  @Override
  public CheckValue run(CheckContext ctx) {
    ColumnSpec label = ctx.label();
    int positive = label.positiveIndex();
    boolean binary = label.categories().size() == 2;
    WindowPlan plan = WindowPlan.of(ctx.data(), ctx.reference(), spec);
    ctx.progress("temporal holdout: " + plan.windows().size() + " windows");
    Segment ref = plan.reference();
    Rates refRates = rates(ctx, ref, ref.rows());
    if (refRates.n() < spec.minRows()) {
      throw new dev.gauntlet.harness.UsageException("the reference period has " + refRates.n() + " rows, fewer than minRows " + spec.minRows()
          + "; it cannot anchor the decay curve");
    }
    double refAcc = refRates.accuracy();
    double floor = refAcc - maxDrop;
    List<Measurement> ms = new ArrayList<>();
    double[] refCi = refRates.accuracyInterval();
    ms.add(Measurement.withInterval("reference_accuracy", "", refAcc, refCi[0], refCi[1], refRates.n()));

    List<Evidence.Point> accPoints = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    List<Evidence.Cell> flagged = new ArrayList<>();
    List<Double> fx = new ArrayList<>();
    List<Double> fy = new ArrayList<>();
    List<Double> fw = new ArrayList<>();
    Measurement lastDrop = null;
    for (Segment w : plan.windows()) {
      Rates r = rates(ctx, w, w.rows());
      String s = w.label();
      if (r.n() < spec.minRows()) {
        String why = "window " + s + " has " + r.n() + " rows, fewer than minRows " + spec.minRows();
        ms.add(Measurement.inconclusive("accuracy", s, r.n() == 0 ? Double.NaN : r.accuracy(), r.n(), why));
        lastDrop = Measurement.inconclusive("accuracy_drop", s, Double.NaN, r.n(), why);
        ms.add(lastDrop);
        rows.add(List.of(s, Long.toString(r.n()), "too few rows", "", "", "", ""));
        continue;
      }
      double acc = r.accuracy();
      double[] ci = r.accuracyInterval();
      double[] dci = Rates.newcombe(refRates, r);
      ms.add(Measurement.withInterval("accuracy", s, acc, ci[0], ci[1], r.n()));
      lastDrop = Measurement.withInterval("accuracy_drop", s, refAcc - acc, dci[0], dci[1], r.n());
      ms.add(lastDrop);
      if (binary) {
        addRate(ms, "selection_rate", s, r.selectionRate(), r.n(), "no rows");
        addRate(ms, "tpr", s, r.tpr(), r.tp() + r.fn(), "no positive labels in the window");
        addRate(ms, "fpr", s, r.fpr(), r.fp() + r.tn(), "no negative labels in the window");
        addRate(ms, "fnr", s, r.fnr(), r.tp() + r.fn(), "no positive labels in the window");
        addRate(ms, "precision", s, r.precision(), r.tp() + r.fp(), "no positive decisions in the window");
      }
      accPoints.add(new Evidence.Point(s, w.position(), acc, ci[0], ci[1]));
      fx.add((double) w.position());
      fy.add(acc);
      fw.add((double) r.n());
      if (acc < floor) {
        flagged.add(new Evidence.Cell(rows.size(), 2));
      }
      rows.add(List.of(s, Long.toString(r.n()), fmt(acc) + " [" + fmt(ci[0]) + ", " + fmt(ci[1]) + "]", fmt(refAcc - acc),
          binary ? fmt(r.selectionRate()) : "", binary ? fmt(r.tpr()) : "", binary ? fmt(r.fpr()) : ""));
    }
    Segment last = plan.last();
    ms.add(new Measurement("last_window_accuracy_drop", dev.gauntlet.harness.metric.Subject.all(), lastDrop.value(), lastDrop.interval(), lastDrop.n(),
        lastDrop.inconclusive()));

    // Retrain-by estimate.
    String retrainText;
    List<Evidence.Series> series = new ArrayList<>();
    series.add(new Evidence.Series("accuracy (95% Wilson)", accPoints));
    if (fx.size() < 3) {
      ms.add(Measurement.inconclusive("windows_until_retrain", "", Double.NaN, fx.size(),
          "only " + fx.size() + " windows have at least minRows rows; a trend needs 3"));
      retrainText = "Too few usable windows (" + fx.size() + ") to fit a decay trend.";
    } else {
      Segment lastUsable = null;
      for (Segment w : plan.windows()) {
        if (w.size() >= spec.minRows()) {
          lastUsable = w;
        }
      }
      RetrainEstimate est = RetrainEstimate.fit(toArray(fx), toArray(fy), toArray(fw), floor, lastUsable.position(), fy.get(fy.size() - 1), horizon);
      ms.add(Measurement.of("windows_until_retrain", "", est.windowsAhead(), fx.size()));
      List<Evidence.Point> trend = new ArrayList<>();
      double x0 = fx.get(0);
      double x1 = lastUsable.position() + (est.crosses() ? Math.ceil(est.windowsAhead()) : 0);
      trend.add(Evidence.Point.of(x0, est.intercept() + est.slope() * x0));
      trend.add(Evidence.Point.of(x1, est.intercept() + est.slope() * x1));
      series.add(new Evidence.Series("trend (weighted least squares)", trend));
      String by = spec.unit() == WindowUnit.ROWS ? "" : " (about " + spec.unit().label(keyOf(ctx, lastUsable) + (long) Math.ceil(est.windowsAhead())) + ")";
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
        "Accuracy of the model in each " + spec.unit().name().toLowerCase() + " window after the reference period, with 95% intervals; the band is "
            + "the reference accuracy " + fmt(refAcc) + " minus " + fmt(maxDrop) + " and above. " + retrainText));
    ev.add(new Evidence.Table("Per window (reference accuracy " + fmt(refAcc) + " on " + refRates.n() + " rows)",
        List.of("window", "rows", "accuracy [95% CI]", "drop vs reference", "selection rate", "TPR", "FPR"), rows, 0, flagged));
    groupDecay(ctx, plan, positive, ms, ev);
    ev.add(new Evidence.Note("How the data was cut", plan.description() + " " + retrainText));
    String summary = "Accuracy " + fmt(refAcc) + " in the reference period, "
        + (lastDrop.inconclusive() == null ? fmt(refAcc - lastDrop.value()) : "not measurable") + " in the last window (" + last.label()
        + ", " + last.size() + " rows). " + retrainText;
    return new CheckValue(ms, ev, summary);
  }

  private long keyOf(CheckContext ctx, Segment w) {
    return spec.unit().key(w.table().timestamps(spec.time())[w.rows()[0]]);
  }

  private void groupDecay(CheckContext ctx, WindowPlan plan, int positive, List<Measurement> ms, List<Evidence> ev) {
    for (String g : groups) {
      ColumnSpec spec2 = ctx.schema().column(g);
      List<String> levels = spec2.categories();
      Map<String, List<Evidence.Point>> curves = new LinkedHashMap<>();
      Map<String, Rates> refByLevel = new LinkedHashMap<>();
      for (int lv = 0; lv < levels.size(); lv++) {
        Segment ref = plan.reference();
        int[] refRows = rowsOf(ref, g, lv);
        refByLevel.put(levels.get(lv), rates(ctx, ref, refRows));
        curves.put(levels.get(lv), new ArrayList<>());
      }
      Map<String, Rates> lastByLevel = new LinkedHashMap<>();
      for (Segment w : plan.windows()) {
        for (int lv = 0; lv < levels.size(); lv++) {
          String level = levels.get(lv);
          Rates r = rates(ctx, w, rowsOf(w, g, lv));
          String subject = w.label() + " " + g + "=" + level;
          if (r.n() < spec.minRows()) {
            ms.add(Measurement.inconclusive("accuracy", subject, r.n() == 0 ? Double.NaN : r.accuracy(), r.n(),
                "group " + g + "=" + level + " has " + r.n() + " rows in " + w.label() + ", fewer than minRows " + spec.minRows()));
          } else {
            double[] ci = r.accuracyInterval();
            ms.add(Measurement.withInterval("accuracy", subject, r.accuracy(), ci[0], ci[1], r.n()));
            curves.get(level).add(new Evidence.Point(w.label(), w.position(), r.accuracy(), ci[0], ci[1]));
          }
          if (w == plan.last()) {
            lastByLevel.put(level, r);
          }
        }
      }
      for (String level : levels) {
        Rates ref = refByLevel.get(level);
        Rates last = lastByLevel.get(level);
        String subject = g + "=" + level;
        if (ref.n() < spec.minRows() || last.n() < spec.minRows()) {
          ms.add(Measurement.inconclusive("group_last_window_accuracy_drop", subject, Double.NaN, last.n(),
              "group " + subject + " has " + ref.n() + " reference and " + last.n() + " last-window rows; both need minRows " + spec.minRows()));
        } else {
          double[] d = Rates.newcombe(ref, last);
          ms.add(Measurement.withInterval("group_last_window_accuracy_drop", subject, ref.accuracy() - last.accuracy(), d[0], d[1], last.n()));
        }
      }
      List<Evidence.Series> series = new ArrayList<>();
      StringBuilder alt = new StringBuilder("Accuracy per window for each group of " + g + ":");
      for (Map.Entry<String, List<Evidence.Point>> e : curves.entrySet()) {
        series.add(new Evidence.Series(g + "=" + e.getKey() + " (reference " + fmt(refByLevel.get(e.getKey()).accuracy()) + ")", e.getValue()));
        Rates last = lastByLevel.get(e.getKey());
        alt.append(' ').append(e.getKey()).append(" from ").append(fmt(refByLevel.get(e.getKey()).accuracy())).append(" to ")
            .append(last.n() == 0 ? "n/a" : fmt(last.accuracy())).append(';');
      }
      ev.add(new Evidence.Chart("Accuracy per window by " + g, Evidence.ChartKind.LINE, "window", "accuracy", series, null, alt.toString()));
    }
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

  private static void addRate(List<Measurement> ms, String metric, String subject, double v, long n, String why) {
    ms.add(Double.isNaN(v) ? Measurement.inconclusive(metric, subject, Double.NaN, n, why) : Measurement.of(metric, subject, v, n));
  }

  private static double[] toArray(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }
}

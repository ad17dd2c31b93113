package dev.gauntlet.history;

import dev.gauntlet.harness.check.Condition;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.TrendCondition;
import dev.gauntlet.harness.history.History;
import dev.gauntlet.harness.history.HistoryPoint;
import dev.gauntlet.harness.metric.MetricId;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Finding;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A trend chart (an {@link Evidence.Chart} line over the recorded runs, then this one) for every
 * metric a trend condition judges, added to its check's evidence so the HTML report draws it with
 * the same charts, text alternatives and tables as every other chart. Only metrics under a trend
 * condition get one: their verdict already depends on the history, so the report of a suite without
 * trend conditions stays a function of model, data, suite and seed.
 */
public final class TrendEvidence {
  /** At most this many recorded points per chart (the latest). */
  static final int MAX_POINTS = 50;

  /** At most this many trend charts per check. */
  static final int MAX_CHARTS = 8;

  private TrendEvidence() {}

  /** The result with trend charts added; the same result when there is nothing to draw. */
  public static SuiteResult attach(SuiteResult r, Suite suite, History history) {
    if (history.problem().isPresent()) {
      return r;
    }
    Set<String> trended = new LinkedHashSet<>();
    for (CheckSpec<?> spec : suite.checks()) {
      for (Condition<?> c : spec.conditions()) {
        if (c instanceof TrendCondition tc) {
          trended.add(spec.id() + "\u0000" + tc.metric());
        }
      }
    }
    if (trended.isEmpty()) {
      return r;
    }
    List<CheckResult> out = new ArrayList<>();
    boolean changed = false;
    for (CheckResult c : r.checks()) {
      List<Evidence> charts = new ArrayList<>();
      Set<MetricId> done = new LinkedHashSet<>();
      for (Finding f : c.findings()) {
        if (f.metric() == null || !trended.contains(c.id() + "\u0000" + f.metric().name()) || !done.add(f.metric()) || charts.size() >= MAX_CHARTS) {
          continue;
        }
        List<HistoryPoint> ps = history.series(c.id(), f.metric().name(), f.metric().subject()).stream().filter(HistoryPoint::usable).toList();
        if (ps.isEmpty()) {
          continue;
        }
        ps = ps.subList(Math.max(0, ps.size() - MAX_POINTS), ps.size());
        List<Evidence.Point> points = new ArrayList<>();
        StringBuilder alt = new StringBuilder();
        int x = 0;
        for (HistoryPoint p : ps) {
          String label = "#" + p.runId() + (p.window() == null ? "" : " " + p.window()) + (p.promoted() ? " (promoted)" : "");
          points.add(new Evidence.Point(label, x++, p.value(), Double.NaN, Double.NaN));
          alt.append(alt.length() == 0 ? "" : ", ").append(label).append(' ').append(MetricCondition.fmt(p.value()));
        }
        if (Double.isFinite(f.value())) {
          points.add(new Evidence.Point("this run", x, f.value(), Double.NaN, Double.NaN));
          alt.append(", this run ").append(MetricCondition.fmt(f.value()));
        }
        String what = f.metric().toString();
        charts.add(new Evidence.Chart("Trend of " + what + " across the recorded runs", Evidence.ChartKind.LINE, "run", f.metric().name(),
            List.of(new Evidence.Series(what, points)), null,
            "The value of " + what + " in the last " + ps.size() + " recorded run" + (ps.size() == 1 ? "" : "s") + " of this suite, oldest first, then this run: "
                + alt + "."));
      }
      if (charts.isEmpty()) {
        out.add(c);
        continue;
      }
      changed = true;
      List<Evidence> ev = new ArrayList<>(c.evidence());
      ev.addAll(charts);
      out.add(new CheckResult(c.id(), c.title(), c.trial(), c.description(), c.required(), c.outcome(), c.summary(), c.conditions(), c.findings(),
          c.measurements(), c.baselineMeasurements(), ev, c.error(), c.blocker(), c.durationMillis()));
    }
    return changed ? new SuiteResult(r.schemaVersion(), r.suite(), r.verdict(), out, r.provenance()) : r;
  }
}

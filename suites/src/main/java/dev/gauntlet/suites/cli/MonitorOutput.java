package dev.gauntlet.suites.cli;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.report.Text;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.history.HistoryStore;
import dev.gauntlet.history.RunRecord;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The console part of {@code gauntlet monitor}: estimated against realized accuracy per window, the retraining estimate, the revision. */
final class MonitorOutput {
  private MonitorOutput() {}

  /** The ids of the suite's earlier monitor runs, oldest first (empty without a history). */
  static List<Long> earlierRevisions(HistoryStore store, String suite) {
    if (store == null) {
      return List.of();
    }
    List<Long> ids = new ArrayList<>();
    for (RunRecord r : store.runs(suite, 100_000)) {
      if ("monitor".equals(r.kind())) {
        ids.add(0, r.id());
      }
    }
    return ids;
  }

  static String revisionLine(long runId, List<Long> earlier) {
    if (earlier.isEmpty()) {
      return "Revision 1 of these windows (the first monitor run of this suite).";
    }
    List<String> ids = earlier.stream().map(i -> "#" + i).toList();
    return "Revision " + (earlier.size() + 1) + " of these windows; the history keeps the earlier revisions too (monitor runs "
        + String.join(", ", ids.subList(Math.max(0, ids.size() - 10), ids.size())) + (ids.size() > 10 ? " and " + (ids.size() - 10) + " before" : "") + ").";
  }

  /** Per monitor check: one line per window (whole population), then the retraining estimate. */
  static void print(SuiteResult r, PrintWriter out) {
    for (CheckResult c : r.checks()) {
      Map<String, Map<String, Measurement>> byWindow = new LinkedHashMap<>();
      Measurement days = null;
      for (Measurement m : c.measurements()) {
        if (m.metric().equals("days_until_floor")) {
          days = m;
        }
        String w = m.subject().get(Subject.Dim.WINDOW);
        if (w == null || !m.subject().attributes().isEmpty()) {
          continue;
        }
        byWindow.computeIfAbsent(w, k -> new LinkedHashMap<>()).put(m.metric(), m);
      }
      if (byWindow.isEmpty() || byWindow.values().stream().noneMatch(x -> x.containsKey("estimated_accuracy"))) {
        continue;
      }
      out.println();
      out.println(Text.forConsole("Monitor '" + c.id() + "': estimated (CBPE) against realized accuracy per window (* = INCONCLUSIVE, not judged):"));
      out.println(String.format(Locale.ROOT, "  %-10s %8s  %-24s %-24s", "WINDOW", "LABELLED", "REALIZED", "ESTIMATED"));
      for (Map.Entry<String, Map<String, Measurement>> e : byWindow.entrySet()) {
        Measurement comp = e.getValue().get("label_completeness");
        out.println(Text.forConsole(String.format(Locale.ROOT, "  %-10s %8s  %-24s %-24s", e.getKey(),
            comp == null || Double.isNaN(comp.value()) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * comp.value()),
            cell(e.getValue().get("realized_accuracy")), cell(e.getValue().get("estimated_accuracy")))));
      }
      for (Evidence ev : c.evidence()) {
        if (ev instanceof Evidence.Note n && n.title().equals("Retraining cadence")) {
          out.println(Text.forConsole("  " + n.text()));
        }
      }
      if (days != null && days.inconclusive() == null && days.hasInterval()) {
        out.println(Text.forConsole(String.format(Locale.ROOT, "  days_until_floor %.0f (%s interval %.0f to %.0f)", days.value(),
            days.interval().levelText(), days.lower(), days.upper())));
      }
    }
  }

  private static String cell(Measurement m) {
    if (m == null || Double.isNaN(m.value())) {
      return "n/a";
    }
    String v = m.hasInterval() ? String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", m.value(), m.lower(), m.upper()) : String.format(Locale.ROOT, "%.3f", m.value());
    return m.inconclusive() != null ? v + " *" : v;
  }
}

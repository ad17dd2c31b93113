package dev.gauntlet.harness.history;

import dev.gauntlet.harness.metric.Subject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The recorded past of a suite, as the trend conditions read it: loaded once, before the run, and
 * handed to the runner as a value (the harness never talks to a database). A history is in one of
 * three states: {@link #none() none} (no store was configured), {@link #unreachable unreachable}
 * (a store was configured but could not be read) and {@link #of loaded} (possibly empty).
 *
 * <p>A series is matched on check id, metric name and subject <em>without its window part</em>, so
 * the windows of a {@code monitor} run and the runs of {@code audit} form one series; it is ordered
 * oldest first by run time, then window.
 *
 * @since 0.1
 */
public interface History {

  /** Why the trend conditions cannot read a history (ERROR), or empty when they can. */
  Optional<String> problem();

  /**
   * The recorded points of one measurement series, oldest first; empty when nothing was recorded.
   * Never null.
   */
  List<HistoryPoint> series(String checkId, String metric, Subject subject);

  /** No history store configured: every trend condition is an ERROR saying so. */
  static History none() {
    return new Loaded(List.of(), "no history store is configured (give the suite a history: {url: ...} or the --history option)");
  }

  /** A store was configured but could not be read: every trend condition is an ERROR with this reason. */
  static History unreachable(String reason) {
    return new Loaded(List.of(), "the history could not be read: " + Objects.requireNonNull(reason, "reason"));
  }

  /** A loaded history made of these points (any order; may be empty). */
  static History of(List<HistoryPoint> points) {
    return new Loaded(points, null);
  }

  /** The implementation: a list of points and an optional problem. */
  final class Loaded implements History {
    private final List<HistoryPoint> points;
    private final String problem;

    private Loaded(List<HistoryPoint> points, String problem) {
      List<HistoryPoint> ps = new ArrayList<>(points);
      ps.sort(Comparator.comparing(HistoryPoint::startedAt).thenComparingLong(HistoryPoint::runId)
          .thenComparing(p -> p.window() == null ? "" : p.window()));
      this.points = List.copyOf(ps);
      this.problem = problem;
    }

    @Override
    public Optional<String> problem() {
      return Optional.ofNullable(problem);
    }

    @Override
    public List<HistoryPoint> series(String checkId, String metric, Subject subject) {
      Subject key = subject.without(Subject.Dim.WINDOW);
      List<HistoryPoint> out = new ArrayList<>();
      for (HistoryPoint p : points) {
        if (p.checkId().equals(checkId) && p.metric().equals(metric) && p.subject().without(Subject.Dim.WINDOW).equals(key)) {
          out.add(p);
        }
      }
      return out;
    }
  }
}

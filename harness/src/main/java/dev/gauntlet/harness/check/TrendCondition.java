package dev.gauntlet.harness.check;

import dev.gauntlet.harness.history.History;
import dev.gauntlet.harness.history.HistoryPoint;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricId;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A condition on a metric's recorded history (see {@link History}), one judgement per subject:
 *
 * <ul>
 *   <li>{@code maxDropFromPromoted: d}: FAIL when the value is more than {@code d} below the value
 *       of the last promoted run of the same suite (same check, metric and subject);
 *   <li>{@code sustainedDrop: {windows: k, by: d}}: FAIL when each of the last {@code k} values (the
 *       {@code k - 1} latest recorded ones and this run's) is at least {@code d} below the value
 *       recorded just before them;
 *   <li>{@code controlChart: {sigma: s, min: n}}: FAIL when the value is outside mean ± s·sd of the
 *       recorded values (sample standard deviation), which needs at least {@code n} of them.
 * </ul>
 *
 * <p>"Drop" means the value got smaller. Too little history is INCONCLUSIVE with the reason, never
 * PASS; a history that could not be read (or none configured) is ERROR. Inconclusive or non-finite
 * recorded values are left out of every series.
 *
 * @since 0.1
 */
public final class TrendCondition implements Condition<Measured> {

  /** The kind of trend rule. */
  public enum Kind {
    MAX_DROP_FROM_PROMOTED, SUSTAINED_DROP, CONTROL_CHART
  }

  private final String metric;
  private final Subject subject;
  private final Kind kind;
  private final double amount;
  private final double warn;
  private final int count;

  private TrendCondition(String metric, Subject subject, Kind kind, double amount, double warn, int count) {
    this.metric = Objects.requireNonNull(metric, "metric");
    this.subject = subject;
    this.kind = kind;
    this.amount = amount;
    this.warn = warn;
    this.count = count;
    switch (kind) {
      case MAX_DROP_FROM_PROMOTED -> {
        if (!(amount >= 0) || !Double.isFinite(amount)) {
          throw new IllegalArgumentException("'" + metric + "': maxDropFromPromoted must be a finite number at least 0, got " + amount);
        }
        if (!Double.isNaN(warn) && !(warn >= 0 && warn <= amount)) {
          throw new IllegalArgumentException("'" + metric + "': the warn drop " + warn + " must be in [0, " + amount + "]");
        }
      }
      case SUSTAINED_DROP -> {
        if (count < 1 || count > 1000) {
          throw new IllegalArgumentException("'" + metric + "': sustainedDrop.windows must be in [1, 1000], got " + count);
        }
        if (!(amount > 0) || !Double.isFinite(amount)) {
          throw new IllegalArgumentException("'" + metric + "': sustainedDrop.by must be a finite number above 0, got " + amount);
        }
      }
      case CONTROL_CHART -> {
        if (!(amount > 0) || !Double.isFinite(amount)) {
          throw new IllegalArgumentException("'" + metric + "': controlChart.sigma must be a finite number above 0, got " + amount);
        }
        if (count < 2 || count > 100_000) {
          throw new IllegalArgumentException("'" + metric + "': controlChart.min must be in [2, 100000] (a standard deviation needs two values), got " + count);
        }
      }
    }
  }

  /** FAIL when the value is more than {@code drop} below the last promoted run's. */
  public static TrendCondition maxDropFromPromoted(String metric, double drop) {
    return new TrendCondition(metric, null, Kind.MAX_DROP_FROM_PROMOTED, drop, Double.NaN, 0);
  }

  /** FAIL when the last {@code windows} values are each at least {@code by} below the value before them. */
  public static TrendCondition sustainedDrop(String metric, int windows, double by) {
    return new TrendCondition(metric, null, Kind.SUSTAINED_DROP, by, Double.NaN, windows);
  }

  /** FAIL when the value is outside mean ± {@code sigma}·sd of at least {@code min} recorded values. */
  public static TrendCondition controlChart(String metric, double sigma, int min) {
    return new TrendCondition(metric, null, Kind.CONTROL_CHART, sigma, Double.NaN, min);
  }

  /** Also warns beyond this drop ({@code maxDropFromPromoted} only). */
  public TrendCondition warnAt(double drop) {
    if (kind != Kind.MAX_DROP_FROM_PROMOTED) {
      throw new IllegalArgumentException("warn applies to maxDropFromPromoted only");
    }
    return new TrendCondition(metric, subject, kind, amount, drop, count);
  }

  /** Judges only the measurement about this subject. */
  public TrendCondition forSubject(Subject s) {
    return new TrendCondition(metric, Objects.requireNonNull(s, "subject"), kind, amount, warn, count);
  }

  public String metric() {
    return metric;
  }

  /** The subject this condition is limited to, or null for every subject. */
  public Subject subject() {
    return subject;
  }

  public Kind kind() {
    return kind;
  }

  /** Checks the metric and subject against a check's declarations (IllegalArgumentException otherwise). */
  public MetricDecl validate(MetricSet metrics, String checkType) {
    return metrics.validate(metric, subject, checkType);
  }

  @Override
  public String describe() {
    String what = subject == null ? metric : new MetricId(metric, subject).toString();
    return switch (kind) {
      case MAX_DROP_FROM_PROMOTED -> what + " at most " + MetricCondition.fmt(amount) + " below the last promoted run"
          + (Double.isNaN(warn) ? "" : " (warn beyond " + MetricCondition.fmt(warn) + ")");
      case SUSTAINED_DROP -> what + " not down by " + MetricCondition.fmt(amount) + " or more for " + count + " runs or windows in a row";
      case CONTROL_CHART -> what + " within mean ± " + MetricCondition.fmt(amount) + " sd of its history (at least " + count + " recorded values)";
    };
  }

  /** Without a history this condition cannot judge: ERROR (the runner calls {@link #judge(Measured, History, String)}). */
  @Override
  public List<Judgement> judge(Measured candidate, Measured baseline) {
    return judge(candidate, History.none(), null);
  }

  /**
   * Judges the candidate's measurements against the recorded history of check {@code checkId}.
   *
   * @return at least one judgement
   */
  public List<Judgement> judge(Measured candidate, History history, String checkId) {
    List<Judgement> out = new ArrayList<>();
    List<Measurement> ms = new ArrayList<>();
    for (Measurement m : candidate.measurements()) {
      if (m.metric().equals(metric) && (subject == null || subject.equals(m.subject()))) {
        ms.add(m);
      }
    }
    String what = subject == null ? metric : new MetricId(metric, subject).toString();
    if (ms.isEmpty()) {
      out.add(new Judgement(subject == null ? null : new MetricId(metric, subject), Outcome.ERROR,
          "The check measured no '" + what + "', so its trend cannot be judged.", Double.NaN, Double.NaN));
      return out;
    }
    for (Measurement m : ms) {
      out.add(judgeOne(m, history, checkId));
    }
    return out;
  }

  private Judgement judgeOne(Measurement m, History history, String checkId) {
    String name = MetricCondition.spoken(metric);
    String who = capitalize(m.subject().isAll() ? name : name + " for " + m.subject());
    if (history.problem().isPresent() || checkId == null) {
      return new Judgement(m.id(), Outcome.ERROR, who + " cannot be compared with its history: "
          + history.problem().orElse("no check id was given") + ".", m.value(), Double.NaN);
    }
    if (m.inconclusive() != null) {
      return new Judgement(m.id(), Outcome.INCONCLUSIVE, who + " cannot be judged: " + m.inconclusive() + ".", m.value(), Double.NaN);
    }
    List<HistoryPoint> series = new ArrayList<>();
    for (HistoryPoint p : history.series(checkId, m.metric(), m.subject())) {
      if (p.usable()) {
        series.add(p);
      }
    }
    double v = m.value();
    return switch (kind) {
      case MAX_DROP_FROM_PROMOTED -> fromPromoted(m, who, series);
      case SUSTAINED_DROP -> sustained(m, who, series);
      case CONTROL_CHART -> {
        if (series.size() < count) {
          yield new Judgement(m.id(), Outcome.INCONCLUSIVE, who + " cannot be judged on a control chart yet: the history has "
              + series.size() + " usable recorded value" + (series.size() == 1 ? "" : "s") + " and the rule needs at least " + count + ".", v, Double.NaN);
        }
        double mean = 0;
        for (HistoryPoint p : series) {
          mean += p.value();
        }
        mean /= series.size();
        double ss = 0;
        for (HistoryPoint p : series) {
          ss += (p.value() - mean) * (p.value() - mean);
        }
        double sd = Math.sqrt(ss / (series.size() - 1));
        double lo = mean - amount * sd;
        double hi = mean + amount * sd;
        boolean out = v < lo - 1e-12 || v > hi + 1e-12;
        yield new Judgement(m.id(), out ? Outcome.FAIL : Outcome.PASS, who + " is " + MetricCondition.fmt(v) + ", " + (out ? "outside" : "inside")
            + " the control limits [" + MetricCondition.fmt(lo) + ", " + MetricCondition.fmt(hi) + "] (mean " + MetricCondition.fmt(mean)
            + " ± " + MetricCondition.fmt(amount) + " sd of " + MetricCondition.fmt(sd) + " over " + series.size() + " recorded values).", v, mean);
      }
    };
  }

  private Judgement fromPromoted(Measurement m, String who, List<HistoryPoint> series) {
    HistoryPoint last = null;
    for (HistoryPoint p : series) {
      if (p.promoted() && p.passed()) {
        last = p;
      }
    }
    if (last == null) {
      return new Judgement(m.id(), Outcome.INCONCLUSIVE, who + " cannot be compared with a promoted model: no promoted run of this suite"
          + " has a usable recorded value of it (promote a PASSED run with 'gauntlet promote').", m.value(), Double.NaN);
    }
    double drop = last.value() - m.value();
    Outcome o = drop > amount + 1e-12 ? Outcome.FAIL : (!Double.isNaN(warn) && drop > warn + 1e-12 ? Outcome.WARN : Outcome.PASS);
    String moved = drop == 0 ? "no change" : (drop > 0 ? "a drop of " : "a rise of ") + MetricCondition.fmt(Math.abs(drop));
    return new Judgement(m.id(), o, who + " is " + MetricCondition.fmt(m.value()) + " against " + MetricCondition.fmt(last.value())
        + " of the last promoted run (#" + last.runId() + ", " + last.startedAt() + "): " + moved
        + (o == Outcome.FAIL ? ", more than " : "; ") + "the allowed drop is " + MetricCondition.fmt(amount) + ".", m.value(), last.value());
  }

  private Judgement sustained(Measurement m, String who, List<HistoryPoint> series) {
    // the k values in the span: the last k-1 recorded and this one; the reference is the one before them
    if (series.size() < count) {
      return new Judgement(m.id(), Outcome.INCONCLUSIVE, who + " cannot be judged for a sustained drop yet: the rule needs " + count
          + " earlier recorded value" + (count == 1 ? "" : "s") + " and the history has " + series.size() + ".", m.value(), Double.NaN);
    }
    HistoryPoint ref = series.get(series.size() - count);
    List<Double> span = new ArrayList<>();
    for (int i = series.size() - count + 1; i < series.size(); i++) {
      span.add(series.get(i).value());
    }
    span.add(m.value());
    boolean all = true;
    for (double x : span) {
      all &= ref.value() - x >= amount - 1e-12;
    }
    StringBuilder vals = new StringBuilder();
    for (double x : span) {
      vals.append(vals.length() == 0 ? "" : ", ").append(MetricCondition.fmt(x));
    }
    return new Judgement(m.id(), all ? Outcome.FAIL : Outcome.PASS, who + (all ? " has dropped" : " has not dropped") + " by at least "
        + MetricCondition.fmt(amount) + " for " + count + " runs or windows in a row: " + vals + " against " + MetricCondition.fmt(ref.value())
        + " recorded before them (run #" + ref.runId() + ").", m.value(), ref.value());
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}

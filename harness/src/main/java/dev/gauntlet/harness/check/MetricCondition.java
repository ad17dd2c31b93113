package dev.gauntlet.harness.check;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricId;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.Subject;

/**
 * The generic condition on a named metric of any {@link Measured} value, one judgement per subject:
 * a value threshold ({@code atLeast}, {@code atMost}, {@code between}) or a change threshold against
 * the baseline model ({@code maxDrop}, {@code maxRise}).
 *
 * <p>With {@link IntervalRule#WHOLE_INTERVAL} a measurement passes only when its whole confidence
 * interval is on the right side, fails when the whole interval is on the wrong side, and warns
 * when the interval straddles the threshold (the data cannot tell).
 */
public final class MetricCondition implements Condition<Measured> {

  /** The kind of comparison. */
  public enum Kind {
    AT_LEAST, AT_MOST, BETWEEN, MAX_DROP, MAX_RISE
  }

  /** How confidence intervals are used. */
  public enum IntervalRule {
    /** Judge the point estimate. */
    POINT,
    /** Pass only when the whole interval satisfies the condition. */
    WHOLE_INTERVAL
  }

  private final String metric;
  private final Subject subject;
  private final Kind kind;
  private final double fail;
  private final double failUpper;
  private final double warn;
  private final double warnUpper;
  private final IntervalRule rule;

  private MetricCondition(String metric, Subject subject, Kind kind, double fail, double failUpper, double warn, double warnUpper, IntervalRule rule) {
    this.metric = Objects.requireNonNull(metric, "metric");
    this.subject = subject;
    this.kind = kind;
    this.fail = fail;
    this.failUpper = failUpper;
    this.warn = warn;
    this.warnUpper = warnUpper;
    this.rule = rule;
    if (!Double.isFinite(fail)) {
      throw new IllegalArgumentException("threshold of '" + metric + "' must be finite, got " + fail);
    }
    switch (kind) {
      case AT_LEAST -> {
        if (!Double.isNaN(warn) && warn < fail) {
          throw new IllegalArgumentException("'" + metric + "': the warn threshold " + warn + " must be at or above the fail threshold " + fail);
        }
      }
      case AT_MOST -> {
        if (!Double.isNaN(warn) && warn > fail) {
          throw new IllegalArgumentException("'" + metric + "': the warn threshold " + warn + " must be at or below the fail threshold " + fail);
        }
      }
      case BETWEEN -> {
        if (!(failUpper >= fail)) {
          throw new IllegalArgumentException("'" + metric + "': band [" + fail + ", " + failUpper + "] is empty");
        }
        if (!Double.isNaN(warn) && (warn < fail || warnUpper > failUpper || warnUpper < warn)) {
          throw new IllegalArgumentException("'" + metric + "': the warn band must lie inside the fail band");
        }
      }
      case MAX_DROP, MAX_RISE -> {
        if (fail < 0) {
          throw new IllegalArgumentException("'" + metric + "': a maximum change must be at least 0, got " + fail);
        }
      }
    }
  }

  /** Fails when the metric is below {@code min}. */
  public static MetricCondition atLeast(String metric, double min) {
    return new MetricCondition(metric, null, Kind.AT_LEAST, min, Double.NaN, Double.NaN, Double.NaN, IntervalRule.POINT);
  }

  /** Fails when the metric is above {@code max}. */
  public static MetricCondition atMost(String metric, double max) {
    return new MetricCondition(metric, null, Kind.AT_MOST, max, Double.NaN, Double.NaN, Double.NaN, IntervalRule.POINT);
  }

  /** Fails when the metric is outside {@code [lower, upper]}. */
  public static MetricCondition between(String metric, double lower, double upper) {
    return new MetricCondition(metric, null, Kind.BETWEEN, lower, upper, Double.NaN, Double.NaN, IntervalRule.POINT);
  }

  /** Fails when the candidate's metric is more than {@code drop} below the baseline's. */
  public static MetricCondition maxDrop(String metric, double drop) {
    return new MetricCondition(metric, null, Kind.MAX_DROP, drop, Double.NaN, Double.NaN, Double.NaN, IntervalRule.POINT);
  }

  /** Fails when the candidate's metric is more than {@code rise} above the baseline's. */
  public static MetricCondition maxRise(String metric, double rise) {
    return new MetricCondition(metric, null, Kind.MAX_RISE, rise, Double.NaN, Double.NaN, Double.NaN, IntervalRule.POINT);
  }

  /** Also warns when the metric crosses {@code threshold} (at-least, at-most, change). */
  public MetricCondition warnAt(double threshold) {
    if (kind == Kind.BETWEEN) {
      throw new IllegalArgumentException("use warnBetween for a band condition");
    }
    return new MetricCondition(metric, subject, kind, fail, failUpper, threshold, Double.NaN, rule);
  }

  /** Also warns when the metric leaves the inner band {@code [lower, upper]}. */
  public MetricCondition warnBetween(double lower, double upper) {
    if (kind != Kind.BETWEEN) {
      throw new IllegalArgumentException("warnBetween applies to band conditions");
    }
    return new MetricCondition(metric, subject, kind, fail, failUpper, lower, upper, rule);
  }

  /**
   * Judges only the measurement about this subject, in the one subject grammar ({@link
   * Subject#parse}, e.g. {@code sex=F&eps=0.05}).
   */
  public MetricCondition forSubject(String s) {
    return forSubject(Subject.parse(s));
  }

  /** Judges only the measurement about this subject. */
  public MetricCondition forSubject(Subject s) {
    return new MetricCondition(metric, java.util.Objects.requireNonNull(s, "subject"), kind, fail, failUpper, warn, warnUpper, rule);
  }

  /** The subject this condition is limited to, or null for every subject. */
  public Subject subject() {
    return subject;
  }

  /**
   * Checks the metric and subject against a check's declarations; an {@link
   * IllegalArgumentException} naming the valid metrics (and the nearest one) otherwise.
   */
  public MetricDecl validate(MetricSet metrics, String checkType) {
    MetricDecl d = metrics.validate(metric, subject, checkType);
    if ((kind == Kind.MAX_DROP || kind == Kind.MAX_RISE) && !Double.isNaN(warn) && warn > fail) {
      throw new IllegalArgumentException("'" + metric + "': the warn change " + warn + " must be at or below the fail change " + fail);
    }
    if (rule == IntervalRule.WHOLE_INTERVAL && !d.interval()) {
      throw new IllegalArgumentException("metric '" + metric + "' has no confidence interval, so 'interval: whole' cannot apply; remove it");
    }
    return d;
  }

  public MetricCondition using(IntervalRule r) {
    return new MetricCondition(metric, subject, kind, fail, failUpper, warn, warnUpper, r);
  }

  public String metric() {
    return metric;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public String describe() {
    String what = subject == null ? metric : new MetricId(metric, subject).toString();
    String s = switch (kind) {
      case AT_LEAST -> what + " >= " + fmt(fail) + (Double.isNaN(warn) ? "" : " (warn below " + fmt(warn) + ")");
      case AT_MOST -> what + " <= " + fmt(fail) + (Double.isNaN(warn) ? "" : " (warn above " + fmt(warn) + ")");
      case BETWEEN -> what + " within [" + fmt(fail) + ", " + fmt(failUpper) + "]"
          + (Double.isNaN(warn) ? "" : " (warn outside [" + fmt(warn) + ", " + fmt(warnUpper) + "])");
      case MAX_DROP -> what + " at most " + fmt(fail) + " below the baseline" + (Double.isNaN(warn) ? "" : " (warn beyond " + fmt(warn) + ")");
      case MAX_RISE -> what + " at most " + fmt(fail) + " above the baseline" + (Double.isNaN(warn) ? "" : " (warn beyond " + fmt(warn) + ")");
    };
    return rule == IntervalRule.WHOLE_INTERVAL ? s + ", whole confidence interval" : s;
  }

  @Override
  public List<Judgement> judge(Measured candidate, Measured baseline) {
    List<Measurement> ms = select(candidate);
    List<Judgement> out = new ArrayList<>();
    if (ms.isEmpty()) {
      Set<String> known = new LinkedHashSet<>();
      for (Measurement m : candidate.measurements()) {
        known.add(m.key());
      }
      out.add(new Judgement(subject == null ? null : new MetricId(metric, subject), Outcome.ERROR,
          "The check measured no '" + (subject == null ? metric : new MetricId(metric, subject)) + "'; it measured: "
              + (known.isEmpty() ? "nothing" : String.join(", ", known)) + ".", Double.NaN, Double.NaN));
      return out;
    }
    for (Measurement m : ms) {
      out.add(judgeOne(m, baseline));
    }
    return out;
  }

  private List<Measurement> select(Measured v) {
    List<Measurement> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    for (Measurement m : v.measurements()) {
      if (m.metric().equals(metric) && (subject == null || subject.equals(m.subject()))) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * A metric's name as words for sentences: underscores become spaces, and the regression error
   * acronyms are written as such ({@code mae} MAE, {@code rmse} RMSE, {@code r2} R-squared, the
   * {@code _ks} of predictions and errors KS).
   */
  public static String spoken(String metric) {
    StringBuilder out = new StringBuilder();
    String[] words = metric.split("_", -1);
    for (int i = 0; i < words.length; i++) {
      String w = words[i];
      boolean ks = w.equals("ks") && i == words.length - 1 && (metric.equals("prediction_ks") || metric.equals("residual_ks"));
      out.append(i > 0 ? " " : "").append(switch (w) {
        case "mae" -> "MAE";
        case "rmse" -> "RMSE";
        case "r2" -> "R-squared";
        default -> ks ? "KS" : w;
      });
    }
    return out.toString();
  }

  private Judgement judgeOne(Measurement m, Measured baseline) {
    String name = spoken(metric);
    String who = m.subject().isAll() ? name : name + " for " + m.subject();
    if (m.inconclusive() != null) {
      return new Judgement(m.id(), Outcome.INCONCLUSIVE, capitalize(who) + " cannot be judged: " + m.inconclusive() + ".", m.value(), Double.NaN);
    }
    if (kind == Kind.MAX_DROP || kind == Kind.MAX_RISE) {
      return judgeChange(m, who, baseline);
    }
    double v = m.value();
    boolean interval = rule == IntervalRule.WHOLE_INTERVAL && m.hasInterval();
    String shown = fmt(v) + (m.hasInterval() ? " (" + m.interval().levelText() + " " + m.interval().method().label() + " interval "
        + fmt(m.lower()) + " to " + fmt(m.upper()) + ")" : "");
    Outcome o;
    String verdict;
    switch (kind) {
      case AT_LEAST -> {
        o = interval ? (m.lower() >= fail ? Outcome.PASS : m.upper() < fail ? Outcome.FAIL : Outcome.WARN) : (v >= fail ? Outcome.PASS : Outcome.FAIL);
        if (o == Outcome.PASS && !Double.isNaN(warn) && v < warn) {
          o = Outcome.WARN;
        }
        verdict = switch (o) {
          case PASS -> "meets the minimum " + fmt(fail);
          case FAIL -> "is below the minimum " + fmt(fail);
          default -> interval && m.lower() < fail ? "has an interval that reaches below the minimum " + fmt(fail)
              : "is below the warning level " + fmt(warn);
        };
      }
      case AT_MOST -> {
        o = interval ? (m.upper() <= fail ? Outcome.PASS : m.lower() > fail ? Outcome.FAIL : Outcome.WARN) : (v <= fail ? Outcome.PASS : Outcome.FAIL);
        if (o == Outcome.PASS && !Double.isNaN(warn) && v > warn) {
          o = Outcome.WARN;
        }
        verdict = switch (o) {
          case PASS -> "is within the maximum " + fmt(fail);
          case FAIL -> "exceeds the maximum " + fmt(fail);
          default -> interval && m.upper() > fail ? "has an interval that reaches above the maximum " + fmt(fail)
              : "is above the warning level " + fmt(warn);
        };
      }
      default -> {
        boolean inside = v >= fail && v <= failUpper;
        if (interval) {
          boolean allIn = m.lower() >= fail && m.upper() <= failUpper;
          boolean allOut = m.upper() < fail || m.lower() > failUpper;
          o = allIn ? Outcome.PASS : allOut ? Outcome.FAIL : Outcome.WARN;
        } else {
          o = inside ? Outcome.PASS : Outcome.FAIL;
        }
        if (o == Outcome.PASS && !Double.isNaN(warn) && (v < warn || v > warnUpper)) {
          o = Outcome.WARN;
        }
        String band = "[" + fmt(fail) + ", " + fmt(failUpper) + "]";
        verdict = switch (o) {
          case PASS -> "is inside the band " + band;
          case FAIL -> "is outside the band " + band;
          default -> interval && !(m.lower() >= fail && m.upper() <= failUpper) ? "has an interval that crosses the edge of the band " + band
              : "is inside " + band + " but outside the warning band [" + fmt(warn) + ", " + fmt(warnUpper) + "]";
        };
      }
    }
    String sentence = capitalize(who) + " is " + shown + ", which " + verdict + ".";
    return new Judgement(m.id(), o, sentence, v, Double.NaN);
  }

  private Judgement judgeChange(Measurement m, String who, Measured baseline) {
    if (baseline == null) {
      return new Judgement(m.id(), Outcome.INCONCLUSIVE, capitalize(who) + " cannot be compared: the suite gives no baseline model.", m.value(), Double.NaN);
    }
    Measurement b = null;
    for (Measurement x : baseline.measurements()) {
      if (x.metric().equals(m.metric()) && x.subject().equals(m.subject())) {
        b = x;
      }
    }
    if (b == null || b.inconclusive() != null) {
      return new Judgement(m.id(), Outcome.INCONCLUSIVE, capitalize(who) + " cannot be compared: the baseline model has no usable value"
          + (b != null ? " (" + b.inconclusive() + ")" : " (it measured no " + m.key() + ")") + ".", m.value(), Double.NaN);
    }
    double change = kind == Kind.MAX_DROP ? b.value() - m.value() : m.value() - b.value();
    Outcome o = change > fail + 1e-12 ? Outcome.FAIL : (!Double.isNaN(warn) && change > warn + 1e-12 ? Outcome.WARN : Outcome.PASS);
    double delta = m.value() - b.value();
    String moved = delta == 0 ? "no change" : (delta < 0 ? "a drop of " : "a rise of ") + fmt(Math.abs(delta));
    String limit = "the allowed " + (kind == Kind.MAX_DROP ? "drop" : "rise") + " is " + fmt(fail);
    String sentence = capitalize(who) + " is " + fmt(m.value()) + " against the baseline's " + fmt(b.value()) + ": " + moved
        + (o == Outcome.FAIL ? ", more than " : "; ") + limit + ".";
    return new Judgement(m.id(), o, sentence, m.value(), b.value());
  }

  /** Formats a number with up to 4 significant digits, for sentences. */
  public static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.4g", v);
    if (s.contains("e")) {
      return s;
    }
    if (s.contains(".")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}

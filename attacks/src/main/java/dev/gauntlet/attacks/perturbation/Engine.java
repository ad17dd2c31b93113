package dev.gauntlet.attacks.perturbation;

import dev.gauntlet.attacks.perturbation.FeatureSpace.Slot;
import dev.gauntlet.attacks.perturbation.Generator.Case;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.Models;
import dev.gauntlet.harness.model.Task;
import dev.gauntlet.harness.stats.Intervals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link Property} against the model of a {@link CheckContext}: generates the cases in chunks,
 * scores each chunk with one batched model call, counts failures, shrinks the first failing cases and
 * builds the measurements and evidence.
 */
final class Engine {
  /** Fewer cases that changed the input than this (or than the cases run, if fewer) make the property INCONCLUSIVE. */
  static final int MIN_CHANGED_CASES = 30;

  private static final int CHUNK = 4096;
  private static final int FAILING_SHOWN = 10;

  private final CheckContext ctx;
  private final Property property;
  private final FeatureSpace space;
  private final Generator generator;
  private final double[][] dataProbabilities;
  private final int positive;
  private final List<String> classes;
  private final Slot swapped;
  /**
   * A regression model: a "probability vector" here is the one-element {predicted value}, the
   * compared score is the predicted value and there is no decision; tolerances are in the label's units.
   */
  private final boolean regression;

  Engine(CheckContext ctx, Property property) {
    this.ctx = ctx;
    this.property = property;
    this.regression = ctx.model().task() == Task.REGRESSION;
    if (regression && property.kind() == PropertyKind.INVARIANCE) {
      throw new UsageException("property '" + property.name() + "' demands an unchanged decision, but model '" + ctx.model().name()
          + "' is a regression model (one number per row, no decision); use kind: tolerance with the largest allowed change of the prediction");
    }
    if (!regression && (property.kind() == PropertyKind.TOLERANCE || property.kind() == PropertyKind.DIRECTIONAL) && property.tolerance() >= 1) {
      throw new UsageException("property '" + property.name() + "' has tolerance " + property.tolerance() + ", but a classifier's score is a probability: "
          + "the tolerance must be below 1 (a tolerance in the label's units is for regression models)");
    }
    if (!regression && property.kind() == PropertyKind.COUNTERFACTUAL && property.tolerance() > 0) {
      throw new UsageException("property '" + property.name() + "': a classifier's counterfactual demands the same decision; tolerance "
          + "(the allowed change of a regression model's prediction) does not apply");
    }
    this.space = new FeatureSpace(ctx.encoder(), ctx.encode(ctx.data()));
    this.generator = new Generator(space, property);
    this.dataProbabilities = property.rows() != Property.Rows.DATA ? null
        : regression ? wrap(ctx.predictions(ctx.data()).values()) : ctx.predictions(ctx.data()).probabilities();
    int k = regression ? 2 : ctx.model().classCount();
    this.positive = ctx.schema().label().map(ColumnSpec::positiveIndex).orElse(1);
    List<String> names = ctx.schema().label().map(ColumnSpec::categories).orElse(List.of());
    if (names.size() != k) {
      names = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        names.add("class " + i);
      }
    }
    this.classes = names;
    if (property.kind() == PropertyKind.DIRECTIONAL || property.kind() == PropertyKind.TOLERANCE) {
      if (k != 2) {
        throw new UsageException("property '" + property.name() + "' compares positive-class scores, which needs a binary model; this model has " + k + " classes");
      }
    }
    Slot s = null;
    for (Perturbation p : property.perturbations()) {
      if (p instanceof Perturbation.ProtectedSwap ps) {
        s = space.slot(ps.attribute());
      }
    }
    this.swapped = s;
  }

  /** The outcome of scoring a batch of cases. */
  private record Scored(double[][] before, double[][] after) {}

  private Scored score(List<Case> cases) {
    int m = cases.size();
    double[][] before = new double[m][];
    List<double[]> toPredict = new ArrayList<>(2 * m);
    for (Case c : cases) {
      toPredict.add(c.after());
    }
    int[] beforeAt = new int[m];
    for (int i = 0; i < m; i++) {
      Case c = cases.get(i);
      if (c.row() >= 0) {
        before[i] = dataProbabilities[c.row()];
        beforeAt[i] = -1;
      } else {
        beforeAt[i] = toPredict.size();
        toPredict.add(c.before());
      }
    }
    double[][] p = regression ? wrap(ctx.predictValuesBatched(toPredict.toArray(new double[0][])))
        : ctx.predictBatched(toPredict.toArray(new double[0][]));
    double[][] after = Arrays.copyOf(p, m);
    for (int i = 0; i < m; i++) {
      if (beforeAt[i] >= 0) {
        before[i] = p[beforeAt[i]];
      }
    }
    return new Scored(before, after);
  }

  private static double[][] wrap(double[] v) {
    double[][] out = new double[v.length][];
    for (int i = 0; i < v.length; i++) {
      out[i] = new double[] {v[i]};
    }
    return out;
  }

  private int decision(double[] p) {
    if (regression) {
      return 0;
    }
    if (p.length == 2) {
      return p[positive] >= ctx.threshold() ? positive : 1 - positive;
    }
    return Models.argmax(p);
  }

  /** The score a property compares: the positive-class probability (binary) or the first decision's probability. */
  private double score(double[] p, int reference) {
    if (regression) {
      return p[0];
    }
    return p.length == 2 ? p[positive] : p[reference];
  }

  /** The failure's identity, or null when the case satisfies the property. */
  private String failure(Case c, double[] pb, double[] pa) {
    int db = decision(pb);
    int da = decision(pa);
    double sb = score(pb, db);
    double sa = score(pa, db);
    if (regression) {
      return regressionFailure(c, sb, sa);
    }
    return switch (property.kind()) {
      case INVARIANCE -> db == da ? null : "decision " + classes.get(db) + " -> " + classes.get(da);
      case COUNTERFACTUAL -> db == da ? null : "decision " + classes.get(db) + " -> " + classes.get(da) + " when " + swapped.name() + " "
          + swapped.column().categories().get(space.category(c.before(), swapped)) + " -> "
          + swapped.column().categories().get(space.category(c.after(), swapped));
      case TOLERANCE -> Math.abs(sa - sb) > property.tolerance()
          ? "score " + (sa > sb ? "rose" : "fell") + " by more than " + MetricCondition.fmt(property.tolerance()) : null;
      case DIRECTIONAL -> property.direction() == Property.Direction.UP
          ? (sa < sb - property.tolerance() ? "score fell although it must not go down" : null)
          : (sa > sb + property.tolerance() ? "score rose although it must not go up" : null);
    };
  }

  /**
   * A regression model's failure identity: the direction of the move (shrinking keeps it), or null.
   * Tolerance and counterfactual: |after - before| <= tolerance; directional: no move against the
   * direction by more than tolerance.
   */
  private String regressionFailure(Case c, double before, double after) {
    double t = property.tolerance();
    String by = MetricCondition.fmt(t);
    return switch (property.kind()) {
      case INVARIANCE -> throw new IllegalStateException("refused in the constructor");
      case TOLERANCE -> Math.abs(after - before) > t ? "prediction " + (after > before ? "rose" : "fell") + " by more than " + by : null;
      case COUNTERFACTUAL -> Math.abs(after - before) > t ? "prediction " + (after > before ? "rose" : "fell") + " by more than " + by + " when "
          + swapped.name() + " " + swapped.column().categories().get(space.category(c.before(), swapped)) + " -> "
          + swapped.column().categories().get(space.category(c.after(), swapped)) : null;
      case DIRECTIONAL -> property.direction() == Property.Direction.UP
          ? (after < before - t ? "prediction fell" + (t > 0 ? " by more than " + by : "") + " although it must not go down" : null)
          : (after > before + t ? "prediction rose" + (t > 0 ? " by more than " + by : "") + " although it must not go up" : null);
    };
  }

  private String[] failures(List<Case> cases) {
    Scored s = score(cases);
    String[] out = new String[cases.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = failure(cases.get(i), s.before()[i], s.after()[i]);
    }
    return out;
  }

  /**
   * What the cases found, before any judgement: how many ran, changed the input and failed, the
   * score changes, the first failing cases (indexes, and as generated for the evidence), the
   * shrunk counterexamples and, for a counterfactual property, failures per starting group.
   */
  record Analysis(long seed, int ran, int changed, int failures, List<Integer> failing, List<Counterexample> counterexamples, double meanAbs,
      double maxAbs, Map<Subject, long[]> byGroup, List<String[]> failingRows) {}

  PerturbationResult run() {
    return report(analyse());
  }

  /** Generates, scores and counts every case, then shrinks the first failing ones. */
  Analysis analyse() {
    long seed = property.seed() != null ? property.seed() : ctx.seed();
    int first = property.replayCase() != null ? property.replayCase() : 0;
    int end = property.replayCase() != null ? first + 1 : property.cases();
    int ran = end - first;
    ctx.progress("property '" + property.name() + "': " + ran + " case(s) from seed " + seed);
    int failures = 0;
    int changed = 0;
    double sumAbs = 0;
    double maxAbs = 0;
    List<Integer> failingShown = new ArrayList<>();
    Map<String, Integer> firstOfIdentity = new LinkedHashMap<>();
    List<Integer> firstFailing = new ArrayList<>();
    Map<Subject, long[]> byGroup = new LinkedHashMap<>();
    List<String[]> failingRows = new ArrayList<>();
    for (int start = first; start < end; start += CHUNK) {
      int stop = Math.min(end, start + CHUNK);
      List<Case> cases = new ArrayList<>(stop - start);
      for (int i = start; i < stop; i++) {
        cases.add(generator.generate(seed, i));
      }
      Scored s = score(cases);
      for (int j = 0; j < cases.size(); j++) {
        Case c = cases.get(j);
        int index = start + j;
        if (!Arrays.equals(c.before(), c.after())) {
          changed++;
        }
        int db = decision(s.before()[j]);
        double delta = Math.abs(score(s.after()[j], db) - score(s.before()[j], db));
        sumAbs += delta;
        maxAbs = Math.max(maxAbs, delta);
        String id = failure(c, s.before()[j], s.after()[j]);
        if (swapped != null) {
          Subject g = Subject.slice(swapped.name(), swapped.column().categories().get(space.category(c.before(), swapped)));
          long[] t = byGroup.computeIfAbsent(g, k -> new long[2]);
          t[1]++;
          if (id != null) {
            t[0]++;
          }
        }
        if (id != null) {
          failures++;
          if (failingShown.size() < 100) {
            failingShown.add(index);
          }
          firstOfIdentity.putIfAbsent(id, index);
          if (firstFailing.size() < property.shrink()) {
            firstFailing.add(index);
          }
          if (failingRows.size() < FAILING_SHOWN) {
            failingRows.add(new String[] {Integer.toString(index), rowLabel(c), id,
                fmt4(score(s.before()[j], db)) + " -> " + fmt4(score(s.after()[j], db)), changesText(c)});
          }
        }
      }
    }
    List<Counterexample> counterexamples = counterexamples(seed, firstOfIdentity.values(), firstFailing, failingShown);
    return new Analysis(seed, ran, changed, failures, failingShown, counterexamples, sumAbs / Math.max(ran, 1), maxAbs, byGroup, failingRows);
  }

  /**
   * Shrinks one case of each distinct failure first, then further failing cases in index order.
   * Several cases often shrink to the same minimal case: each minimal case is kept once, trying at
   * most two failing cases beyond the number to show.
   */
  private List<Counterexample> counterexamples(long seed, java.util.Collection<Integer> firstOfIdentity, List<Integer> firstFailing,
      List<Integer> failingShown) {
    Set<Integer> toShrink = new LinkedHashSet<>();
    for (int idx : firstOfIdentity) {
      if (toShrink.size() < property.shrink()) {
        toShrink.add(idx);
      }
    }
    for (int idx : firstFailing) {
      if (toShrink.size() < property.shrink()) {
        toShrink.add(idx);
      }
    }
    List<Integer> candidates = new ArrayList<>(toShrink.stream().sorted().toList());
    for (int idx : failingShown) {
      if (candidates.size() >= property.shrink() + 2) {
        break;
      }
      if (!candidates.contains(idx)) {
        candidates.add(idx);
      }
    }
    List<Counterexample> counterexamples = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    // The runner keeps only the candidate model's evidence: the baseline's measurements need no shrinking.
    for (int idx : ctx.isBaseline() ? List.<Integer>of() : candidates) {
      if (counterexamples.size() >= property.shrink()) {
        break;
      }
      ctx.progress("shrinking case " + idx);
      Counterexample c = shrink(seed, idx);
      if (seen.add(c.row() + "|" + c.failure() + "|" + c.changes())) {
        counterexamples.add(c);
      }
    }
    counterexamples.sort(java.util.Comparator.comparingInt(Counterexample::caseIndex));
    return counterexamples;
  }

  /** Replays case {@code index} of {@code seed} and shrinks it. */
  Counterexample shrink(long seed, int index) {
    Case generated = generator.generate(seed, index);
    String identity = failures(List.of(generated))[0];
    if (identity == null) {
      throw new UsageException("case " + index + " of seed " + seed + " failed but passes when replayed: model '" + ctx.model().name()
          + "' gives different outputs for the same input, so its failures cannot be shrunk or replayed");
    }
    Shrinker shrinker = new Shrinker(candidates -> {
      List<Case> cs = new ArrayList<>(candidates.size());
      for (long[] seq : candidates) {
        cs.add(generator.generate(Choices.replay(seq)));
      }
      return failures(cs);
    });
    Shrinker.Result r = shrinker.shrink(generated.choices(), generated.kinds(), identity, property.maxShrinkSteps());
    Case shrunk = generator.generate(Choices.replay(r.choices()));
    Scored s = score(List.of(shrunk));
    int db = decision(s.before()[0]);
    int da = decision(s.after()[0]);
    return new Counterexample(seed, index, rowLabel(shrunk), identity, changes(shrunk), score(s.before()[0], db), score(s.after()[0], db),
        regression ? null : classes.get(db), regression ? null : classes.get(da), regression ? Double.NaN : ctx.threshold(), rowLabel(generated), changes(generated), r.steps(), shrunk.before(), shrunk.after(), r.choices());
  }

  private String rowLabel(Case c) {
    return c.row() >= 0 ? ctx.data().rowLabel(c.row()) : "synthetic row";
  }

  private List<Counterexample.Change> changes(Case c) {
    List<Counterexample.Change> out = new ArrayList<>();
    if (isImage()) {
      int n = 0;
      double maxAbs = 0;
      for (int d = 0; d < c.before().length; d++) {
        double diff = Math.abs(c.after()[d] - c.before()[d]);
        if (diff > 0) {
          n++;
          maxAbs = Math.max(maxAbs, diff);
        }
      }
      if (n > 0) {
        out.add(new Counterexample.Change("pixels", n + " changed", "largest change " + fmt4(maxAbs)));
      }
      return out;
    }
    for (Slot s : space.slots) {
      String b = space.decode(c.before(), s);
      String a = space.decode(c.after(), s);
      if (!b.equals(a) || !sameDims(c, s)) {
        out.add(new Counterexample.Change(s.name(), b, a));
      }
    }
    return out;
  }

  private static boolean sameDims(Case c, Slot s) {
    for (int d = s.first(); d < s.first() + s.width(); d++) {
      if (c.before()[d] != c.after()[d]) {
        return false;
      }
    }
    return true;
  }

  private String changesText(Case c) {
    return String.join("; ", changes(c).stream().map(Counterexample.Change::toString).toList());
  }

  private boolean isImage() {
    return property.perturbations().stream().anyMatch(p -> p instanceof Perturbation.ImageNoise
        || p instanceof Perturbation.Brightness || p instanceof Perturbation.Shift);
  }

  /** Turns an analysis into measurements (all about the whole data but failure_rate_from), evidence and a summary. */
  private PerturbationResult report(Analysis a) {
    long seed = a.seed();
    int ran = a.ran();
    int changed = a.changed();
    int failures = a.failures();
    List<Integer> failing = a.failing();
    List<Counterexample> cxs = a.counterexamples();
    List<String[]> failingRows = a.failingRows();
    String name = property.name();
    Subject all = Subject.all();
    double level = property.confidence();
    List<Measurement> ms = new ArrayList<>();
    // A case whose perturbation left the input unchanged cannot fail (same input, same score), so the
    // failure rate is over the cases that changed the input: unchanged cases must not dilute it.
    int denominator = Math.max(changed, 1);
    double rate = (double) failures / denominator;
    double[] ci = Intervals.wilson(failures, denominator, level);
    int needed = Math.min(MIN_CHANGED_CASES, ran);
    // A property that changed no input (or too few) was not exercised: nothing it measured may pass.
    String vacuous = changed == 0 ? "nothing could be perturbed: none of the " + ran + " cases changed the model input (the perturbations "
        + "were no-ops on every row, e.g. noise rounded away on integer or binary features), so the property was not exercised"
        : changed < needed ? "only " + changed + " of " + ran + " cases changed the model input (at least " + needed + " are needed; the rest were "
        + "no-ops, e.g. noise rounded away on integer or binary features), so the property was hardly exercised" : null;
    ms.add(vacuous != null ? Measurement.inconclusive("failure_rate", all, rate, changed, vacuous)
        : Measurement.of("failure_rate", all, rate, Interval.of(ci[0], ci[1], level, Interval.Method.WILSON), changed));
    ms.add(vacuous != null ? Measurement.inconclusive("failures", all, failures, changed, vacuous) : Measurement.of("failures", all, failures, changed));
    ms.add(Measurement.of("changed_rate", all, (double) changed / ran, ran));
    String meanName = regression ? "mean_abs_prediction_change" : "mean_abs_score_change";
    String maxName = regression ? "max_abs_prediction_change" : "max_abs_score_change";
    ms.add(vacuous != null ? Measurement.inconclusive(meanName, all, a.meanAbs(), ran, vacuous) : Measurement.of(meanName, all, a.meanAbs(), ran));
    ms.add(vacuous != null ? Measurement.inconclusive(maxName, all, a.maxAbs(), ran, vacuous) : Measurement.of(maxName, all, a.maxAbs(), ran));
    for (Map.Entry<Subject, long[]> g : a.byGroup().entrySet()) {
      long f = g.getValue()[0];
      long n = g.getValue()[1];
      double[] gi = Intervals.wilson(f, n, level);
      ms.add(vacuous != null ? Measurement.inconclusive("failure_rate_from", g.getKey(), (double) f / n, n, vacuous)
          : Measurement.of("failure_rate_from", g.getKey(), (double) f / n, Interval.of(gi[0], gi[1], level, Interval.Method.WILSON), n));
    }

    List<Evidence> ev = new ArrayList<>();
    for (int i = 0; i < cxs.size(); i++) {
      ev.add(counterexampleTable(i + 1, cxs.get(i)));
    }
    if (!cxs.isEmpty() && isImage()) {
      images(cxs.get(0)).ifPresent(ev::add);
    }
    if (!failingRows.isEmpty()) {
      List<List<String>> rows = new ArrayList<>();
      for (String[] r : failingRows) {
        rows.add(List.of(r));
      }
      ev.add(new Evidence.Table("Failing cases as generated (first " + failingRows.size() + " of " + failures + ")",
          List.of("case", "row", "failure", (regression ? "prediction" : "score") + " before -> after", "changes"), rows, failures - failingRows.size(), List.of()));
    }
    ev.add(new Evidence.Note("Replay", replayText(seed, failing)));
    String pct = MetricCondition.fmt(100 * rate) + "%";
    String summary = "Property '" + name + "' failed in " + failures + " of " + changed + " cases that changed the input (" + pct + ", "
        + Interval.of(ci[0], ci[1], level, Interval.Method.WILSON).levelText() + " Wilson interval " + MetricCondition.fmt(100 * ci[0]) + "% to "
        + MetricCondition.fmt(100 * ci[1]) + "%) from seed " + seed + "."
        + (cxs.isEmpty() ? "" : " Shrunk counterexample: " + shortText(cxs.get(0)) + ".")
        + (vacuous != null ? " Inconclusive: " + vacuous + "." : changed < ran ? " " + (ran - changed) + " of " + ran
        + " case(s) left the input unchanged and are not counted." : "");
    return new PerturbationResult(property, seed, ran, changed, failures, failing, cxs, ms, ev, summary);
  }

  static String shortText(Counterexample c) {
    return "case " + c.caseIndex() + ", " + c.row() + ", " + String.join("; ", c.changes().stream().map(Counterexample.Change::toString).toList())
        + " gives " + c.failure();
  }

  private Evidence.Table counterexampleTable(int number, Counterexample c) {
    List<List<String>> rows = new ArrayList<>();
    List<Evidence.Cell> flagged = new ArrayList<>();
    rows.add(List.of("row", c.row(), c.row()));
    for (Counterexample.Change ch : c.changes()) {
      flagged.add(new Evidence.Cell(rows.size(), 2));
      rows.add(List.of(ch.feature(), ch.before(), ch.after()));
    }
    flagged.add(new Evidence.Cell(rows.size(), 2));
    if (regression) {
      rows.add(List.of("prediction", fmt4(c.scoreBefore()), fmt4(c.scoreAfter())));
    } else {
      rows.add(List.of("score", Counterexample.score(c.scoreBefore(), ctx.threshold()), Counterexample.score(c.scoreAfter(), ctx.threshold())));
      flagged.add(new Evidence.Cell(rows.size(), 2));
      rows.add(List.of("decision", c.decisionBefore(), c.decisionAfter()));
    }
    String title = "Shrunk counterexample " + number + ": case " + c.caseIndex() + " of seed " + c.seed() + ", " + c.failure()
        + " (as generated: " + c.generatedRow() + " with " + c.generatedChanges().size() + " feature(s) changed; shrunk to "
        + c.changes().size() + " in " + c.shrinkSteps() + " steps)";
    return new Evidence.Table(title, List.of("feature", "before", "after"), rows, 0, flagged);
  }

  private java.util.Optional<Evidence> images(Counterexample c) {
    int w = 0;
    int h = 0;
    for (Perturbation p : property.perturbations()) {
      if (p instanceof Perturbation.Shift sh) {
        w = sh.width();
        h = sh.height();
      }
    }
    int n = space.width();
    if (w == 0) {
      int side = (int) Math.round(Math.sqrt(n));
      if (side * side != n) {
        return java.util.Optional.empty();
      }
      w = side;
      h = side;
    }
    List<Double> b = new ArrayList<>();
    List<Double> a = new ArrayList<>();
    List<Double> d = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      b.add(c.before()[i]);
      a.add(c.after()[i]);
      d.add(c.after()[i] - c.before()[i]);
    }
    return java.util.Optional.of(new Evidence.Images("Shrunk counterexample: case " + c.caseIndex() + ", " + c.failure(), w, h, List.of(
        new Evidence.Image("before (" + c.decisionBefore() + ")", b, false),
        new Evidence.Image("after (" + c.decisionAfter() + ")", a, false),
        new Evidence.Image("difference", d, true))));
  }

  private String replayText(long seed, List<Integer> failing) {
    StringBuilder sb = new StringBuilder();
    sb.append("Every case is generated from seed ").append(seed).append(" and its case index alone, and shrinking is deterministic, ")
        .append("so a case and its shrunk counterexample replay exactly; rerunning the suite with the same suite seed and check id ")
        .append("gives the same seed.");
    if (failing.isEmpty()) {
      sb.append(" No case failed.");
    } else {
      int c = failing.get(0);
      sb.append(" Failing cases: ").append(String.join(", ", failing.stream().limit(20).map(String::valueOf).toList()))
          .append(failing.size() > 20 ? ", ..." : "").append(".")
          .append(" Replay: in YAML add 'seed: ").append(seed).append("' and 'replayCase: ").append(c).append("' to this check's params;")
          .append(" in Java use property.withSeed(").append(seed).append("L).replaying(").append(c).append(").");
    }
    return sb.toString();
  }

  private static String fmt4(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}

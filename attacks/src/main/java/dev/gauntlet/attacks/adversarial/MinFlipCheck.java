package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.attacks.adversarial.AdversarialEvidence.Example;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.data.ColumnSpec;
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
import dev.gauntlet.harness.stats.Intervals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The minimal epsilon that flips each row's decision, found by binary search over epsilon with
 * the attack (per row: the smallest radius at which the attack found a flip, to within
 * {@code maxEps / 2^searchSteps}); rows not flipped at {@code maxEps} count as {@code +inf}.
 *
 * <p>Measurements: {@code median_min_flip_eps} (capped at {@code maxEps}: a value of
 * {@code maxEps} means at least that), {@code q10_min_flip_eps}, {@code flip_rate} (rows flipped
 * within {@code maxEps}); per group {@code group_median_min_flip_eps} (subject {@code sex=F}) and
 * {@code min_flip_eps_group_ratio} (subject {@code feature=sex}: the group column, since the ratio is
 * about all its groups; lowest group median over highest; 1 means equally hard to flip). No labels
 * are needed: the reference is the clean decision. {@code flip_rate} has a Wilson interval at
 * {@code confidence}.
 *
 * <p>A vacuous search is never a pass: when the ball of radius {@code maxEps} around every row
 * holds no valid point but the row (e.g. every mutable feature integer or binary and maxEps below
 * one step), every measurement is INCONCLUSIVE ("nothing could be perturbed within eps").
 *
 * @param attack the attack searched with (an iterative one is best; a targeted attack searches the
 *     smallest radius that reaches the target)
 * @param maxEps the largest radius tried
 * @param searchSteps binary search halvings, 1 to 30
 * @param maxRows rows searched at most (a seeded sample when the data has more)
 * @param groups group columns (empty: every categorical protected attribute)
 * @param minGroupSize groups with fewer sampled rows are inconclusive
 * @param fragileRows how many of the most fragile rows the evidence lists
 * @param export a CSV file name in the output directory for the minimal examples, or null
 * @param imageShape {width, height} when inputs are images, or null to detect square images
 * @param confidence the level of the Wilson interval of {@code flip_rate}, in [0.5, 0.999]
 */
public record MinFlipCheck(AttackSpec attack, double maxEps, int searchSteps, int maxRows, List<String> groups, int minGroupSize,
    int fragileRows, String export, int[] imageShape, double confidence) implements Check<CheckValue> {

  /** The metrics, published with the {@code adversarial.min-flip} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("median_min_flip_eps", Direction.HIGHER_IS_BETTER, "median minimal flipping epsilon (capped at maxEps: maxEps means at least)"),
      MetricDecl.of("q10_min_flip_eps", Direction.HIGHER_IS_BETTER, "10% quantile of the minimal flipping epsilon (capped at maxEps)"),
      MetricDecl.of("flip_rate", Direction.LOWER_IS_BETTER, "share of rows flipped within maxEps").withInterval(),
      MetricDecl.of("group_median_min_flip_eps", Direction.HIGHER_IS_BETTER, "median minimal flipping epsilon of one group")
          .about(SubjectShape.of(Dim.SLICE)),
      MetricDecl.of("min_flip_eps_group_ratio", Direction.HIGHER_IS_BETTER,
          "lowest over highest group median of a group column (subject feature=<column>); 1 means equally hard to flip")
          .about(SubjectShape.of(Dim.FEATURE)));

  /** The parameters, published with the {@code adversarial.min-flip} type. */
  public static final List<ParamDecl> PARAMS = params();

  private static List<ParamDecl> params() {
    List<ParamDecl> ps = new ArrayList<>(CheckOptions.attack());
    ps.add(ParamDecl.of("maxEps", "positive number", "1.0", "the largest radius tried"));
    ps.add(ParamDecl.of("searchSteps", "integer in [1, 30]", "8", "binary search halvings"));
    ps.addAll(CheckOptions.common(500));
    return List.copyOf(ps);
  }

  /** Validates the parameters; the one validator for Java and YAML. */
  public MinFlipCheck {
    java.util.Objects.requireNonNull(attack, "attack");
    groups = groups == null ? List.of() : List.copyOf(groups);
    ParamException.require(maxEps > 0 && !Double.isInfinite(maxEps), "maxEps", "maxEps must be a positive finite number, got " + maxEps);
    ParamException.inRange("searchSteps", searchSteps, 1, 30);
    CheckOptions.validate(maxRows, minGroupSize, fragileRows, export, imageShape, confidence);
  }

  /** The search with 95% intervals. */
  public MinFlipCheck(AttackSpec attack, double maxEps, int searchSteps, int maxRows, List<String> groups, int minGroupSize,
      int fragileRows, String export, int[] imageShape) {
    this(attack, maxEps, searchSteps, maxRows, groups, minGroupSize, fragileRows, export, imageShape, 0.95);
  }

  /** The search with defaults: 8 halvings, 500 rows, protected groups of at least 30, 10 fragile rows. */
  public static MinFlipCheck of(AttackSpec attack, double maxEps) {
    return new MinFlipCheck(attack, maxEps, 8, 500, List.of(), 30, 10, null, null, 0.95);
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
  }

  @Override
  public String title() {
    return "Minimal flipping epsilon (" + attack.shortName() + ")";
  }

  @Override
  public Trial trial() {
    return Trial.ADVERSARIAL;
  }

  @Override
  public String description() {
    return "For each row, the smallest distortion (epsilon) with which " + attack.describe()
        + " changes the model's decision, searched up to " + AdversarialEvidence.fmt(maxEps) + ": the smaller, the easier to flip.";
  }

  @Override
  public Set<Capability> requires() {
    return attack.kind().requires();
  }

  /**
   * The per-row minimal radii (+inf when not flipped) and the examples found there, with the
   * model's decision and probabilities on them; for a row not flipped, the point the attack ended at
   * with the largest radius. {@code attacked} says which rows the attack tried at all.
   */
  record Search(double[] minEps, double[][] examples, int[] decisions, double[][] probabilities, boolean[] attacked) {}

  /** Binary search of the minimal flipping radius of every row, all rows at once. */
  static Search search(Attacker attacker, AttackSpec attack, double[][] x0, int[] reference, double maxEps, int steps, long seed,
      java.util.function.Consumer<String> progress) {
    int n = x0.length;
    double[] lo = new double[n];
    double[] hi = new double[n];
    Arrays.fill(hi, maxEps);
    double[][] ex = new double[n][];
    int[] dec = new int[n];
    double[][] prob = new double[n][];
    AttackResult r = attacker.attack(attack, x0, reference, hi.clone(), seed);
    boolean[] open = new boolean[n];
    for (int i = 0; i < n; i++) {
      open[i] = r.success()[i];
      ex[i] = r.adversarial()[i];
      dec[i] = r.decisions()[i];
      prob[i] = r.probabilities()[i];
      if (!open[i]) {
        hi[i] = Double.POSITIVE_INFINITY;
      }
    }
    for (int s = 1; s <= steps; s++) {
      progress.accept("search step " + s + " of " + steps);
      double[] mid = new double[n];
      for (int i = 0; i < n; i++) {
        mid[i] = open[i] ? (lo[i] + hi[i]) / 2 : 0;
      }
      AttackResult m = attacker.attack(attack, x0, reference, mid, seed + 104729L * s);
      for (int i = 0; i < n; i++) {
        if (!open[i]) {
          continue;
        }
        if (m.success()[i]) {
          hi[i] = mid[i];
          ex[i] = m.adversarial()[i];
          dec[i] = m.decisions()[i];
          prob[i] = m.probabilities()[i];
        } else {
          lo[i] = mid[i];
        }
      }
    }
    return new Search(hi, ex, dec, prob, r.attacked());
  }

  /**
   * What the search found, before any judgement: the sampled data, the per-row search and why the
   * search is vacuous (null when some row could be perturbed within maxEps).
   */
  record Analysis(AttackData data, Search search, String vacuous) {}

  @Override
  public CheckValue run(CheckContext ctx) {
    return report(ctx, analyse(ctx));
  }

  /** Searches the minimal flipping radius of every sampled row. */
  Analysis analyse(CheckContext ctx) {
    AttackData d = AttackData.prepare(ctx, maxRows, false);
    Search s = search(d.attacker, attack, d.x0, d.decisions, maxEps, searchSteps, ctx.seed(), ctx::progress);
    return new Analysis(d, s, AdversarialEvidence.vacuous(d, s.attacked(), maxEps, attack.norm()));
  }


  /** Turns an analysis into measurements, evidence and a summary. */
  CheckValue report(CheckContext ctx, Analysis an) {
    AttackData d = an.data();
    Search s = an.search();
    String vacuous = an.vacuous();
    int n = d.size();
    double[] minEps = s.minEps();
    List<Measurement> ms = new ArrayList<>();
    int flipped = 0;
    for (double e : minEps) {
      flipped += Double.isFinite(e) ? 1 : 0;
    }
    double median = quantile(minEps, 0.5);
    double q10 = quantile(minEps, 0.1);
    ms.add(GroupMedians.value("median_min_flip_eps", Subject.all(), Math.min(median, maxEps), n, vacuous));
    ms.add(GroupMedians.value("q10_min_flip_eps", Subject.all(), Math.min(q10, maxEps), n, vacuous));
    double[] ci = Intervals.wilson(flipped, n, confidence);
    ms.add(vacuous != null ? Measurement.inconclusive("flip_rate", Subject.all(), (double) flipped / n, n, vacuous)
        : Measurement.of("flip_rate", Subject.all(), (double) flipped / n, Interval.of(ci[0], ci[1], confidence, Interval.Method.WILSON), n));
    List<Evidence> ev = new ArrayList<>();
    List<Evidence.Series> series = new ArrayList<>();
    series.add(cdf("all rows", minEps, null));
    List<List<String>> groupRows = new ArrayList<>();
    for (ColumnSpec c : AttackData.groupColumns(ctx, groups)) {
      GroupMedians.measure(ms, groupRows, c.name(), d.table.categorical(c.name()), minEps, maxEps, minGroupSize, vacuous,
          "group_median_min_flip_eps", "min_flip_eps_group_ratio", (subject, in) -> series.add(cdf(subject.toString(), minEps, in)));
    }
    ev.add(new Evidence.Chart("Share of rows flipped within epsilon (" + n + " rows)", Evidence.ChartKind.LINE,
        "epsilon (" + attack.norm().label() + ", encoded units)", "share flipped", series, null,
        "Cumulative share of rows whose decision " + attack.shortName() + " flips within each epsilon; median minimal epsilon "
            + AdversarialEvidence.fmt(Math.min(median, maxEps)) + (median > maxEps ? " (at least: fewer than half flipped)" : "") + "."));
    if (!groupRows.isEmpty()) {
      ev.add(new Evidence.Table("Median minimal flipping epsilon by group", List.of("group", "rows", "median min flip eps"), groupRows));
    }
    List<Example> fragile = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (Double.isFinite(minEps[i])) {
        fragile.add(new Example(i, minEps[i], s.examples()[i], d.decisions[i], s.decisions()[i], s.probabilities()[i], true));
      }
    }
    fragile.sort(Comparator.comparingDouble(Example::eps).thenComparingInt(Example::row));
    if (!fragile.isEmpty()) {
      ev.add(AdversarialEvidence.fragileTable("Most fragile rows (smallest flipping epsilon)", d, ctx.encoder(), fragile, fragileRows,
          "min flip eps"));
      int[] shape = AdversarialEvidence.imageShape(imageShape, d.space);
      if (shape != null) {
        ev.add(AdversarialEvidence.images("Original, minimal perturbation and adversarial image", shape, d, fragile, Math.min(5, fragileRows)));
      }
    }
    ev.add(AdversarialEvidence.handling(d.space));
    if (export != null) {
      // every attacked row: flipped ones at their minimal epsilon, the others at maxEps
      List<Example> attackedRows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (s.attacked()[i]) {
          boolean flippedHere = Double.isFinite(minEps[i]);
          attackedRows.add(new Example(i, flippedHere ? minEps[i] : maxEps, s.examples()[i], d.decisions[i], s.decisions()[i],
              s.probabilities()[i], flippedHere));
        }
      }
      Evidence.Note note = AdversarialEvidence.export(ctx, export, attack.shortName(), d, attackedRows);
      if (note != null) {
        ev.add(note);
      }
    }
    String summary = vacuous != null ? "Inconclusive: " + vacuous + " (" + attack.shortName() + ", " + n + " rows)." : "Median minimal flipping epsilon " + (median > maxEps ? "above " : "") + AdversarialEvidence.fmt(Math.min(median, maxEps))
        + " (" + attack.shortName() + ", " + n + " rows); " + flipped + " of " + n + " rows flipped within " + AdversarialEvidence.fmt(maxEps) + ".";
    return new CheckValue(ms, ev, summary);
  }

  /** The q-quantile (lower median convention: the value at rank ceil(q n)), +inf values included. */
  static double quantile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    int k = Math.max(0, (int) Math.ceil(q * s.length) - 1);
    return s[k];
  }

  private Evidence.Series cdf(String name, double[] minEps, boolean[] in) {
    List<Evidence.Point> pts = new ArrayList<>();
    int grid = 20;
    for (int g = 0; g <= grid; g++) {
      double e = maxEps * g / grid;
      int tot = 0;
      int hit = 0;
      for (int i = 0; i < minEps.length; i++) {
        if (in == null || in[i]) {
          tot++;
          hit += minEps[i] <= e ? 1 : 0;
        }
      }
      pts.add(Evidence.Point.of(e, tot == 0 ? 0 : (double) hit / tot));
    }
    return new Evidence.Series(name, pts);
  }
}

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
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Robust accuracy against epsilon: the share of sampled rows that the model classifies correctly
 * and still classifies correctly after the attack, for each epsilon of a sweep (the robustness
 * curve), with the attack's success rate and perturbation sizes, the same for comparison attacks
 * (e.g. FGSM and the noise baseline), and robust accuracy per group.
 *
 * <p>Measurements ({@link #METRICS}): {@code clean_accuracy}; per epsilon (subject {@code eps=0.05}):
 * {@code robust_accuracy}, {@code attack_success_rate} (broken rows among the correctly classified
 * rows attacked), {@code mean_perturbation} and {@code max_perturbation} (norm of the successful
 * perturbations); per comparison attack {@code attack_robust_accuracy} (subject
 * {@code attack=fgsm-linf&eps=0.05}); per group {@code group_clean_accuracy} (subject {@code sex=F}),
 * {@code group_robust_accuracy} (subject {@code sex=F&eps=0.05}) and {@code robust_accuracy_gap}
 * (subject {@code feature=sex&eps=0.05}: highest minus lowest group of the column). Groups smaller
 * than {@code minGroupSize} are inconclusive. Intervals are Wilson intervals at {@code confidence}.
 *
 * <p>A vacuous trial is never a pass: at an epsilon whose ball holds no valid point but the clean
 * row for every attacked row (e.g. every mutable feature integer or binary and eps below one
 * step), every per-epsilon measurement is INCONCLUSIVE ("nothing could be perturbed within eps").
 *
 * @param attack the attack that conditions judge
 * @param compare further attacks drawn on the same curve (e.g. FGSM, noise)
 * @param epsilons the sweep, each positive, increasing, in encoded units of the attack's norm
 * @param maxRows rows attacked at most (a seeded sample when the data has more)
 * @param groups group columns (empty: every categorical protected attribute)
 * @param minGroupSize groups with fewer sampled rows are inconclusive
 * @param fragileRows how many fragile rows the evidence lists
 * @param export a CSV file name in the output directory for the adversarial examples, or null
 * @param imageShape {width, height} when inputs are images, or null to detect square images
 * @param confidence the level of every Wilson interval, in [0.5, 0.999]
 * @param maskingSteps when positive, the primary attack (an iterative white-box one) is run again
 *     with this many steps and the gradient-masking check compares the two; 0 for none
 */
public record RobustnessCheck(AttackSpec attack, List<AttackSpec> compare, double[] epsilons, int maxRows, List<String> groups,
    int minGroupSize, int fragileRows, String export, int[] imageShape, double confidence, int maskingSteps) implements Check<CheckValue> {

  private static final SubjectShape EPS = SubjectShape.of(Dim.EPS);

  /** The metrics, published with the {@code adversarial.robustness} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("clean_accuracy", Direction.HIGHER_IS_BETTER, "accuracy on the sampled rows before any attack").withInterval(),
      MetricDecl.of("robust_accuracy", Direction.HIGHER_IS_BETTER, "share of sampled rows classified correctly before and after the attack at eps")
          .withInterval().about(EPS),
      MetricDecl.of("attack_success_rate", Direction.LOWER_IS_BETTER, "share of the attacked (correctly classified) rows whose decision the attack broke")
          .withInterval().about(EPS),
      MetricDecl.of("mean_perturbation", Direction.NEUTRAL, "mean norm of the successful perturbations at eps (encoded units)").about(EPS),
      MetricDecl.of("max_perturbation", Direction.NEUTRAL, "largest norm of the successful perturbations at eps (encoded units)").about(EPS),
      MetricDecl.of("attack_robust_accuracy", Direction.HIGHER_IS_BETTER, "robust accuracy under a comparison attack (param compare)")
          .withInterval().about(SubjectShape.of(Dim.ATTACK, Dim.EPS)),
      MetricDecl.of("group_clean_accuracy", Direction.HIGHER_IS_BETTER, "clean accuracy of one group").withInterval().about(SubjectShape.of(Dim.SLICE)),
      MetricDecl.of("group_robust_accuracy", Direction.HIGHER_IS_BETTER, "robust accuracy of one group at eps")
          .withInterval().about(SubjectShape.of(Dim.SLICE, Dim.EPS)),
      MetricDecl.of("robust_accuracy_gap", Direction.LOWER_IS_BETTER,
          "highest minus lowest group robust accuracy of a group column (subject feature=<column>&eps=<number>)")
          .about(SubjectShape.of(Dim.FEATURE, Dim.EPS)),
      MetricDecl.of("masking_violations", Direction.LOWER_IS_BETTER,
          "how many of the four gradient-masking tests (Carlini et al. 2019) failed: robust accuracy rising with eps, above chance at an eps "
              + "that covers the input range, black-box beating white-box, more steps (or fewer: fgsm) changing robust accuracy the wrong way; "
              + "any is a sign the robustness figure may be inflated (judge with atMost: 4, warn: 0)"));

  /** The parameters, published with the {@code adversarial.robustness} type. */
  public static final List<ParamDecl> PARAMS = params();

  private static List<ParamDecl> params() {
    List<ParamDecl> ps = new ArrayList<>(CheckOptions.attack());
    ps.add(ParamDecl.of("epsilons", "increasing list of positive numbers", "[0.01, 0.02, 0.05, 0.1, 0.2]", "the sweep, encoded units of the norm"));
    ps.add(ParamDecl.of("compare", "list of attacks", "none", "further attacks on the curve (measured as attack_robust_accuracy)"));
    ps.add(ParamDecl.of("maskingSteps", "integer in [0, 10000]; iterative white-box attacks", "0 (off)",
        "rerun the attack with this many steps for the gradient-masking test 'more steps must not raise robust accuracy'"));
    ps.addAll(CheckOptions.common(1000));
    return List.copyOf(ps);
  }

  /** Validates the parameters; the one validator for Java and YAML. */
  public RobustnessCheck {
    Objects.requireNonNull(attack, "attack");
    compare = compare == null ? List.of() : List.copyOf(compare);
    groups = groups == null ? List.of() : List.copyOf(groups);
    ParamException.require(epsilons != null && epsilons.length > 0, "epsilons", "epsilons must list at least one radius");
    epsilons = epsilons.clone();
    for (int i = 0; i < epsilons.length; i++) {
      ParamException.require(epsilons[i] > 0 && !Double.isInfinite(epsilons[i]), "epsilons",
          "epsilons[" + i + "] must be a positive finite number, got " + epsilons[i]);
      ParamException.require(i == 0 || epsilons[i] > epsilons[i - 1], "epsilons",
          "epsilons must increase, but " + epsilons[i] + " follows " + (i == 0 ? 0 : epsilons[i - 1]));
    }
    Set<String> names = new HashSet<>();
    names.add(attack.shortName());
    for (AttackSpec c : compare) {
      ParamException.require(names.add(c.shortName()), "compare", "attack " + c.shortName() + " is listed twice (attack and compare must differ)");
    }
    CheckOptions.validate(maxRows, minGroupSize, fragileRows, export, imageShape, confidence);
    ParamException.inRange("maskingSteps", maskingSteps, 0, 10_000);
    ParamException.require(maskingSteps == 0 || iterative(attack.kind()), "maskingSteps",
        "maskingSteps reruns an iterative white-box attack (bim, pgd, apgd-ce, apgd-dlr, autoattack) with other steps; " + attack.kind().label() + " has none");
    ParamException.require(maskingSteps == 0 || maskingSteps != attack.steps(), "maskingSteps",
        "maskingSteps must differ from the attack's steps (" + attack.steps() + ") to compare them");
  }

  /** The gradient-masking warning ({@link MaskingCondition}), applied unless the suite turns defaults off. */
  @Override
  public List<dev.gauntlet.harness.check.DefaultCondition> defaultConditions() {
    return List.of(new MaskingCondition());
  }

  /** The check without the extra masking run. */
  public RobustnessCheck(AttackSpec attack, List<AttackSpec> compare, double[] epsilons, int maxRows, List<String> groups,
      int minGroupSize, int fragileRows, String export, int[] imageShape, double confidence) {
    this(attack, compare, epsilons, maxRows, groups, minGroupSize, fragileRows, export, imageShape, confidence, 0);
  }

  static boolean iterative(AttackKind k) {
    return k == AttackKind.BIM || k == AttackKind.PGD || k.apgd() || k == AttackKind.AUTOATTACK;
  }

  /** The same check, also rerunning its attack with {@code steps} steps for the gradient-masking test. */
  public RobustnessCheck withMaskingSteps(int steps) {
    return new RobustnessCheck(attack, compare, epsilons, maxRows, groups, minGroupSize, fragileRows, export, imageShape, confidence, steps);
  }

  /** The check with 95% intervals. */
  public RobustnessCheck(AttackSpec attack, List<AttackSpec> compare, double[] epsilons, int maxRows, List<String> groups,
      int minGroupSize, int fragileRows, String export, int[] imageShape) {
    this(attack, compare, epsilons, maxRows, groups, minGroupSize, fragileRows, export, imageShape, 0.95, 0);
  }

  /** The attack over a sweep of epsilons, with defaults: 1000 rows, protected groups of at least 30, 10 fragile rows. */
  public static RobustnessCheck of(AttackSpec attack, double... epsilons) {
    return new RobustnessCheck(attack, List.of(), epsilons, 1000, List.of(), 30, 10, null, null, 0.95, 0);
  }

  /** The same check with comparison attacks on its curve. */
  public RobustnessCheck comparedWith(AttackSpec... others) {
    return new RobustnessCheck(attack, List.of(others), epsilons, maxRows, groups, minGroupSize, fragileRows, export, imageShape, confidence, maskingSteps);
  }

  /** The same check exporting its adversarial examples to a CSV file in the output directory. */
  public RobustnessCheck exportingTo(String file) {
    return new RobustnessCheck(attack, compare, epsilons, maxRows, groups, minGroupSize, fragileRows, file, imageShape, confidence, maskingSteps);
  }

  /** The same check on at most {@code rows} rows. */
  public RobustnessCheck withMaxRows(int rows) {
    return new RobustnessCheck(attack, compare, epsilons, rows, groups, minGroupSize, fragileRows, export, imageShape, confidence, maskingSteps);
  }

  /** The same check with intervals at another level. */
  public RobustnessCheck withConfidence(double level) {
    return new RobustnessCheck(attack, compare, epsilons, maxRows, groups, minGroupSize, fragileRows, export, imageShape, level, maskingSteps);
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
  }

  @Override
  public double[] epsilons() {
    return epsilons.clone();
  }

  @Override
  public String title() {
    return "Robust accuracy under " + attack.shortName();
  }

  @Override
  public Trial trial() {
    return Trial.ADVERSARIAL;
  }

  @Override
  public String description() {
    return "How much accuracy survives when an adversary distorts each input within a budget epsilon: " + attack.describe()
        + " at epsilon " + Arrays.toString(epsilons) + ", on at most " + maxRows + " rows.";
  }

  @Override
  public Set<Capability> requires() {
    Set<Capability> caps = EnumSet.copyOf(attack.kind().requires());
    for (AttackSpec c : compare) {
      caps.addAll(c.kind().requires());
    }
    return caps;
  }

  /**
   * Per attack and epsilon: the attack's result, which rows stayed correct, and why the trial is
   * vacuous (null when some attacked row could be perturbed).
   */
  record Sweep(AttackSpec spec, double eps, AttackResult result, boolean[] robust, int robustCount, String vacuous) {}

  /**
   * What the sweep found, before any judgement: the sampled data, which rows the model classified
   * correctly, and one sweep per epsilon for the primary attack and for each comparison attack.
   */
  record Analysis(AttackData data, boolean[] correct, int correctCount, List<Sweep> primary, List<List<Sweep>> compared, List<Sweep> rerun) {
    int n() {
      return data.size();
    }
  }

  @Override
  public CheckValue run(CheckContext ctx) {
    return report(ctx, analyse(ctx));
  }

  /** Attacks the sampled rows at every epsilon with every attack. */
  Analysis analyse(CheckContext ctx) {
    AttackData d = AttackData.prepare(ctx, maxRows, true);
    int n = d.size();
    boolean[] correct = new boolean[n];
    int correctCount = 0;
    for (int i = 0; i < n; i++) {
      correct[i] = d.decisions[i] == d.labels[i];
      correctCount += correct[i] ? 1 : 0;
    }
    List<AttackSpec> all = new ArrayList<>();
    all.add(attack);
    all.addAll(compare);
    if (maskingSteps > 0) {
      all.add(new AttackSpec(attack.kind(), attack.norm(), maskingSteps, attack.stepSize(), attack.restarts(), attack.target(), attack.queryBudget()));
    }
    List<List<Sweep>> sweeps = new ArrayList<>();
    for (int a = 0; a < all.size(); a++) {
      AttackSpec spec = all.get(a);
      List<Sweep> curve = new ArrayList<>();
      for (int k = 0; k < epsilons.length; k++) {
        double e = epsilons[k];
        ctx.progress(spec.shortName() + " at eps " + AdversarialEvidence.fmt(e));
        double[] eps = new double[n];
        for (int i = 0; i < n; i++) {
          eps[i] = correct[i] ? e : 0;
        }
        AttackResult r = d.attacker.attack(spec, d.x0, d.labels, eps, ctx.seed() + 7919L * (a * 1000 + k));
        boolean[] robust = new boolean[n];
        int rc = 0;
        for (int i = 0; i < n; i++) {
          robust[i] = correct[i] && r.decisions()[i] == d.labels[i];
          rc += robust[i] ? 1 : 0;
        }
        curve.add(new Sweep(spec, e, r, robust, rc, AdversarialEvidence.vacuous(d, correct, e, spec.norm())));
      }
      sweeps.add(curve);
    }
    int compared = 1 + compare.size();
    return new Analysis(d, correct, correctCount, sweeps.get(0), List.copyOf(sweeps.subList(1, compared)),
        maskingSteps > 0 ? sweeps.get(compared) : List.of());
  }

  private Interval wilsonInterval(long k, long n) {
    double[] ci = Intervals.wilson(k, n, confidence);
    return Interval.of(ci[0], ci[1], confidence, Interval.Method.WILSON);
  }

  private Measurement rate(String metric, Subject subject, long k, long n, String inconclusive) {
    return inconclusive != null ? Measurement.inconclusive(metric, subject, (double) k / n, n, inconclusive)
        : Measurement.of(metric, subject, (double) k / n, wilsonInterval(k, n), n);
  }

  /** Turns an analysis into measurements, evidence and a summary. */
  CheckValue report(CheckContext ctx, Analysis an) {
    AttackData d = an.data();
    int n = an.n();
    List<Measurement> ms = new ArrayList<>();
    Interval ci = wilsonInterval(an.correctCount(), n);
    ms.add(Measurement.of("clean_accuracy", Subject.all(), (double) an.correctCount() / n, ci, n));
    List<Evidence.Series> series = new ArrayList<>();
    List<Evidence.Point> cleanPts = new ArrayList<>();
    for (double e : epsilons) {
      cleanPts.add(new Evidence.Point(null, e, (double) an.correctCount() / n, ci.lower(), ci.upper()));
    }
    series.add(new Evidence.Series("clean", cleanPts));
    List<List<Sweep>> curves = new ArrayList<>();
    curves.add(an.primary());
    curves.addAll(an.compared());
    for (int a = 0; a < curves.size(); a++) {
      List<Evidence.Point> pts = new ArrayList<>();
      for (Sweep s : curves.get(a)) {
        Interval rci = wilsonInterval(s.robustCount(), n);
        pts.add(new Evidence.Point(null, s.eps(), (double) s.robustCount() / n, rci.lower(), rci.upper()));
        if (a == 0) {
          measurePrimary(ms, s, n);
        } else {
          ms.add(rate("attack_robust_accuracy", Subject.attack(s.spec().shortName()).with(Dim.EPS, s.eps()), s.robustCount(), n, s.vacuous()));
        }
      }
      series.add(new Evidence.Series(curves.get(a).get(0).spec().describe(), pts));
    }
    List<Evidence> ev = new ArrayList<>();
    StringBuilder alt = new StringBuilder("Robust accuracy by epsilon. Clean accuracy " + AdversarialEvidence.fmt((double) an.correctCount() / n)
        + " (" + ci.levelText() + " Wilson interval " + AdversarialEvidence.fmt(ci.lower()) + " to " + AdversarialEvidence.fmt(ci.upper()) + ").");
    for (Evidence.Series s : series.subList(1, series.size())) {
      alt.append(' ').append(s.name()).append(':');
      for (Evidence.Point p : s.points()) {
        alt.append(" eps ").append(AdversarialEvidence.fmt(p.x())).append(" -> ").append(AdversarialEvidence.fmt(p.y())).append(';');
      }
    }
    ev.add(new Evidence.Chart("Robustness curve (" + n + " rows, " + attack.norm().label() + ", " + ci.levelText() + " Wilson intervals)",
        Evidence.ChartKind.LINE, "epsilon (" + attack.norm().label() + ", encoded units)", "accuracy", series, null, alt.toString()));
    groups(ctx, an, ms, ev);
    List<Example> fragile = fragile(d, an.primary());
    if (!fragile.isEmpty()) {
      ev.add(AdversarialEvidence.fragileTable("Most fragile rows (flipped at the smallest epsilon, smallest change first)", d, ctx.encoder(),
          fragile, fragileRows, "epsilon"));
      int[] shape = AdversarialEvidence.imageShape(imageShape, d.space);
      if (shape != null) {
        ev.add(AdversarialEvidence.images("Original, perturbation and adversarial image", shape, d, fragile, Math.min(5, fragileRows)));
      }
    }
    ev.add(AdversarialEvidence.handling(d.space));
    if (export != null) {
      // every attacked row at every epsilon, broken or not
      List<Example> exported = new ArrayList<>();
      for (Sweep s : an.primary()) {
        AttackResult r = s.result();
        for (int i = 0; i < n; i++) {
          if (r.attacked()[i]) {
            exported.add(new Example(i, s.eps(), r.adversarial()[i], d.decisions[i], r.decisions()[i], r.probabilities()[i], r.success()[i]));
          }
        }
      }
      Evidence.Note note = AdversarialEvidence.export(ctx, export, attack.shortName(), d, exported);
      if (note != null) {
        ev.add(note);
      }
    }
    String masking = masking(an, ms, ev);
    List<Sweep> primary = an.primary();
    Sweep first = primary.get(0);
    Sweep last = primary.get(primary.size() - 1);
    String vacuous = primary.stream().map(Sweep::vacuous).filter(Objects::nonNull).findFirst().map(v -> " Inconclusive: " + v + ".").orElse("");
    String name = attack.kind() == AttackKind.AUTOATTACK
        ? attack.shortName() + " (" + AutoAttack.stages(attack, d.attacker.classCount()) + "; a row is robust only if every attack fails)"
        : attack.describe();
    String summary = name + " on " + n + " rows: accuracy " + AdversarialEvidence.fmt((double) an.correctCount() / n)
        + " clean, " + AdversarialEvidence.fmt((double) first.robustCount() / n) + " at eps " + AdversarialEvidence.fmt(first.eps())
        + (primary.size() > 1 ? ", " + AdversarialEvidence.fmt((double) last.robustCount() / n) + " at eps " + AdversarialEvidence.fmt(last.eps()) : "")
        + "." + vacuous + masking;
    return new CheckValue(ms, ev, summary);
  }

  /**
   * The gradient-masking tests of Carlini et al. (2019, "On Evaluating Adversarial Robustness"), on
   * the curves already measured: (1) robust accuracy must not rise as epsilon grows; (2) at an
   * epsilon whose ball covers the whole input range (every feature mutable and bounded), robust
   * accuracy must fall to chance (the share of the most frequent label among the sampled rows), since
   * the attacker can reach every input; (3) no black-box attack may beat the best white-box one; (4)
   * more iterations must not raise robust accuracy (the rerun with {@code maskingSteps}, and FGSM,
   * one step, must not beat an iterative attack). A difference counts when it exceeds the tolerance
   * {@code max(1 row, 1% of the rows)}, which absorbs random starts. Adds {@code masking_violations}
   * and a table; returns the summary's sentence ("" when nothing failed).
   */
  private String masking(Analysis an, List<Measurement> ms, List<Evidence> ev) {
    int n = an.n();
    int tol = Math.max(1, (int) Math.floor(0.01 * n));
    List<List<String>> rows = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<Sweep> primary = an.primary();
    // (1) monotone in eps
    String mono = null;
    for (int k = 1; k < primary.size(); k++) {
      if (primary.get(k).robustCount() > primary.get(k - 1).robustCount() + tol) {
        mono = "robust accuracy rises from " + AdversarialEvidence.fmt((double) primary.get(k - 1).robustCount() / n) + " at eps "
            + AdversarialEvidence.fmt(primary.get(k - 1).eps()) + " to " + AdversarialEvidence.fmt((double) primary.get(k).robustCount() / n)
            + " at eps " + AdversarialEvidence.fmt(primary.get(k).eps());
        break;
      }
    }
    addTest(rows, failed, "robust accuracy falls as eps grows", mono,
        primary.size() < 2 ? "not applicable: one epsilon" : "non-increasing over " + primary.size() + " epsilons");
    // (2) chance at an eps that covers the input range
    InputSpace space = an.data().space;
    double cover = 0;
    boolean bounded = space.mutableCount() == space.width();
    for (int j = 0; j < space.width() && bounded; j++) {
      double w = space.upper(j) - space.lower(j);
      bounded = Double.isFinite(w);
      cover = attack.norm() == Norm.LINF ? Math.max(cover, w) : cover + w * w;
    }
    double radius = attack.norm() == Norm.LINF ? cover : Math.sqrt(cover);
    int[] counts = new int[an.data().classes.size()];
    for (int y : an.data().labels) {
      counts[y]++;
    }
    int chance = Arrays.stream(counts).max().orElse(0);
    String chanceFail = null;
    String chanceOk;
    if (!bounded) {
      chanceOk = "not applicable: some feature is immutable or unbounded, so no epsilon covers the input range";
    } else {
      Sweep big = primary.stream().filter(sw -> sw.eps() >= radius).findFirst().orElse(null);
      if (big == null) {
        chanceOk = "not applicable: the sweep's largest eps " + AdversarialEvidence.fmt(epsilons[epsilons.length - 1])
            + " is below " + AdversarialEvidence.fmt(radius) + ", the radius that covers the input range";
      } else if (big.robustCount() > chance + tol) {
        chanceFail = "robust accuracy " + AdversarialEvidence.fmt((double) big.robustCount() / n) + " at eps " + AdversarialEvidence.fmt(big.eps())
            + " (whose ball covers the input range) is above chance " + AdversarialEvidence.fmt((double) chance / n);
        chanceOk = null;
      } else {
        chanceOk = "at chance (" + AdversarialEvidence.fmt((double) big.robustCount() / n) + " <= " + AdversarialEvidence.fmt((double) chance / n)
            + ") at eps " + AdversarialEvidence.fmt(big.eps());
      }
    }
    addTest(rows, failed, "robust accuracy reaches chance at a large eps", chanceFail, chanceOk);
    // (3) black-box must not beat white-box
    List<List<Sweep>> curves = new ArrayList<>();
    curves.add(primary);
    curves.addAll(an.compared());
    String bb = null;
    boolean both = curves.stream().anyMatch(c -> c.get(0).spec().kind().whiteBox()) && curves.stream().anyMatch(c -> !c.get(0).spec().kind().whiteBox());
    for (int k = 0; k < epsilons.length && both && bb == null; k++) {
      Sweep white = null;
      Sweep black = null;
      for (List<Sweep> c : curves) {
        Sweep sw = c.get(k);
        if (sw.spec().kind().whiteBox()) {
          white = white == null || sw.robustCount() < white.robustCount() ? sw : white;
        } else {
          black = black == null || sw.robustCount() < black.robustCount() ? sw : black;
        }
      }
      if (black.robustCount() < white.robustCount() - tol) {
        bb = black.spec().shortName() + " (black-box) leaves " + AdversarialEvidence.fmt((double) black.robustCount() / n) + " at eps "
            + AdversarialEvidence.fmt(black.eps()) + ", below the best white-box " + white.spec().shortName() + "'s "
            + AdversarialEvidence.fmt((double) white.robustCount() / n);
      }
    }
    addTest(rows, failed, "black-box does not beat white-box", bb,
        both ? "the best white-box attack is at least as strong at every eps" : "not applicable: compare a black-box with a white-box attack");
    // (4) more iterations must not raise robust accuracy
    String more = null;
    List<String> done = new ArrayList<>();
    List<Sweep> fgsm = an.compared().stream().filter(c -> c.get(0).spec().kind() == AttackKind.FGSM).findFirst().orElse(null);
    if (fgsm != null && iterative(attack.kind())) {
      done.add("fgsm (1 step) against " + attack.shortName() + " (" + attack.steps() + " steps)");
      for (int k = 0; k < epsilons.length && more == null; k++) {
        if (fgsm.get(k).robustCount() < primary.get(k).robustCount() - tol) {
          more = "fgsm (1 step) leaves " + AdversarialEvidence.fmt((double) fgsm.get(k).robustCount() / n) + " at eps " + AdversarialEvidence.fmt(epsilons[k])
              + ", below " + attack.shortName() + "'s " + AdversarialEvidence.fmt((double) primary.get(k).robustCount() / n) + " with " + attack.steps() + " steps";
        }
      }
    }
    if (!an.rerun().isEmpty()) {
      List<Sweep> few = maskingSteps < attack.steps() ? an.rerun() : primary;
      List<Sweep> many = maskingSteps < attack.steps() ? primary : an.rerun();
      int fewSteps = Math.min(maskingSteps, attack.steps());
      int manySteps = Math.max(maskingSteps, attack.steps());
      done.add(fewSteps + " against " + manySteps + " steps");
      for (int k = 0; k < epsilons.length && more == null; k++) {
        if (many.get(k).robustCount() > few.get(k).robustCount() + tol) {
          more = attack.shortName() + " with " + manySteps + " steps leaves " + AdversarialEvidence.fmt((double) many.get(k).robustCount() / n)
              + " at eps " + AdversarialEvidence.fmt(epsilons[k]) + ", above " + AdversarialEvidence.fmt((double) few.get(k).robustCount() / n)
              + " with " + fewSteps + " steps";
        }
      }
    }
    addTest(rows, failed, "more iterations do not raise robust accuracy", more,
        done.isEmpty() ? "not applicable: set maskingSteps, or compare fgsm with an iterative attack" : "holds: " + String.join("; ", done));
    ms.add(Measurement.of("masking_violations", Subject.all(), failed.size(), n));
    ev.add(new Evidence.Table("Gradient-masking tests (Carlini et al. 2019; tolerance " + tol + " rows)", List.of("test", "result", "detail"), rows));
    return failed.isEmpty() ? "" : " Gradient masking suspected (" + String.join("; ", failed) + "): the robustness figure may be inflated.";
  }

  private static void addTest(List<List<String>> rows, List<String> failed, String test, String violation, String ok) {
    if (violation != null) {
      failed.add(violation);
      rows.add(List.of(test, "VIOLATION", violation));
    } else {
      rows.add(List.of(test, ok.startsWith("not applicable") ? "n/a" : "ok", ok));
    }
  }

  private void measurePrimary(List<Measurement> ms, Sweep s, int n) {
    Subject subject = Subject.eps(s.eps());
    AttackResult r = s.result();
    String vacuous = s.vacuous();
    ms.add(rate("robust_accuracy", subject, s.robustCount(), n, vacuous));
    int attacked = r.attackedCount();
    int broken = r.successCount();
    if (attacked == 0) {
      ms.add(Measurement.inconclusive("attack_success_rate", subject, Double.NaN, 0, "no row was attacked (none classified correctly)"));
    } else {
      ms.add(rate("attack_success_rate", subject, broken, attacked, vacuous));
    }
    if (broken == 0) {
      String why = vacuous != null ? vacuous : "no attack succeeded";
      ms.add(Measurement.inconclusive("mean_perturbation", subject, Double.NaN, 0, why));
      ms.add(Measurement.inconclusive("max_perturbation", subject, Double.NaN, 0, why));
    } else {
      double sum = 0;
      double max = 0;
      for (int i = 0; i < r.success().length; i++) {
        if (r.success()[i]) {
          sum += r.norms()[i];
          max = Math.max(max, r.norms()[i]);
        }
      }
      ms.add(Measurement.of("mean_perturbation", subject, sum / broken, broken));
      ms.add(Measurement.of("max_perturbation", subject, max, broken));
    }
  }

  private void groups(CheckContext ctx, Analysis an, List<Measurement> ms, List<Evidence> ev) {
    AttackData d = an.data();
    List<Sweep> primary = an.primary();
    List<ColumnSpec> cols = AttackData.groupColumns(ctx, groups);
    if (cols.isEmpty()) {
      return;
    }
    List<String> header = new ArrayList<>(List.of("group", "rows", "clean accuracy"));
    for (double e : epsilons) {
      header.add("robust at " + AdversarialEvidence.fmt(e));
    }
    List<List<String>> rows = new ArrayList<>();
    for (ColumnSpec c : cols) {
      var cat = d.table.categorical(c.name());
      double[][] robustByLevel = new double[cat.levels().size()][];
      for (int level = 0; level < cat.levels().size(); level++) {
        Subject subject = Subject.slice(c.name(), cat.levels().get(level));
        int size = 0;
        int ok = 0;
        for (int i = 0; i < d.size(); i++) {
          if (cat.codes()[i] == level) {
            size++;
            ok += an.correct()[i] ? 1 : 0;
          }
        }
        if (size == 0) {
          continue;
        }
        List<String> row = new ArrayList<>(List.of(subject.toString(), Integer.toString(size), AdversarialEvidence.fmt((double) ok / size)));
        boolean small = size < minGroupSize;
        String why = small ? "only " + size + " sampled rows in " + subject + ", fewer than minGroupSize " + minGroupSize : null;
        ms.add(rate("group_clean_accuracy", subject, ok, size, why));
        robustByLevel[level] = small ? null : new double[primary.size()];
        for (int k = 0; k < primary.size(); k++) {
          Sweep s = primary.get(k);
          int rob = 0;
          for (int i = 0; i < d.size(); i++) {
            if (cat.codes()[i] == level && s.robust()[i]) {
              rob++;
            }
          }
          ms.add(rate("group_robust_accuracy", subject.with(Dim.EPS, s.eps()), rob, size, why != null ? why : s.vacuous()));
          if (!small) {
            robustByLevel[level][k] = (double) rob / size;
          }
          row.add(AdversarialEvidence.fmt((double) rob / size));
        }
        rows.add(row);
      }
      for (int k = 0; k < primary.size(); k++) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int levels = 0;
        for (double[] r : robustByLevel) {
          if (r != null) {
            lo = Math.min(lo, r[k]);
            hi = Math.max(hi, r[k]);
            levels++;
          }
        }
        Subject sub = Subject.feature(c.name()).with(Dim.EPS, primary.get(k).eps());
        String vacuous = primary.get(k).vacuous();
        ms.add(levels < 2 ? Measurement.inconclusive("robust_accuracy_gap", sub, Double.NaN, levels,
            "fewer than two groups of " + c.name() + " have at least " + minGroupSize + " sampled rows")
            : vacuous != null ? Measurement.inconclusive("robust_accuracy_gap", sub, hi - lo, d.size(), vacuous)
            : Measurement.of("robust_accuracy_gap", sub, hi - lo, d.size()));
      }
    }
    ev.add(new Evidence.Table("Robust accuracy by group (" + attack.shortName() + ")", header, rows));
  }

  /** Rows broken at the smallest epsilon that broke any, smallest perturbation first. */
  private static List<Example> fragile(AttackData d, List<Sweep> primary) {
    Set<Integer> seen = new HashSet<>();
    List<Example> out = new ArrayList<>();
    for (Sweep s : primary) {
      List<Example> here = new ArrayList<>();
      for (int i = 0; i < d.size(); i++) {
        if (s.result().success()[i] && !seen.contains(i)) {
          here.add(new Example(i, s.eps(), s.result().adversarial()[i], d.decisions[i], s.result().decisions()[i],
              s.result().probabilities()[i], true));
        }
      }
      here.sort(Comparator.comparingDouble((Example e) -> s.result().norms()[e.row()]).thenComparingInt(Example::row));
      for (Example e : here) {
        seen.add(e.row());
        out.add(e);
      }
    }
    return out;
  }
}

package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.Models;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs attacks on one model in one input space. White-box attacks use the fastest input-gradient
 * pass available ({@link DenseInputGradients} for dense DL4J networks, else the model's own
 * gradients); black-box attacks only call {@link ModelUnderTest#predict}.
 *
 * <p>Every returned adversarial point is valid ({@link InputSpace#project} applied in double
 * precision) and its success is confirmed by a final model call on exactly that point.
 */
public final class Attacker {
  private static final int CHUNK = 10_000;

  private final ModelUnderTest model;
  private final InputSpace space;
  private final DecisionRule rule;
  private final List<String> classes;
  private GradientPass pass;

  private Attacker(ModelUnderTest model, InputSpace space, DecisionRule rule, List<String> classes) {
    this.model = Objects.requireNonNull(model, "model");
    this.space = Objects.requireNonNull(space, "space");
    this.rule = Objects.requireNonNull(rule, "rule");
    this.classes = List.copyOf(classes);
    if (classes.size() != model.classCount()) {
      throw new UsageException("model '" + model.name() + "' predicts " + model.classCount() + " classes but " + classes.size()
          + " class names were given (" + classes + ")");
    }
    if (model.inputWidth().isPresent() && model.inputWidth().getAsInt() != space.width()) {
      throw new UsageException("model '" + model.name() + "' takes inputs of width " + model.inputWidth().getAsInt()
          + " but the schema encodes " + space.width() + " inputs; the schema's features must match the model's");
    }
  }

  /**
   * @param classes the class names, in the model's output order (targets are named by them)
   */
  public static Attacker of(ModelUnderTest model, InputSpace space, DecisionRule rule, List<String> classes) {
    return new Attacker(model, space, rule, classes);
  }

  /** The class index an attack targets, or -1 when untargeted; an unknown name is a {@link UsageException}. */
  public int targetIndex(AttackSpec spec) {
    if (spec.target() == null) {
      return -1;
    }
    int t = classes.indexOf(spec.target());
    if (t < 0) {
      throw new UsageException("attack target '" + spec.target() + "' is not a class; the classes are " + classes);
    }
    return t;
  }

  /**
   * Attacks every row whose {@code eps[i] > 0} (a targeted attack also skips rows whose reference
   * class is the target).
   *
   * @param x0 valid clean rows, encoded
   * @param reference per row, the class the attack must make the model leave (untargeted), e.g. the
   *     true label or the clean decision; for a targeted attack, the row's current class
   * @param eps per-row radius in encoded units of the attack's norm
   * @param seed drives every random choice
   */
  public AttackResult attack(AttackSpec spec, double[][] x0, int[] reference, double[] eps, long seed) {
    if (spec.kind().whiteBox() && !model.can(Capability.LOSS_GRADIENT)) {
      throw new UsageException("attack " + spec.kind().label() + " needs the gradient of model '" + model.name()
          + "', which it does not give (" + model.missingReason(Capability.LOSS_GRADIENT).orElse("a black-box or precomputed model; use simba, square, hsj or noise") + ")");
    }
    if (!model.can(Capability.PREDICT)) {
      throw new UsageException("model '" + model.name() + "' cannot be run on new inputs, so it cannot be attacked");
    }
    int n = x0.length;
    if (reference.length != n || eps.length != n) {
      throw new IllegalArgumentException(n + " rows but " + reference.length + " references and " + eps.length + " radii");
    }
    int target = targetIndex(spec);
    if (spec.kind() == AttackKind.AUTOATTACK) {
      return AutoAttack.run(this, spec, x0, reference, eps, seed);
    }
    int[] targets = null;
    if (target >= 0) {
      targets = new int[n];
      Arrays.fill(targets, target);
    }
    return attack(spec, x0, reference, targets, eps, seed);
  }

  /** The model's class count. */
  int classCount() {
    return classes.size();
  }

  /**
   * As {@link #attack(AttackSpec, double[][], int[], double[], long)} with a target per row
   * ({@code targets[i]}, or -1 to leave row {@code i} alone) instead of the spec's; {@code targets}
   * null is untargeted.
   */
  AttackResult attack(AttackSpec spec, double[][] x0, int[] reference, int[] targets, double[] eps, long seed) {
    int n = x0.length;
    boolean targeted = targets != null;
    if (spec.kind() == AttackKind.APGD_DLR && classes.size() < (targeted ? 4 : 3)) {
      throw new UsageException("attack apgd-dlr needs at least " + (targeted ? 4 : 3) + " classes" + (targeted ? " when targeted" : "")
          + " (its loss divides by the gap between the largest and the third logit), but model '" + model.name() + "' has "
          + classes.size() + "; use apgd-ce");
    }
    boolean[] attacked = new boolean[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (!(eps[i] >= 0) || Double.isInfinite(eps[i])) {
        throw new IllegalArgumentException("eps of row " + i + " must be finite and non-negative, got " + eps[i]);
      }
      attacked[i] = eps[i] > 0 && (!targeted || targets[i] >= 0 && reference[i] != targets[i]) && space.mutableCount() > 0;
      m += attacked[i] ? 1 : 0;
    }
    int[] idx = new int[m];
    for (int i = 0, k = 0; i < n; i++) {
      if (attacked[i]) {
        idx[k++] = i;
      }
    }
    double[][] adv = new double[n][];
    for (int i = 0; i < n; i++) {
      adv[i] = x0[i].clone();
    }
    long queries = 0;
    for (int start = 0; start < m; start += CHUNK) {
      int[] rows = Arrays.copyOfRange(idx, start, Math.min(m, start + CHUNK));
      long chunkSeed = seed + 0x9E3779B97F4A7C15L * (start / CHUNK + 1);
      queries += spec.kind().whiteBox() ? whiteBox(spec, x0, reference, targets, eps, rows, adv, chunkSeed)
          : blackBox(spec, x0, reference, targets, eps, rows, adv, chunkSeed);
    }
    double[][] p = predict(adv);
    queries += n;
    int[] decisions = rule.decide(p);
    boolean[] success = new boolean[n];
    double[] norms = new double[n];
    for (int i = 0; i < n; i++) {
      String bad = space.violation(adv[i], x0[i], eps[i], spec.norm());
      if (bad != null) {
        throw new IllegalStateException("attack " + spec.describe() + " produced an invalid point for row " + i + ": " + bad);
      }
      norms[i] = spec.norm().distance(adv[i], x0[i]);
      success[i] = attacked[i] && (targeted ? decisions[i] == targets[i] : decisions[i] != reference[i]);
    }
    return new AttackResult(adv, attacked, success, decisions, p, norms, queries);
  }

  private long whiteBox(AttackSpec spec, double[][] x0, int[] reference, int[] targets, double[] eps, int[] rows, double[][] adv, long seed) {
    if (pass == null) {
      pass = GradientPass.of(model);
    }
    DataType dt = pass.dataType();
    int k = classes.size();
    long queries = 0;
    int[] remaining = rows;
    for (int r = 0; r < spec.restarts() && remaining.length > 0; r++) {
      int m = remaining.length;
      double[][] sub = new double[m][];
      double[] e = new double[m];
      double[] y = new double[m * k];
      int[] goalClass = new int[m];
      int[] refs = new int[m];
      for (int j = 0; j < m; j++) {
        int i = remaining[j];
        refs[j] = reference[i];
        sub[j] = x0[i];
        e[j] = eps[i];
        goalClass[j] = targets != null ? targets[i] : reference[i];
        y[j * k + goalClass[j]] = 1;
      }
      INDArray xs = Nd4j.create(sub).castTo(dt);
      INDArray ys = Nd4j.create(y, new long[] {m, k}, 'c').castTo(dt);
      INDArray es = Nd4j.create(e, new long[] {m, 1}, 'c').castTo(dt);
      double uniform = e[0];
      for (double v : e) {
        uniform = v == uniform ? uniform : Double.NaN;
      }
      GradientAttack.Goal goal = new GradientAttack.Goal(goalClass, targets != null);
      INDArray out = spec.kind().apgd() ? Apgd.run(pass, space, rule, spec, xs, refs, targets != null ? goalClass : null, es, null, seed + r)
          : GradientAttack.perturb(pass, space, rule, spec, xs, ys, es, uniform, goal, true, seed + r, null);
      queries += (long) m * (spec.steps() + 1);
      double[][] pts = GradientAttack.toDouble(out);
      for (int j = 0; j < m; j++) {
        space.project(pts[j], sub[j], e[j], spec.norm());
      }
      double[][] p = predict(pts);
      queries += m;
      int[] next = new int[m];
      int left = 0;
      for (int j = 0; j < m; j++) {
        adv[remaining[j]] = pts[j];
        if (!goal.reached(rule.decide(p[j]), j)) {
          next[left++] = remaining[j];
        }
      }
      remaining = Arrays.copyOf(next, left);
    }
    return queries;
  }

  private long blackBox(AttackSpec spec, double[][] x0, int[] reference, int[] targets, double[] eps, int[] rows, double[][] adv, long seed) {
    int m = rows.length;
    double[][] sub = new double[m][];
    double[] e = new double[m];
    int[] goalClass = new int[m];
    for (int j = 0; j < m; j++) {
      sub[j] = x0[rows[j]];
      e[j] = eps[rows[j]];
      goalClass[j] = targets != null ? targets[rows[j]] : reference[rows[j]];
    }
    QueryAttack.Outcome o = QueryAttack.run(this::predict, space, rule, spec, sub, e, new GradientAttack.Goal(goalClass, targets != null), seed);
    for (int j = 0; j < m; j++) {
      if (o.points()[j] != null) {
        adv[rows[j]] = o.points()[j];
      }
    }
    return o.queries();
  }

  /** The model's probabilities, in batches of 4,096 rows, checked for shape and validity. */
  double[][] predict(double[][] x) {
    double[][] out = new double[x.length][];
    for (int start = 0; start < x.length; start += 4096) {
      double[][] chunk = Arrays.copyOfRange(x, start, Math.min(x.length, start + 4096));
      double[][] p = model.predict(chunk);
      Models.checkProbabilities(model.name(), p, chunk.length, model.classCount());
      System.arraycopy(p, 0, out, start, p.length);
    }
    return out;
  }

  /**
   * The raw relaxed attack on an ND4J batch, for benchmarks and callers that stay off-heap: no
   * rounding of discrete features, no early stop, no confirmation. {@code x0} and the one-hot
   * {@code y} (reference or target class) must have the model's data type; {@code out} receives the
   * result and may be null.
   */
  public INDArray perturbBatch(AttackSpec spec, INDArray x0, INDArray y, double eps, long seed, INDArray out) {
    if (!spec.kind().whiteBox()) {
      throw new IllegalArgumentException("perturbBatch runs white-box attacks; " + spec.kind().label() + " is black-box");
    }
    if (pass == null) {
      pass = GradientPass.of(model);
    }
    INDArray e = Nd4j.valueArrayOf(new long[] {x0.rows(), 1}, eps, x0.dataType());
    if (spec.kind().apgd()) {
      if (spec.target() != null) {
        throw new IllegalArgumentException("perturbBatch runs untargeted apgd only (y holds the reference classes)");
      }
      int[] refs = new int[(int) y.rows()];
      INDArray arg = y.argMax(1);
      for (int i = 0; i < refs.length; i++) {
        refs[i] = arg.getInt(i);
      }
      INDArray r = Apgd.run(pass, space, rule, spec, x0, refs, null, e, null, seed);
      return out == null ? r : out.assign(r);
    }
    return GradientAttack.perturb(pass, space, rule, spec, x0, y, e, eps, null, false, seed, out);
  }

  /**
   * As {@link #perturbBatch}, for fgsm, bim and pgd, with the robustness check's early stop: a row
   * is frozen once its decision leaves its class in {@code y} (one-hot reference classes), and later
   * steps compute no gradient for it. For benchmarks.
   */
  public INDArray perturbBatchUntilFlipped(AttackSpec spec, INDArray x0, INDArray y, double eps, long seed, INDArray out) {
    if (!spec.kind().whiteBox() || spec.kind().apgd() || spec.target() != null) {
      throw new IllegalArgumentException("perturbBatchUntilFlipped runs untargeted fgsm, bim and pgd; not " + spec.describe());
    }
    if (pass == null) {
      pass = GradientPass.of(model);
    }
    INDArray e = Nd4j.valueArrayOf(new long[] {x0.rows(), 1}, eps, x0.dataType());
    INDArray arg = y.argMax(1);
    int[] refs = new int[(int) y.rows()];
    for (int i = 0; i < refs.length; i++) {
      refs[i] = arg.getInt(i);
    }
    return GradientAttack.perturb(pass, space, rule, spec, x0, y, e, eps, new GradientAttack.Goal(refs, false), true, seed, out);
  }
}

package dev.gauntlet.harness.run;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.Condition;
import dev.gauntlet.harness.check.Judgement;
import dev.gauntlet.harness.check.Measured;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.summary.InProcessEngine;
import dev.gauntlet.harness.summary.SummaryEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs a {@link Suite}: each check on the candidate (and the baseline), each condition on the values,
 * then the gate. A check that throws (any {@link Throwable}: an exception, a {@code
 * StackOverflowError} or {@code OutOfMemoryError} from the model), exceeds the suite's per-check
 * time limit, or cannot run is recorded as ERROR with its message; the run itself goes on, so the
 * report shows everything that could be measured. The candidate and the baseline are run the same
 * way and fail the same way: a baseline that could not be measured is an ERROR of every change
 * condition ({@code maxDrop}, {@code maxRise}), never "no baseline".
 *
 * <p>Before the checks, each runnable model predicts a probe batch twice (see {@link
 * DeterminismProbe}); a model whose predictions differ, and that the suite does not declare
 * {@code deterministic: false}, adds a required {@code model-determinism} (or {@code
 * baseline-determinism}) check that is ERROR, so the gate fails and the report says why.
 */
public final class SuiteRunner {
  /** How often the console hears that a long check is still running. */
  static final Duration HEARTBEAT = Duration.ofSeconds(30);

  private final Consumer<String> progress;
  private final Path outputDir;
  private final String command;

  /**
   * @param progress receives one line per step (may be null)
   * @param outputDir where checks may export files (may be null)
   * @param command the command line that reproduces the run, for provenance (may be null)
   */
  public SuiteRunner(Consumer<String> progress, Path outputDir, String command) {
    this.progress = progress == null ? s -> {} : progress;
    this.outputDir = outputDir;
    this.command = command;
  }

  private SummaryEngine engine = InProcessEngine.defaults();

  /**
   * Summarises the rows of the statistical checks with {@code engine} instead of the default
   * in-process one (every engine gives the same summaries); provenance records its description.
   */
  public SuiteRunner engine(SummaryEngine engine) {
    this.engine = java.util.Objects.requireNonNull(engine, "engine");
    return this;
  }

  /** The three states of a baseline for one check. */
  enum BaselineState { ABSENT, MEASURED, FAILED }

  public SuiteResult run(Suite suite) {
    return run(suite, dev.gauntlet.harness.history.History.none());
  }

  /**
   * Runs the suite; its trend conditions ({@link dev.gauntlet.harness.check.TrendCondition}) read
   * {@code history}, which the caller loaded before the run.
   */
  public SuiteResult run(Suite suite, dev.gauntlet.harness.history.History history) {
    java.util.Objects.requireNonNull(history, "history");
    long t0 = System.nanoTime();
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Caches caches = new Caches();
    List<CheckResult> results = new ArrayList<>();
    List<DeterminismProbe> probes = new ArrayList<>();
    CheckResult nd = probe(suite, false, suite.model(), suite.modelDeterministic(), caches, probes);
    if (nd != null) {
      results.add(suite.gate().annotate(nd));
    }
    if (suite.baseline() != null) {
      nd = probe(suite, true, suite.baseline(), suite.baselineDeterministic(), caches, probes);
      if (nd != null) {
        results.add(suite.gate().annotate(nd));
      }
    }
    int i = 0;
    for (CheckSpec<?> spec : suite.checks()) {
      i++;
      progress.accept("[" + i + "/" + suite.checks().size() + "] " + spec.check().title() + " (" + spec.id() + ")");
      CheckResult r = suite.gate().annotate(runOne(suite, spec, caches, history));
      results.add(r);
      progress.accept(String.format(Locale.ROOT, "      -> %s in %.1f s", r.outcome(), r.durationMillis() / 1000.0));
    }
    Gate.Decision decision = suite.gate().decide(results);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    Provenance prov = new Provenance(
        Provenance.currentHarnessVersion(),
        System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors(),
        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
        suite.seed(),
        suite.model().name(),
        suite.model().artifact().orElse(null),
        suite.baseline() == null ? null : suite.baseline().name(),
        suite.baseline() == null ? null : suite.baseline().artifact().orElse(null),
        suite.data().source(),
        suite.reference() == null ? null : suite.reference().source(),
        suite.schema(),
        suite.file(),
        suite.text(),
        command,
        suite.checkTimeLimit().toSeconds(),
        probes,
        started.toString(),
        millis,
        engine.describe(suite.data()));
    return new SuiteResult(SuiteResult.SCHEMA_VERSION, suite.name(), decision.verdict(), decision.results(), prov);
  }

  /**
   * Predicts the probe batch twice with one model and compares exactly. Returns the ERROR check
   * when the predictions differ and the suite expects the model to be deterministic, else null;
   * adds what it found to {@code probes}.
   */
  private static double[][] column(double[] v) {
    double[][] out = new double[v.length][];
    for (int i = 0; i < v.length; i++) {
      out[i] = new double[] {v[i]};
    }
    return out;
  }

  private CheckResult probe(Suite suite, boolean isBaseline, ModelUnderTest m, boolean expected, Caches caches, List<DeterminismProbe> probes) {
    String role = isBaseline ? "baseline" : "candidate";
    long t0 = System.nanoTime();
    int k = Math.min(DeterminismProbe.ROWS, suite.data().rowCount());
    if (m.precomputed().isPresent() || !m.can(Capability.PREDICT) || k == 0) {
      probes.add(new DeterminismProbe(role, m.name(), expected, "skipped", 0, Double.NaN, -1,
          k == 0 ? "the evaluation data has no rows" : "the model's predictions are columns of the data; it is not run"));
      return null;
    }
    progress.accept("Determinism probe: " + role + " model on the first " + k + " evaluation rows, twice");
    CheckContext ctx = new CheckContext(m, isBaseline, suite.data(), suite.reference(), 0, suite.threshold(), null, outputDir,
        isBaseline ? caches.baseline : caches.candidate);
    Run<double[][][]> r = timed(() -> {
      double[][] x = java.util.Arrays.copyOfRange(ctx.encode(suite.data()), 0, k);
      if (m.task() == dev.gauntlet.harness.model.Task.REGRESSION) {
        return new double[][][] {column(ctx.predictValuesBatched(deepCopy(x))), column(ctx.predictValuesBatched(deepCopy(x)))};
      }
      double[][] a = ctx.predictBatched(deepCopy(x));
      double[][] b = ctx.predictBatched(deepCopy(x));
      return new double[][][] {a, b};
    }, role + "-determinism", "determinism probe of the " + role + " model", suite.checkTimeLimit(), caches);
    if (r.error() != null) {
      probes.add(new DeterminismProbe(role, m.name(), expected, "failed", k, Double.NaN, -1,
          "the probe could not run (the checks that run the model report it): " + r.error()));
      return null;
    }
    double max = 0;
    int row = -1;
    int cls = -1;
    double[][] a = r.value()[0];
    double[][] b = r.value()[1];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < a[i].length; j++) {
        if (Double.compare(a[i][j], b[i][j]) != 0) {
          double d = Math.abs(a[i][j] - b[i][j]);
          d = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
          if (row < 0 || d > max) {
            max = d;
            row = i;
            cls = j;
          }
        }
      }
    }
    if (row < 0) {
      probes.add(new DeterminismProbe(role, m.name(), expected, "deterministic", k, 0, -1,
          "the same predictions, bit for bit, twice on the first " + k + " evaluation rows"));
      return null;
    }
    List<String> cats = suite.data().schema().label().map(l -> l.categories()).orElse(List.of());
    String className = cls < cats.size() ? "'" + cats.get(cls) + "'" : "#" + cls;
    String found = "Model '" + m.name() + "' gave different predictions for the same input: predicted twice on the first " + k
        + " evaluation rows, " + (m.task() == dev.gauntlet.harness.model.Task.REGRESSION ? "the predicted value" : "the probability of class " + className)
        + " differs by up to " + MetricCondition.fmt(max)
        + " (evaluation row " + (row + 1) + ")";
    if (!expected) {
      probes.add(new DeterminismProbe(role, m.name(), false, "non-deterministic", k, max, row,
          found + "; accepted: the suite declares deterministic: false for this model, so its results vary between runs."));
      return null;
    }
    probes.add(new DeterminismProbe(role, m.name(), true, "non-deterministic", k, max, row, found + "."));
    String sentence = found + ". Its results cannot be reproduced; fix the model (e.g. dropout or sampling left on at inference) or declare "
        + (isBaseline ? "baseline" : "model") + ": {deterministic: false} in the suite if this is expected.";
    String id = role.equals("candidate") ? "model-determinism" : "baseline-determinism";
    String condition = "the " + role + " model gives the same predictions for the same input";
    Finding f = Finding.of(condition, null, Outcome.ERROR, sentence, max, Double.NaN);
    return new CheckResult(id, "Model determinism (" + role + ")", dev.gauntlet.harness.check.Trial.PERFORMANCE,
        "Whether the model gives the same predictions when it is asked twice about the same rows.", true, Outcome.ERROR, found + ".",
        List.of(condition), List.of(f), List.of(), List.of(), List.of(), found + ".", null, (System.nanoTime() - t0) / 1_000_000);
  }

  private static double[][] deepCopy(double[][] x) {
    double[][] c = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      c[i] = x[i].clone();
    }
    return c;
  }

  /** The seed of one check: the suite seed mixed with the check id, so checks do not share streams. */
  public static long checkSeed(long suiteSeed, String checkId) {
    return new SplittableRandom(suiteSeed ^ (0x9E3779B97F4A7C15L * checkId.hashCode())).nextLong();
  }

  /** Per-model caches; replaced when a check is abandoned at its time limit (its thread may still use them). */
  private static final class Caches {
    CheckContext.Cache candidate = new CheckContext.Cache();
    CheckContext.Cache baseline = new CheckContext.Cache();
  }

  /** The value of one model's run, or why there is none. */
  private record Run<V>(V value, String error) {}

  private <V extends Measured> Run<V> measure(Suite suite, CheckSpec<V> spec, ModelUnderTest model, boolean isBaseline, Caches caches) {
    Check<V> check = spec.check();
    String missing = missingCapabilities(check.requires(), model);
    if (missing != null) {
      return new Run<>(null, missing);
    }
    long seed = checkSeed(suite.seed(), spec.id());
    CheckContext c0 = new CheckContext(model, isBaseline, suite.data(), suite.reference(), seed, suite.threshold(),
        m -> progress.accept("      " + m), outputDir, isBaseline ? caches.baseline : caches.candidate).withEngine(engine);
    // Streamed data: a check that summarises sees every row in chunks; the others see the sample (suite.data()).
    CheckContext c1 = suite.stream() != null && check.streams() ? c0.withStream(suite.stream()) : c0;
    // A streamed reference likewise: a check that summarises sees every reference row, the others its sample.
    CheckContext ctx = suite.referenceStream() != null && check.streams() ? c1.withReferenceStream(suite.referenceStream(), suite.streamedReferenceRows()) : c1;
    String who = isBaseline ? "baseline model" : "check";
    Run<V> r = timed(() -> check.run(ctx), spec.id(), who, suite.checkTimeLimit(), caches);
    if (r.error() == null && r.value() == null) {
      return new Run<>(null, "the check returned no value (a bug in the check)");
    }
    if (r.error() == null) {
      String undeclared = undeclared(check.metrics(), r.value());
      if (undeclared != null) {
        return new Run<>(null, undeclared);
      }
    }
    return r;
  }

  /** Runs {@code body} on a worker thread under the time limit, with a heartbeat; any Throwable becomes an error. */
  private <V> Run<V> timed(Callable<V> body, String id, String who, Duration limit, Caches caches) {
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "gauntlet-check-" + id);
      t.setDaemon(true);
      return t;
    });
    ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gauntlet-heartbeat");
      t.setDaemon(true);
      return t;
    });
    long t0 = System.nanoTime();
    beat.scheduleAtFixedRate(() -> progress.accept(String.format(Locale.ROOT, "      ... %s still running (%d s of the %d s limit)",
        id, (System.nanoTime() - t0) / 1_000_000_000L, limit.toSeconds())), HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    Future<V> f = worker.submit(body);
    try {
      return new Run<>(f.get(limit.toMillis(), TimeUnit.MILLISECONDS), null);
    } catch (TimeoutException e) {
      f.cancel(true);
      caches.candidate = new CheckContext.Cache();
      caches.baseline = new CheckContext.Cache();
      return new Run<>(null, "the " + who + " did not finish within the time limit of " + limit.toSeconds()
          + " s (set limits.checkSeconds in the suite to change it); it was abandoned");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      return new Run<>(null, "the run was interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof dev.gauntlet.harness.summary.UnshippableSummarizerException u) {
        // The engine cannot run this check where the rows are: the run stops (exit 2), nothing is written.
        throw new UsageException("check '" + id + "': " + u.getMessage(), u);
      }
      return new Run<>(null, describe(e.getCause()));
    } finally {
      beat.shutdownNow();
      worker.shutdownNow();
    }
  }

  private static String describe(Throwable t) {
    if (t instanceof UsageException) {
      return t.getMessage();
    }
    if (t instanceof StackOverflowError) {
      return "the model or the check overflowed the stack (StackOverflowError)";
    }
    if (t instanceof OutOfMemoryError) {
      return "the model or the check ran out of memory (" + t + "); raise -Xmx through GAUNTLET_JAVA_OPTS or audit fewer rows";
    }
    return "internal error in the check: " + t;
  }

  /** A message naming the measured metrics that the check does not declare, or null. */
  private static String undeclared(MetricSet declared, Measured v) {
    if (declared == null) {
      return null;
    }
    Set<String> bad = new LinkedHashSet<>();
    for (Measurement m : v.measurements()) {
      if (declared.find(m.metric()).filter(d -> d.accepts(m.subject())).isEmpty()) {
        bad.add(m.key());
      }
    }
    return bad.isEmpty() ? null : "the check measured undeclared metrics or subjects (a bug in the check): " + String.join(", ", bad);
  }

  private <V extends Measured> CheckResult runOne(Suite suite, CheckSpec<V> spec, Caches caches, dev.gauntlet.harness.history.History history) {
    long t0 = System.nanoTime();
    Check<V> check = spec.check();
    List<String> conditionTexts = new ArrayList<>();
    for (Condition<? super V> c : spec.conditions()) {
      conditionTexts.add(c.describe());
    }
    Run<V> cand = measure(suite, spec, suite.model(), false, caches);
    if (cand.error() != null) {
      return error(spec, conditionTexts, cand.error(), t0);
    }
    V candidate = cand.value();
    V baseline = null;
    BaselineState state = BaselineState.ABSENT;
    String baselineError = null;
    if (suite.baseline() != null) {
      progress.accept("      baseline model");
      Run<V> base = measure(suite, spec, suite.baseline(), true, caches);
      if (base.error() == null) {
        baseline = base.value();
        state = BaselineState.MEASURED;
      } else {
        state = BaselineState.FAILED;
        baselineError = base.error();
      }
    }
    List<Finding> findings = new ArrayList<>();
    for (Condition<? super V> c : spec.conditions()) {
      boolean change = c instanceof MetricCondition mc && (mc.kind() == MetricCondition.Kind.MAX_DROP || mc.kind() == MetricCondition.Kind.MAX_RISE);
      if (change && state == BaselineState.FAILED) {
        findings.add(Finding.of(c.describe(), null, Outcome.ERROR,
            "The baseline model '" + suite.baseline().name() + "' could not be measured, so the change cannot be judged: " + baselineError,
            Double.NaN, Double.NaN));
        continue;
      }
      try {
        List<Judgement> js = c instanceof dev.gauntlet.harness.check.TrendCondition tc
            ? tc.judge(candidate, history, spec.id()) : c.judge(candidate, baseline);
        if (js == null || js.isEmpty()) {
          findings.add(Finding.of(c.describe(), null, Outcome.ERROR, "The condition gave no judgement (a bug in the condition).", Double.NaN, Double.NaN));
        } else {
          for (Judgement j : js) {
            findings.add(Finding.of(c.describe(), j.metric(), j.outcome(), j.sentence(), j.value(), j.baseline()));
          }
        }
      } catch (RuntimeException e) {
        findings.add(Finding.of(c.describe(), null, Outcome.ERROR, "The condition could not be evaluated: " + e.getMessage(), Double.NaN, Double.NaN));
      }
    }
    Outcome worst = Outcome.PASS;
    for (Finding f : findings) {
      worst = worst.worse(f.outcome());
    }
    String summary = candidate.summary();
    if (state == BaselineState.FAILED) {
      summary = (summary.isEmpty() ? "" : summary + " ") + "The baseline model could not be measured: " + baselineError;
    }
    return new CheckResult(spec.id(), check.title(), check.trial(), check.description(), spec.required(), worst, summary,
        conditionTexts, findings, candidate.measurements(), baseline == null ? List.of() : baseline.measurements(),
        candidate.evidence(), null, null, (System.nanoTime() - t0) / 1_000_000);
  }

  private static String missingCapabilities(Set<Capability> required, ModelUnderTest model) {
    Set<Capability> missing = EnumSet.noneOf(Capability.class);
    for (Capability c : required) {
      if (!model.can(c)) {
        missing.add(c);
      }
    }
    if (missing.isEmpty()) {
      return null;
    }
    String own = missing.stream().map(model::missingReason).flatMap(java.util.Optional::stream).findFirst().orElse(null);
    String why = own != null ? " (" + own + ")"
        : model.can(Capability.PRECOMPUTED) ? " (its predictions are columns of the data, so it cannot be run on new inputs)"
        : missing.contains(Capability.LOSS_GRADIENT) ? " (a black-box model gives no gradients; use a score-based attack instead)" : "";
    return "this check needs " + names(missing) + ", which model '" + model.name() + "' lacks" + why + ".";
  }

  private static String names(Set<Capability> caps) {
    List<String> out = new ArrayList<>();
    for (Capability c : caps) {
      out.add(c.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
    return String.join(" and ", out);
  }

  private static CheckResult error(CheckSpec<?> spec, List<String> conditions, String message, long t0) {
    Finding f = Finding.of("the check must run", null, Outcome.ERROR, "The check could not run: " + message, Double.NaN, Double.NaN);
    return new CheckResult(spec.id(), spec.check().title(), spec.check().trial(), spec.check().description(), spec.required(),
        Outcome.ERROR, "", conditions, List.of(f), List.of(), List.of(), List.of(), message, null, (System.nanoTime() - t0) / 1_000_000);
  }
}

package dev.gauntlet.harness.run;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.Condition;
import dev.gauntlet.harness.check.Judgement;
import dev.gauntlet.harness.check.Measured;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs a {@link Suite}: each check on the candidate (and the baseline), each condition on the values,
 * then the gate. A check that throws or cannot run is recorded as ERROR with its message; the run
 * itself goes on, so the report shows everything that could be measured.
 */
public final class SuiteRunner {
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

  public SuiteResult run(Suite suite) {
    long t0 = System.nanoTime();
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    CheckContext.Cache candidateCache = new CheckContext.Cache();
    CheckContext.Cache baselineCache = new CheckContext.Cache();
    List<CheckResult> results = new ArrayList<>();
    int i = 0;
    for (CheckSpec<?> spec : suite.checks()) {
      i++;
      progress.accept("[" + i + "/" + suite.checks().size() + "] " + spec.check().title() + " (" + spec.id() + ")");
      CheckResult r = runOne(suite, spec, candidateCache, baselineCache);
      results.add(r);
      progress.accept(String.format(java.util.Locale.ROOT, "      -> %s in %.1f s", r.outcome(), r.durationMillis() / 1000.0));
    }
    Verdict verdict = suite.gate().decide(results);
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
        started.toString(),
        millis);
    return new SuiteResult(SuiteResult.SCHEMA_VERSION, suite.name(), verdict, results, prov);
  }

  /** The seed of one check: the suite seed mixed with the check id, so checks do not share streams. */
  public static long checkSeed(long suiteSeed, String checkId) {
    return new SplittableRandom(suiteSeed ^ (0x9E3779B97F4A7C15L * checkId.hashCode())).nextLong();
  }

  private <V extends Measured> CheckResult runOne(Suite suite, CheckSpec<V> spec, CheckContext.Cache cc, CheckContext.Cache bc) {
    long t0 = System.nanoTime();
    Check<V> check = spec.check();
    List<String> conditionTexts = new ArrayList<>();
    for (Condition<? super V> c : spec.conditions()) {
      conditionTexts.add(c.describe());
    }
    long seed = checkSeed(suite.seed(), spec.id());
    V candidate;
    try {
      String missing = missingCapabilities(check.requires(), suite.model());
      if (missing != null) {
        return error(spec, conditionTexts, missing, t0);
      }
      CheckContext ctx = new CheckContext(suite.model(), false, suite.data(), suite.reference(), seed, suite.threshold(),
          m -> progress.accept("      " + m), outputDir, cc);
      candidate = check.run(ctx);
      if (candidate == null) {
        return error(spec, conditionTexts, "the check returned no value (a bug in the check)", t0);
      }
    } catch (UsageException e) {
      return error(spec, conditionTexts, e.getMessage(), t0);
    } catch (Exception | LinkageError | AssertionError e) {
      return error(spec, conditionTexts, "internal error in the check: " + e, t0);
    }
    V baseline = null;
    String baselineNote = null;
    if (suite.baseline() != null) {
      String missing = missingCapabilities(check.requires(), suite.baseline());
      if (missing == null) {
        try {
          progress.accept("      baseline model");
          CheckContext ctx = new CheckContext(suite.baseline(), true, suite.data(), suite.reference(), seed, suite.threshold(),
              m -> progress.accept("      " + m), outputDir, bc);
          baseline = check.run(ctx);
        } catch (Exception e) {
          baselineNote = "The baseline model could not be measured: " + e.getMessage();
        }
      } else {
        baselineNote = "The baseline model could not be measured: " + missing;
      }
    }
    List<Finding> findings = new ArrayList<>();
    for (Condition<? super V> c : spec.conditions()) {
      try {
        List<Judgement> js = c.judge(candidate, baseline);
        if (js == null || js.isEmpty()) {
          findings.add(new Finding(c.describe(), "", Outcome.ERROR, "The condition gave no judgement (a bug in the condition).", Double.NaN, Double.NaN));
        } else {
          for (Judgement j : js) {
            findings.add(new Finding(c.describe(), j.subject(), j.outcome(), j.sentence(), j.value(), j.baseline()));
          }
        }
      } catch (RuntimeException e) {
        findings.add(new Finding(c.describe(), "", Outcome.ERROR, "The condition could not be evaluated: " + e.getMessage(), Double.NaN, Double.NaN));
      }
    }
    Outcome worst = Outcome.PASS;
    for (Finding f : findings) {
      worst = worst.worse(f.outcome());
    }
    String summary = candidate.summary();
    if (baselineNote != null) {
      summary = (summary.isEmpty() ? "" : summary + " ") + baselineNote;
    }
    return new CheckResult(spec.id(), check.title(), check.trial(), check.description(), spec.required(), worst, summary,
        conditionTexts, findings, candidate.measurements(), baseline == null ? List.of() : baseline.measurements(),
        candidate.evidence(), null, (System.nanoTime() - t0) / 1_000_000);
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
    String why = model.can(Capability.PRECOMPUTED) ? " (its predictions are columns of the data, so it cannot be run on new inputs)"
        : missing.contains(Capability.LOSS_GRADIENT) ? " (a black-box model gives no gradients; use a score-based attack instead)" : "";
    return "this check needs " + names(missing) + ", which model '" + model.name() + "' lacks" + why + ".";
  }

  private static String names(Set<Capability> caps) {
    List<String> out = new ArrayList<>();
    for (Capability c : caps) {
      out.add(c.name().toLowerCase().replace('_', ' '));
    }
    return String.join(" and ", out);
  }

  private static CheckResult error(CheckSpec<?> spec, List<String> conditions, String message, long t0) {
    Finding f = new Finding("the check must run", "", Outcome.ERROR, "The check could not run: " + message, Double.NaN, Double.NaN);
    return new CheckResult(spec.id(), spec.check().title(), spec.check().trial(), spec.check().description(), spec.required(),
        Outcome.ERROR, "", conditions, List.of(f), List.of(), List.of(), List.of(), message, (System.nanoTime() - t0) / 1_000_000);
  }
}

package dev.gauntlet.suites.cli;

import dev.gauntlet.harness.ExitCode;
import dev.gauntlet.harness.GauntletException;
import dev.gauntlet.harness.config.CheckType;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.report.ReportWriter;
import dev.gauntlet.harness.report.Text;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Provenance;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import dev.gauntlet.suites.Demo;
import dev.gauntlet.history.HistoryStore;
import dev.gauntlet.history.HistoryTable;
import dev.gauntlet.history.Recording;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code gauntlet} command. Exit codes: 0 gate passed, 1 gate failed, 2 bad usage,
 * configuration or data, 3 internal error.
 */
@Command(name = "gauntlet", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Audits a machine-learning model before promotion: perturbation, adversarial, fairness and drift trials, one gate.",
    subcommands = {Main.DemoCommand.class, Main.AuditCommand.class, Main.MonitorCommand.class, Main.ChecksCommand.class, Main.DiscoverCommand.class, Main.HistoryCommand.class,
        Main.PromoteCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the gate passed", "1:the gate failed", "2:bad usage, configuration, data or model", "3:internal error"})
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line and returns the exit code (for tests). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setExitCodeExceptionMapper(t -> t instanceof GauntletException g ? g.exitCode() : ExitCode.INTERNAL_ERROR);
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("gauntlet: " + Text.forConsoleLines(ex.getMessage()));
      err.println("Run 'gauntlet --help' (or 'gauntlet " + (ex.getCommandLine().getCommandName()) + " --help') for usage.");
      return ExitCode.BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, c, p) -> {
      if (ex instanceof GauntletException g && g.exitCode() == ExitCode.BAD_INPUT) {
        err.println("gauntlet: error: " + Text.forConsoleLines(ex.getMessage()));
        return ExitCode.BAD_INPUT;
      }
      err.println("gauntlet: internal error (please report it with the command and this trace):");
      java.io.StringWriter trace = new java.io.StringWriter();
      ex.printStackTrace(new java.io.PrintWriter(trace));
      err.print(Text.forConsoleLines(trace.toString()));
      err.flush();
      return ExitCode.INTERNAL_ERROR;
    });
    try {
      return cl.execute(args);
    } catch (Throwable t) {
      err.println("gauntlet: internal error: " + Text.forConsoleLines(String.valueOf(t)));
      return ExitCode.INTERNAL_ERROR;
    }
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.err);
    return ExitCode.BAD_INPUT;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"Gauntlet " + Provenance.currentHarnessVersion()};
    }
  }

  /** Shared options of the commands that run a suite. */
  static class RunOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: target/gauntlet/<suite name>).")
    Path out;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for every random choice (default: the suite's).")
    Long seed;

    @Option(names = "--quiet", description = "Print only the verdict.")
    boolean quiet;

    @Option(names = "--history", paramLabel = "URL", defaultValue = "${env:GAUNTLET_HISTORY_URL}",
        description = "Where runs are recorded: jdbc:sqlite:FILE, jdbc:postgresql://HOST[:PORT]/DB, or off (default: the suite's history.url, "
            + "else gauntlet-history.db beside the output folder; also from GAUNTLET_HISTORY_URL).")
    String history;

    @Option(names = "--metrics-file", paramLabel = "PATH", description = "Also write the run as an OpenMetrics text file (e.g. for a node-exporter textfile collector).")
    Path metricsFile;

    /** The options as they would be typed, for the reproduce command. */
    String asArguments() {
      return (seed != null ? " --seed " + seed : "") + (out != null ? " --out " + out : "");
    }
  }

  /** Where the statistical checks' summaries are computed (audit only; the demo is always in-process). */
  static class EngineOptions {
    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "in-process",
        description = "Summary engine of the statistical checks: in-process (default) or spark (the gauntlet-spark module; ./gauntlet adds it and Spark's JVM options).")
    String engine = "in-process";

    @Option(names = "--master", paramLabel = "URL", description = "Spark master with --engine spark (default local[2]; local-cluster[W,C,MB], spark://HOST:PORT, yarn, k8s://...; under spark-submit, its own --master).")
    String master;

    @Option(names = "--partitions", paramLabel = "N", description = "Spark partitions of the evaluation data with --engine spark (default: as Spark reads it; a CSV file in at least Spark's default parallelism of splits, e.g. 2 for local[2]).")
    String partitions;

    String asArguments() {
      return "in-process".equals(engine) ? "" : " --engine " + engine + (master != null ? " --master " + master : "") + (partitions != null ? " --partitions " + partitions : "");
    }

    /** The engine for {@code suite}, or null for the default in-process one; the caller closes an AutoCloseable engine. */
    dev.gauntlet.harness.summary.SummaryEngine open(Suite suite) {
      if ("in-process".equals(engine)) {
        if (master != null || partitions != null) {
          throw new dev.gauntlet.harness.UsageException((master != null ? "--master" : "--partitions") + " applies to --engine spark only");
        }
        return null;
      }
      return provider().open(suite, options());
    }

    private dev.gauntlet.harness.run.EngineProvider provider;

    /** The engine's options as the provider reads them. */
    java.util.Map<String, String> options() {
      java.util.Map<String, String> options = new java.util.HashMap<>();
      if (master != null) {
        options.put("master", master);
      }
      if (partitions != null) {
        options.put("partitions", partitions);
      }
      return options;
    }

    /** How the engine reads the evaluation data where it is (Spark), or empty (then this JVM reads it whole for that engine). */
    java.util.Optional<dev.gauntlet.harness.data.RemoteRows> rows() {
      return provider().rows(options());
    }

    /** The provider named by --engine (one instance per run: {@link #rows} and {@link #open} share its session). */
    dev.gauntlet.harness.run.EngineProvider provider() {
      if (provider != null) {
        return provider;
      }
      java.util.List<String> known = new java.util.ArrayList<>(java.util.List.of("in-process"));
      for (dev.gauntlet.harness.run.EngineProvider p : java.util.ServiceLoader.load(dev.gauntlet.harness.run.EngineProvider.class)) {
        if (p.name().equals(engine)) {
          provider = p;
          return p;
        }
        known.add(p.name());
      }
      throw new dev.gauntlet.harness.UsageException("--engine " + engine + ": unknown engine; known here: " + String.join(", ", known)
          + ("spark".equals(engine) ? " (the Spark engine is the gauntlet-spark module with Spark on the classpath: run ./gauntlet audit ... --engine spark, which adds both)" : ""));
    }
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = "Runs the built-in demo audit on synthetic lending data it generates (and caches in target/gauntlet/demo-inputs).")
  static final class DemoCommand implements Callable<Integer> {
    @CommandLine.Mixin
    RunOptions opts = new RunOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--monitor", description = "Runs the demo's monitor instead: the lending model in production (2024, months 13-24), its prediction log"
        + " and the labels that have arrived, late and later for some groups (gauntlet monitor on target/gauntlet/demo-inputs/monitor.yaml).")
    boolean monitor;

    @Override
    public Integer call() {
      PrintStream err = printStream(spec.commandLine().getErr());
      Path inputs = Path.of("target", "gauntlet", "demo-inputs");
      if (monitor) {
        return run(() -> Demo.prepareMonitor(inputs, m -> log(err, opts.quiet, m)), opts, null, "./gauntlet demo --monitor" + opts.asArguments(), spec, Mode.MONITOR);
      }
      return audit(() -> Demo.prepare(inputs, m -> log(err, opts.quiet, m)), opts, null, "./gauntlet demo" + opts.asArguments(), spec);
    }
  }

  @Command(name = "monitor", mixinStandardHelpOptions = true,
      description = "Runs a suite's monitor.performance checks over the production logs they name (prediction log, label log): realized and estimated"
          + " accuracy per window and group, estimator health, retraining cadence; writes the report set and records the run in the history as one"
          + " revision of its windows. Exit codes as for audit.")
  static final class MonitorCommand implements Callable<Integer> {
    @Option(names = "--suite", required = true, paramLabel = "FILE", description = "The suite file (YAML) with at least one monitor.performance check.")
    Path suite;

    @CommandLine.Mixin
    RunOptions opts = new RunOptions();

    @CommandLine.Mixin
    EngineOptions engine = new EngineOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return run(() -> suite, opts, engine, "./gauntlet monitor --suite " + suite + opts.asArguments() + engine.asArguments(), spec, Mode.MONITOR);
    }
  }

  @Command(name = "audit", mixinStandardHelpOptions = true, description = "Runs a YAML suite and writes report.json, report.html, junit.xml and summary.md.")
  static final class AuditCommand implements Callable<Integer> {
    @Option(names = "--suite", required = true, paramLabel = "FILE", description = "The suite file (YAML).")
    Path suite;

    @CommandLine.Mixin
    RunOptions opts = new RunOptions();

    @CommandLine.Mixin
    EngineOptions engine = new EngineOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return audit(() -> {
        // a project fixture (fixtures/parquet) generates its inputs on first use, like the demo
        Path dir = suite.toAbsolutePath().getParent();
        if (dir != null) {
          dev.gauntlet.fixtures.ParquetFixture.materializeIfMarked(dir, m -> log(printStream(spec.commandLine().getErr()), opts.quiet, m));
          dev.gauntlet.fixtures.CreditLimitFixture.materializeIfMarked(dir, m -> log(printStream(spec.commandLine().getErr()), opts.quiet, m));
        }
        return suite;
      }, opts, engine, "./gauntlet audit --suite " + suite + opts.asArguments() + engine.asArguments(), spec);
    }
  }

  @Command(name = "discover", mixinStandardHelpOptions = true,
      description = "Runs the suite's slices.discover checks (or one with the defaults when it has none) on the candidate and prints the"
          + " YAML that pins each slice found, to paste under checks:.")
  static final class DiscoverCommand implements Callable<Integer> {
    @Option(names = "--suite", required = true, paramLabel = "FILE", description = "The suite file (YAML).")
    Path suite;

    @Option(names = "--seed", paramLabel = "N", description = "Seed (default: the suite's).")
    Long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintStream err = printStream(spec.commandLine().getErr());
      java.io.PrintWriter out = spec.commandLine().getOut();
      Suite s = new SuiteLoader().load(suite, seed == null ? OptionalLong.empty() : OptionalLong.of(seed), m -> log(err, false, m));
      java.util.List<dev.gauntlet.harness.run.CheckSpec<?>> specs = new java.util.ArrayList<>();
      for (dev.gauntlet.harness.run.CheckSpec<?> c : s.checks()) {
        if (c.check() instanceof dev.gauntlet.fairness.discover.SliceDiscoveryCheck) {
          specs.add(c);
        }
      }
      java.util.List<dev.gauntlet.fairness.discover.SliceDiscoveryCheck> checks = new java.util.ArrayList<>();
      java.util.List<String> ids = new java.util.ArrayList<>();
      for (dev.gauntlet.harness.run.CheckSpec<?> c : specs) {
        checks.add((dev.gauntlet.fairness.discover.SliceDiscoveryCheck) c.check());
        ids.add(c.id());
      }
      if (checks.isEmpty()) {
        log(err, false, "The suite has no slices.discover check; searching with the defaults (target: error, depth 3)");
        checks.add(new dev.gauntlet.fairness.discover.SliceDiscoveryCheck(dev.gauntlet.fairness.discover.DiscoveryConfig.defaults(), s.data().schema()));
        ids.add("slices.discover");
      }
      dev.gauntlet.harness.check.CheckContext.Cache cache = new dev.gauntlet.harness.check.CheckContext.Cache();
      for (int i = 0; i < checks.size(); i++) {
        dev.gauntlet.harness.check.CheckContext ctx = new dev.gauntlet.harness.check.CheckContext(s.model(), false, s.data(), s.reference(),
            s.seed(), s.threshold(), m -> log(err, false, m), null, cache);
        dev.gauntlet.fairness.discover.SliceDiscoveryCheck.Discovery v = checks.get(i).run(ctx);
        out.println(Text.forConsole("# " + ids.get(i) + ": " + v.summary()));
        for (dev.gauntlet.fairness.discover.SliceDiscoveryCheck.Slice sl : v.slices().subList(0, Math.min(v.slices().size(), checks.get(i).config().top()))) {
          out.println(Text.forConsole(String.format(Locale.ROOT, "#   %-40s n=%-7d %s %.3f [%.3f, %.3f]  effect +%.3f  q %.2g", sl.subject(), sl.size(),
              v.target().metric(), sl.rate(), sl.interval().lower(), sl.interval().upper(), sl.effect(), sl.q())));
        }
        if (!v.yaml().isEmpty()) {
          out.println("# Paste under checks: to judge the next candidate on these slices:");
          v.yaml().lines().forEach(l -> out.println(Text.forConsole(l)));
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "checks", mixinStandardHelpOptions = true, description = "Lists the check types a suite can use.")
  static final class ChecksCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--markdown", description = "Prints every check type's parameters and metrics as Markdown (the README's check reference).")
    boolean markdown;

    @Override
    public Integer call() {
      java.io.PrintWriter out = spec.commandLine().getOut();
      if (markdown) {
        out.print(checksMarkdown(new SuiteLoader().checkTypes()));
      } else {
        for (CheckType t : new SuiteLoader().checkTypes().values()) {
          out.printf(Locale.ROOT, "%-32s %s%n", t.name(), t.description());
        }
      }
      out.flush();
      return 0;
    }
  }

  /** Options of the commands that read the history of a suite. */
  static class HistoryOptions {
    @Option(names = "--suite", required = true, paramLabel = "FILE", description = "The suite file (YAML); its name and history settings are read.")
    Path suite;

    @Option(names = "--out", paramLabel = "DIR", description = "The output folder the runs used (for the default database beside it).")
    Path out;

    @Option(names = "--history", paramLabel = "URL", defaultValue = "${env:GAUNTLET_HISTORY_URL}",
        description = "The history database (default: as for audit).")
    String history;

    HistoryStore open() {
      String name = Recording.suiteName(suite);
      Path dir = out != null ? out : Path.of("target", "gauntlet", name);
      Recording.Settings s = Recording.settings(suite, dir, history, null);
      if (s.historyUrl() == null) {
        throw new dev.gauntlet.harness.UsageException("history is off for suite '" + name + "' (history.url: off or --history off); there is nothing to read");
      }
      if (s.historyUrl().startsWith("jdbc:sqlite:") && !java.nio.file.Files.exists(Path.of(s.historyUrl().substring("jdbc:sqlite:".length()).split("\\?")[0]))) {
        throw new dev.gauntlet.harness.UsageException("no history database at " + s.historyUrl().substring("jdbc:sqlite:".length())
            + ": no run of suite '" + name + "' has been recorded there (audit writes it; give --out as for the audit, or --history URL)");
      }
      return HistoryStore.open(s.historyUrl());
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true, description = "Prints the recorded runs of a suite (verdict, key metrics, model), newest first.")
  static final class HistoryCommand implements Callable<Integer> {
    @CommandLine.Mixin
    HistoryOptions opts = new HistoryOptions();

    @Option(names = "--json", description = "Prints JSON for machines.")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N runs (default 20).")
    int limit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (limit < 1 || limit > 100_000) {
        throw new dev.gauntlet.harness.UsageException("--limit must be in [1, 100000], got " + limit);
      }
      String name = Recording.suiteName(opts.suite);
      try (HistoryStore store = opts.open()) {
        java.util.List<dev.gauntlet.history.RunRecord> runs = store.runs(name, limit);
        java.io.PrintWriter out = spec.commandLine().getOut();
        out.print(json ? HistoryTable.json(name, runs) : HistoryTable.table(name, runs, store.describe()));
        out.flush();
      }
      return 0;
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = "Marks a PASSED run of a suite promoted: the reference of maxDropFromPromoted conditions. A FAILED run is refused.")
  static final class PromoteCommand implements Callable<Integer> {
    @CommandLine.Mixin
    HistoryOptions opts = new HistoryOptions();

    @Option(names = "--run", required = true, paramLabel = "ID", description = "The run's id (see 'gauntlet history').")
    long run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      String name = Recording.suiteName(opts.suite);
      try (HistoryStore store = opts.open()) {
        dev.gauntlet.history.RunRecord r = store.promote(name, run);
        java.io.PrintWriter out = spec.commandLine().getOut();
        out.println(Text.forConsole("Promoted run #" + r.id() + " of suite '" + name + "' (" + r.verdict() + ", model " + r.modelName() + ", " + r.startedAt() + ")."));
        out.flush();
      }
      return 0;
    }
  }

  /**
   * The reference of the check types, generated from their declarations ({@link CheckType#params()},
   * {@link CheckType#metrics()}): one section per type with its parameters and its metrics. A type
   * whose metrics are not declared yet says so.
   */
  public static String checksMarkdown(java.util.Map<String, CheckType> types) {
    StringBuilder b = new StringBuilder();
    for (CheckType t : types.values()) {
      b.append("#### `").append(t.name()).append("`\n\n").append(cell(t.description())).append("\n\n");
      if (t.params().isEmpty()) {
        b.append("Parameters: none declared.\n\n");
      } else {
        b.append("| parameter | type | default | meaning |\n|---|---|---|---|\n");
        for (dev.gauntlet.harness.metric.ParamDecl p : t.params()) {
          b.append("| `").append(cell(p.name())).append("` | ").append(cell(p.type())).append(" | ")
              .append(p.defaultValue() == null ? "" : "`" + cell(p.defaultValue()) + "`").append(" | ").append(cell(p.description())).append(" |\n");
        }
        b.append("\n");
      }
      dev.gauntlet.harness.metric.MetricSet ms = t.metrics();
      if (ms == null) {
        b.append("Metrics: metrics not declared yet.\n\n");
        continue;
      }
      b.append("| metric | subject | better | interval | meaning |\n|---|---|---|---|---|\n");
      for (dev.gauntlet.harness.metric.MetricDecl d : ms.all()) {
        String subj = d.subjectPatterns();
        b.append("| `").append(cell(d.name())).append("` | ").append(subj.startsWith("(") ? cell(subj) : "`" + cell(subj) + "`").append(" | ")
            .append(d.direction().name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" | ").append(d.interval() ? "yes" : "no")
            .append(" | ").append(cell(d.description())).append(" |\n");
      }
      b.append("\n");
    }
    return b.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  /**
   * Loads and runs a suite and publishes its report set. An {@code --out} folder is locked and
   * checked before the suite is even prepared (the demo trains its models first); the default folder,
   * named after the suite, right after the suite loads: in both cases before the audit runs.
   */
  static int audit(java.util.function.Supplier<Path> suiteFile, RunOptions opts, EngineOptions engineOptions, String command, CommandLine.Model.CommandSpec spec) {
    return run(suiteFile, opts, engineOptions, command, spec, Mode.AUDIT);
  }

  /** What a run is: an audit before promotion, or a monitor run (one revision of the production windows). */
  enum Mode {
    AUDIT("audit"),
    MONITOR("monitor");

    final String kind;

    Mode(String kind) {
      this.kind = kind;
    }
  }

  static int run(java.util.function.Supplier<Path> suiteFile, RunOptions opts, EngineOptions engineOptions, String command, CommandLine.Model.CommandSpec spec,
      Mode mode) {
    PrintStream err = printStream(spec.commandLine().getErr());
    java.io.PrintWriter out = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    ReportWriter.Staging staging = opts.out == null ? null : ReportWriter.begin(opts.out);
    dev.gauntlet.harness.summary.SummaryEngine engine = null;
    try {
      Path file = suiteFile.get();
      SuiteLoader loader = new SuiteLoader()
          .withPromotedModels(Recording.promotedModels(file, name -> opts.out != null ? opts.out : Path.of("target", "gauntlet", name), opts.history));
      if (engineOptions != null && !"in-process".equals(engineOptions.engine)) {
        // Another engine (Spark) reads the data where it is and draws the sample there; one that cannot is given the
        // whole table read here (never a local sample: it would not be drawn from the rows that engine summarises).
        java.util.Optional<dev.gauntlet.harness.data.RemoteRows> rows = engineOptions.rows();
        if (rows.isPresent()) {
          loader.withRemoteRows(rows.get());
        } else {
          loader.withChunkRows(Integer.MAX_VALUE);
        }
      }
      Suite suite = loader
          .load(file, opts.seed == null ? OptionalLong.empty() : OptionalLong.of(opts.seed), m -> log(err, opts.quiet, m));
      if (mode == Mode.MONITOR && suite.checks().stream().noneMatch(c -> c.check() instanceof dev.gauntlet.monitor.MonitorCheck)) {
        throw new dev.gauntlet.harness.UsageException(file + ": suite '" + suite.name() + "' has no " + dev.gauntlet.monitor.MonitorCheck.TYPE
            + " check; gauntlet monitor runs the checks that read a prediction log and a label log (README, \"Monitoring a promoted model\"); use gauntlet audit for this suite");
      }
      Path dir = opts.out != null ? opts.out : Path.of("target", "gauntlet", suite.name());
      if (staging == null) {
        staging = ReportWriter.begin(dir);
      }
      // the history is opened and read before the run: a locked or unreachable database is exit 2 before anything runs
      Recording rec = Recording.start(Recording.settings(file, dir, opts.history, opts.metricsFile), suite.name(), m -> log(err, opts.quiet, m));
      java.util.List<Long> revisions = mode == Mode.MONITOR ? MonitorOutput.earlierRevisions(rec.store(), suite.name()) : java.util.List.of();
      log(err, opts.quiet, (mode == Mode.MONITOR ? "Monitoring '" : "Auditing '") + suite.model().name() + "' with suite '" + suite.name() + "' ("
          + suite.checks().size() + " checks, seed " + suite.seed() + ")");
      SuiteRunner runner = new SuiteRunner(m -> log(err, opts.quiet, m), staging.folder(), command);
      engine = engineOptions == null ? null : engineOptions.open(suite);
      if (engine != null) {
        log(err, opts.quiet, "Summary engine: " + engine.describe(suite.data()));
        runner.engine(engine);
      }
      SuiteResult r = runner.run(suite, rec.history());
      String reportPath = dir.toAbsolutePath().normalize().resolve("report.html").toString();
      Long runId = rec.record(r, reportPath, mode.kind);
      r = dev.gauntlet.history.TrendEvidence.attach(r, suite, rec.history());
      staging.commit(r);
      out.println();
      out.println(Text.forConsole(r.verdict().status() + "  " + r.verdict().summary()));
      for (String reason : r.verdict().reasons()) {
        out.println("  - " + Text.forConsole(reason));
      }
      if (!opts.quiet) {
        for (CheckResult c : r.checks()) {
          out.println(Text.forConsole(String.format(Locale.ROOT, "  %-13s %s [%s]", c.outcome(), c.title(), c.id())));
        }
      }
      if (mode == Mode.MONITOR) {
        MonitorOutput.print(r, out);
      }
      out.println(Text.forConsole("Report: " + dir.resolve("report.html") + " (also report.json, junit.xml, summary.md)"));
      if (runId != null) {
        out.println(Text.forConsole("History: run #" + runId + " in " + rec.store().describe()));
        if (mode == Mode.MONITOR) {
          out.println(Text.forConsole(MonitorOutput.revisionLine(runId, revisions)));
        }
      }
      for (String w : rec.alert(r, reportPath, runId, m -> log(err, opts.quiet, m))) {
        err.println(Text.forConsole(w));
      }
      out.printf(Locale.ROOT, "Took %.1f s. Exit code %d.%n", (System.nanoTime() - t0) / 1e9, r.verdict().exitCode());
      out.flush();
      return r.verdict().exitCode();
    } finally {
      if (engine == null && engineOptions != null && engineOptions.provider instanceof AutoCloseable c) {
        try {
          c.close(); // a session the provider started to read the data, for a run that stopped before its engine opened
        } catch (Exception e) {
          log(err, opts.quiet, "Could not close the summary engine: " + e.getMessage());
        }
      }
      if (engine instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          log(err, opts.quiet, "Could not close the summary engine: " + e.getMessage());
        }
      }
      if (staging != null) {
        staging.close();
      }
    }
  }

  private static void log(PrintStream err, boolean quiet, String m) {
    if (!quiet) {
      err.println(Text.forConsole(m));
    }
  }

  private static PrintStream printStream(java.io.PrintWriter w) {
    return new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        w.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        w.write(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
      }

      @Override
      public void flush() {
        w.flush();
      }
    }, true, java.nio.charset.StandardCharsets.UTF_8);
  }
}

package dev.gauntlet.history;

import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.history.History;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.history.alert.OpenMetricsFile;
import dev.gauntlet.history.alert.Webhook;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a run records and announces, and doing it: the history store (opened, migrated and read
 * before the run, written after it in one transaction), the OpenMetrics file and the webhook.
 *
 * <p>The suite's {@code history: {url, record}} and {@code alerts: {openmetrics, webhook: {url,
 * timeoutSeconds, retries}}} nodes say what; {@code --history URL|off} and {@code --metrics-file}
 * override them. Without either, history is ON in an SQLite file {@code gauntlet-history.db} beside
 * the output folder (so it survives the report folder being replaced), e.g. {@code
 * target/gauntlet/gauntlet-history.db} for the default {@code target/gauntlet/<suite>}.
 */
public final class Recording {
  /** How many earlier runs the trend conditions see (plus every promoted run). */
  public static final int HISTORY_RUNS = 200;

  /** The engine recorded for runs in this process (Spark runs will record their own). */
  public static final String ENGINE = "in-process";

  /**
   * @param historyUrl the JDBC URL, or null when history is off
   * @param record whether this run is written (false: read only, for trend conditions)
   * @param openMetrics the OpenMetrics file to write, or null
   * @param webhook the webhook, or null
   */
  public record Settings(String historyUrl, boolean record, Path openMetrics, Webhook.Settings webhook) {}

  /** The default database for an output folder: {@code gauntlet-history.db} beside it. */
  public static String defaultUrl(Path outDir) {
    Path parent = outDir.toAbsolutePath().normalize().getParent();
    return "jdbc:sqlite:" + (parent == null ? outDir.toAbsolutePath() : parent).resolve("gauntlet-history.db");
  }

  /**
   * The promoted models of the history these settings name, for {@code baseline: {from: history}}
   * (read when the suite loads, before the run); history off is a usage error there.
   */
  public static dev.gauntlet.harness.history.PromotedModels promotedModels(Path suiteFile, java.util.function.Function<String, Path> outDirOf,
      String historyOverride) {
    return name -> {
      Settings s = settings(suiteFile, outDirOf.apply(name), historyOverride, null);
      if (s.historyUrl() == null) {
        throw new HistoryException("baseline: {from: history} needs the run history, and history is off for suite '" + name + "'", null);
      }
      try (HistoryStore store = HistoryStore.open(s.historyUrl())) {
        return store.lastPromoted(name);
      }
    };
  }

  /** The suite's name, read from its file without loading data or models (for the history commands). */
  public static String suiteName(Path suiteFile) {
    return ConfigNode.load(suiteFile).text("name");
  }

  /**
   * Reads the settings from the suite file and the overrides.
   *
   * @param historyOverride {@code --history}: a JDBC URL, {@code off}, or null
   * @param metricsOverride {@code --metrics-file}, or null
   */
  public static Settings settings(Path suiteFile, Path outDir, String historyOverride, Path metricsOverride) {
    ConfigNode root = ConfigNode.load(suiteFile);
    Path base = suiteFile.toAbsolutePath().getParent();
    String url = defaultUrl(outDir);
    boolean record = true;
    Optional<ConfigNode> h = root.opt("history");
    if (h.isPresent()) {
      ConfigNode n = h.get().allowOnly("url", "record");
      record = n.bool("record", true);
      if (n.has("url")) {
        String u = n.text("url");
        if (u.equals("off")) {
          url = null;
        } else if (u.startsWith("jdbc:sqlite:")) {
          String file = u.substring("jdbc:sqlite:".length());
          url = Path.of(file).isAbsolute() ? u : "jdbc:sqlite:" + base.resolve(file).normalize();
        } else if (u.startsWith("jdbc:postgresql:")) {
          url = u;
        } else {
          throw n.get("url").error("history url must be jdbc:sqlite:FILE (relative to the suite's folder), jdbc:postgresql://HOST[:PORT]/DB or off; got '"
              + JdbcHistoryStore.redact(u) + "'");
        }
      }
    }
    if (historyOverride != null && !historyOverride.isBlank()) {
      url = historyOverride.equals("off") ? null : historyOverride;
    }
    Path metrics = null;
    Webhook.Settings hook = null;
    Optional<ConfigNode> a = root.opt("alerts");
    if (a.isPresent()) {
      ConfigNode n = a.get().allowOnly("openmetrics", "webhook");
      if (n.has("openmetrics")) {
        metrics = base.resolve(n.text("openmetrics")).normalize();
      }
      if (n.has("webhook")) {
        ConfigNode w = n.get("webhook").allowOnly("url", "timeoutSeconds", "retries");
        try {
          hook = new Webhook.Settings(URI.create(w.text("url")), Duration.ofMillis(Math.round(w.dbl("timeoutSeconds", 5) * 1000)),
              w.integer("retries", 3));
        } catch (IllegalArgumentException e) {
          throw w.error(e.getMessage());
        }
      }
    }
    if (metricsOverride != null) {
      metrics = metricsOverride;
    }
    return new Settings(url, record && url != null, metrics, hook);
  }

  private final Settings settings;
  private final HistoryStore store;
  private final History history;
  private final String suiteName;

  private Recording(Settings settings, HistoryStore store, History history, String suiteName) {
    this.settings = settings;
    this.store = store;
    this.history = history;
    this.suiteName = suiteName;
  }

  /**
   * Opens the store and reads the suite's history, before the run: a locked or unreachable
   * database is a {@link HistoryException} (exit 2) here, before anything runs.
   */
  public static Recording start(Settings s, String suiteName, Consumer<String> say) {
    if (s.historyUrl() == null) {
      return new Recording(s, null, History.none(), suiteName);
    }
    HistoryStore store = HistoryStore.open(s.historyUrl());
    say.accept("History: " + store.describe() + (s.record() ? "" : " (read only: record: false)"));
    return new Recording(s, store, store.load(suiteName, HISTORY_RUNS), suiteName);
  }

  /** The history the trend conditions read. */
  public History history() {
    return history;
  }

  /** The store, or null when history is off. */
  public HistoryStore store() {
    return store;
  }

  /** Records an {@code audit} run (one transaction); its id, or null when nothing is recorded. */
  public Long record(SuiteResult r, String reportPath) {
    return record(r, reportPath, "audit");
  }

  /**
   * Records a run of {@code kind} ({@code audit} or {@code monitor}) in one transaction; its id, or
   * null when nothing is recorded. A monitor run is one revision of its windows: each run is kept,
   * so the history holds every revision of every window (its measurements carry the window).
   */
  public Long record(SuiteResult r, String reportPath, String kind) {
    if (store == null || !settings.record()) {
      return null;
    }
    if (!r.suite().equals(suiteName)) {
      throw new IllegalStateException("recording a run of '" + r.suite() + "' in the history opened for '" + suiteName + "'");
    }
    try {
      return store.record(RunRecord.of(r, ENGINE, kind, reportPath)).id();
    } catch (HistoryException e) {
      throw new HistoryException(e.getMessage() + " The " + kind + " ran (" + r.verdict().status() + ") but its report was not published either,"
          + " so the history and the reports never disagree; fix the database and run it again.", e);
    }
  }

  /**
   * Writes the OpenMetrics file and posts the webhook. Never throws for either: a failure is a
   * warning line; the verdict and exit code do not depend on it. Returns the warnings.
   */
  public java.util.List<String> alert(SuiteResult r, String reportPath, Long runId, Consumer<String> say) {
    java.util.List<String> warnings = new java.util.ArrayList<>();
    if (settings.openMetrics() != null) {
      try {
        OpenMetricsFile.write(r, settings.openMetrics());
        say.accept("Metrics: " + settings.openMetrics());
      } catch (IOException | RuntimeException e) {
        warnings.add("warning: the OpenMetrics file " + settings.openMetrics() + " could not be written: " + e.getMessage());
      }
    }
    if (settings.webhook() != null) {
      Webhook.Result w = Webhook.post(settings.webhook(), Webhook.payload(r, reportPath, runId));
      if (w.delivered()) {
        say.accept("Webhook: delivered to " + redactUrl(settings.webhook().url()) + " (attempt " + w.attempts() + ")");
      } else {
        warnings.add("warning: the webhook " + redactUrl(settings.webhook().url()) + " was not delivered after " + w.attempts() + " attempt"
            + (w.attempts() == 1 ? "" : "s") + ": " + w.problem() + "; the verdict stands");
      }
    }
    return warnings;
  }

  private static String redactUrl(URI u) {
    return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "") + (u.getPath() == null ? "" : u.getPath());
  }
}

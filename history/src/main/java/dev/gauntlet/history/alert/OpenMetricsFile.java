package dev.gauntlet.history.alert;

import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Finding;
import dev.gauntlet.harness.run.SuiteResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The run as an OpenMetrics text file, for a node-exporter textfile collector (name it {@code
 * *.prom} in the collector's folder): the verdict, the number of blocking checks, each check's
 * blocking flag, every gated metric (each measurement a finding judged), for monitor runs the label
 * completeness of every window and group, and the run's start time,
 * ending in {@code # EOF}. Label values are escaped as the format demands ({@code \\}, {@code \"},
 * {@code \n}). Written to a temporary file in the same folder and moved into place, so a collector
 * never reads half a file.
 */
public final class OpenMetricsFile {
  private OpenMetricsFile() {}

  /** The file's text. */
  public static String render(SuiteResult r) {
    StringBuilder b = new StringBuilder();
    String suite = "suite=\"" + escape(r.suite()) + "\"";
    family(b, "gauntlet_verdict", "Whether the gate passed (1) or failed (0).");
    b.append("gauntlet_verdict{").append(suite).append("} ").append(r.verdict().passed() ? "1" : "0").append('\n');
    family(b, "gauntlet_blocking_checks", "How many checks stop the model from being promoted.");
    b.append("gauntlet_blocking_checks{").append(suite).append("} ").append(r.verdict().blockers().size()).append('\n');
    family(b, "gauntlet_run_timestamp_seconds", "When the run started (Unix time).");
    b.append("gauntlet_run_timestamp_seconds{").append(suite).append("} ").append(number(epoch(r.provenance().startedAt()))).append('\n');
    family(b, "gauntlet_check_blocks", "Whether the check stops promotion (1) or not (0).");
    for (CheckResult c : r.checks()) {
      b.append("gauntlet_check_blocks{").append(suite).append(",check=\"").append(escape(c.id())).append("\"} ").append(c.blocks() ? "1" : "0").append('\n');
    }
    family(b, "gauntlet_metric", "The value of every gated metric (NaN when it could not be measured).");
    for (CheckResult c : r.checks()) {
      Map<String, Double> seen = new LinkedHashMap<>();
      for (Finding f : c.findings()) {
        if (f.metric() == null) {
          continue;
        }
        String labels = suite + ",check=\"" + escape(c.id()) + "\",metric=\"" + escape(f.metric().name()) + "\",subject=\""
            + escape(f.metric().subject().toString()) + "\"";
        seen.putIfAbsent(labels, f.value());
      }
      for (Map.Entry<String, Double> e : seen.entrySet()) {
        b.append("gauntlet_metric{").append(e.getKey()).append("} ").append(number(e.getValue())).append('\n');
      }
    }
    // monitor runs: the label completeness of every window and group, gated or not (how far the realized figures can be trusted)
    boolean anyCompleteness = r.checks().stream().anyMatch(c -> c.measurements().stream().anyMatch(m -> m.metric().equals("label_completeness")));
    if (anyCompleteness) {
      family(b, "gauntlet_label_completeness", "Share of a window's predictions whose label has arrived (monitor runs; NaN when the window has none).");
      for (CheckResult c : r.checks()) {
        for (dev.gauntlet.harness.check.Measurement m : c.measurements()) {
          if (m.metric().equals("label_completeness")) {
            b.append("gauntlet_label_completeness{").append(suite).append(",check=\"").append(escape(c.id())).append("\",subject=\"")
                .append(escape(m.subject().toString())).append("\"} ").append(number(m.value())).append('\n');
          }
        }
      }
    }
    b.append("# EOF\n");
    return b.toString();
  }

  /** Writes the file atomically (a temporary file in the same folder, then a move). */
  public static void write(SuiteResult r, Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      Files.writeString(tmp, render(r), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void family(StringBuilder b, String name, String help) {
    b.append("# TYPE ").append(name).append(" gauge\n");
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
  }

  /** A label value escaped for OpenMetrics: backslash, double quote and line feed. */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }

  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v).toLowerCase(Locale.ROOT);
  }

  private static double epoch(String iso) {
    try {
      return Instant.parse(iso).getEpochSecond();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }
}

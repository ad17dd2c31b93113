package dev.gauntlet.harness.report;

import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Finding;
import dev.gauntlet.harness.run.SuiteResult;

/** {@code summary.md}: the verdict and the failing checks, for a pull-request comment. */
public final class MarkdownSummary {
  private MarkdownSummary() {}

  public static String render(SuiteResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append("## Gauntlet: ").append(r.verdict().passed() ? "PASSED" : "FAILED").append(" (").append(esc(r.suite())).append(")\n\n");
    sb.append(esc(r.verdict().headline())).append("\n\n");
    if (!r.verdict().reasons().isEmpty()) {
      sb.append("### Why it failed\n\n");
      for (String reason : r.verdict().reasons()) {
        sb.append("- ").append(esc(reason)).append('\n');
      }
      sb.append('\n');
    }
    sb.append("| check | trial | outcome | finding |\n|---|---|---|---|\n");
    for (CheckResult c : r.checks()) {
      Finding worst = null;
      for (Finding f : c.findings()) {
        if (worst == null || f.outcome().severity() > worst.outcome().severity()) {
          worst = f;
        }
      }
      sb.append("| ").append(esc(c.title())).append(" `").append(c.id()).append("` | ").append(c.trial().title()).append(" | ")
          .append(badge(c.outcome())).append(" | ").append(worst == null ? "" : esc(worst.sentence())).append(" |\n");
    }
    sb.append("\nSeed ").append(r.provenance().seed()).append(", Gauntlet ").append(r.provenance().harnessVersion());
    if (r.provenance().command() != null) {
      sb.append(". Reproduce: `").append(r.provenance().command().replace("`", "'")).append('`');
    }
    sb.append('\n');
    return sb.toString();
  }

  static String badge(Outcome o) {
    return switch (o) {
      case PASS -> "PASS";
      case WARN -> "WARN";
      case INCONCLUSIVE -> "INCONCLUSIVE";
      case FAIL -> "**FAIL**";
      case ERROR -> "**ERROR**";
    };
  }

  /** Escapes Markdown and HTML specials so data strings cannot inject markup into the comment. */
  static String esc(String s) {
    StringBuilder out = new StringBuilder();
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '|', '*', '_', '`', '[', ']', '\\' -> out.append('\\').append(ch);
        case '\n', '\r' -> out.append(' ');
        default -> out.append(ch);
      }
    }
    return out.toString();
  }
}

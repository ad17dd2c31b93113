package dev.gauntlet.harness.report;

import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Finding;
import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.SuiteResult;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code summary.md}, for a pull-request comment: the verdict, one line per failing check (the
 * verdict's reasons, as in the HTML banner), and a table of checks. The table lists at most
 * {@link #MAX_ROWS} checks, those that did not pass first, and says how many it left out.
 */
public final class MarkdownSummary {
  /** Check rows listed before the rest are counted as left out. */
  public static final int MAX_ROWS = 50;

  private MarkdownSummary() {}

  /** Renders the summary. */
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
    List<CheckResult> rows = new ArrayList<>();
    if (r.checks().size() <= MAX_ROWS) {
      rows.addAll(r.checks());
    } else {
      for (CheckResult c : r.checks()) {
        if (c.outcome() != Outcome.PASS && rows.size() < MAX_ROWS) {
          rows.add(c);
        }
      }
      for (CheckResult c : r.checks()) {
        if (c.outcome() == Outcome.PASS && rows.size() < MAX_ROWS) {
          rows.add(c);
        }
      }
      rows.sort((a, b) -> r.checks().indexOf(a) - r.checks().indexOf(b));
    }
    sb.append("| check | trial | outcome | stops promotion | finding |\n|---|---|---|---|---|\n");
    for (CheckResult c : rows) {
      Finding worst = null;
      for (Finding f : c.findings()) {
        if (worst == null || f.outcome().severity() > worst.outcome().severity()) {
          worst = f;
        }
      }
      sb.append("| ").append(esc(c.title())).append(" `").append(c.id()).append("` | ").append(c.trial().title()).append(" | ")
          .append(badge(c.outcome())).append(c.required() ? "" : " (advisory)").append(" | ")
          .append(c.blocks() ? "**yes**" : "no").append(" | ")
          .append(worst == null ? "" : esc(worst.sentence())).append(" |\n");
    }
    int left = r.checks().size() - rows.size();
    if (left > 0) {
      long passed = r.checks().stream().filter(c -> c.outcome() == Outcome.PASS && !rows.contains(c)).count();
      sb.append("\n").append(left).append(" more checks are not listed (").append(passed).append(" of them passed); report.html has them all.\n");
    }
    sb.append("\nSeed ").append(r.provenance().seed()).append(", Gauntlet ").append(esc(r.provenance().harnessVersion()));
    if (r.provenance().command() != null) {
      sb.append(". Reproduce: `").append(Text.forConsole(r.provenance().command().replace("`", "'").replace('\n', ' '))).append('`');
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

  /**
   * Escapes Markdown and HTML specials so data strings cannot inject markup into the comment; line
   * feeds become spaces, and other controls (ESC, CR, ...) and bidi controls become visible escapes
   * ({@link Text}).
   */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '|', '*', '_', '`', '[', ']', '\\', '#' -> out.append('\\').append(ch);
        case '\n' -> out.append(' ');
        default -> {
          if (Text.isControl(ch) || Text.isBidiControl(ch)) {
            out.append(Text.forConsole(String.valueOf(ch))); // visible: backslash-u and four hex digits
          } else {
            out.append(ch);
          }
        }
      }
    }
    return out.toString();
  }
}

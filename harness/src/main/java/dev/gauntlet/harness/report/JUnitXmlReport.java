package dev.gauntlet.harness.report;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Finding;
import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.SuiteResult;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code junit.xml} in the Ant/Surefire format every CI server reads, carrying the same verdict and
 * the same failing checks as the HTML report and the Markdown summary:
 *
 * <ul>
 *   <li>a first {@code <testsuite>} named {@code gauntlet.<suite>.gate} with the verdict in its
 *       {@code <properties>} and one test case, {@code verdict}, that fails with the headline and
 *       one line per failing check when the gate fails;
 *   <li>one {@code <testsuite>} per check and one {@code <testcase>} per finding (condition and
 *       subject). A finding that stops promotion under the gate's policy is a {@code <failure>}
 *       (ERROR: an {@code <error>}); a finding that does not (an advisory check's FAIL, a WARN
 *       without fail-on-warn) passes with its outcome and sentence in {@code <system-out>};
 *       INCONCLUSIVE is {@code <skipped>} unless the policy makes it fail. A required check that
 *       judged nothing gets one more failing test case saying so. A failure's text ends with the
 *       check's replay notes (evidence notes titled "Replay"), when it has any.
 * </ul>
 *
 * So a check suite has failures or errors exactly when the verdict names that check.
 */
public final class JUnitXmlReport {
  private JUnitXmlReport() {}

  /** Renders the XML document. */
  public static String render(SuiteResult r) {
    List<Suite> suites = new ArrayList<>();
    Suite verdict = new Suite("gauntlet." + r.suite() + ".gate", 0);
    verdict.cases.add(new Case("gauntlet." + r.suite() + ".gate", "verdict", r.verdict().passed() ? null : "failure",
        r.verdict().headline(), r.verdict().passed() ? r.verdict().headline() : r.verdict().headline() + "\n" + String.join("\n", r.verdict().reasons())));
    suites.add(verdict);
    for (CheckResult c : r.checks()) {
      String cls = "gauntlet." + r.suite() + "." + c.id();
      Suite s = new Suite(cls, c.durationMillis());
      String replay = replay(c);
      for (Finding f : c.findings()) {
        String name = f.condition() + (f.subject().isAll() ? "" : " [" + f.subject() + "]");
        boolean blocks = f.blocks();
        String kind;
        if (f.outcome() == Outcome.ERROR) {
          kind = "error";
        } else if (blocks) {
          kind = "failure";
        } else if (f.outcome() == Outcome.INCONCLUSIVE) {
          kind = "skipped";
        } else {
          kind = null;
        }
        String message = f.outcome() + ": " + f.sentence() + (kind != null && !kind.equals("skipped") ? replay : "");
        if (kind == null && f.outcome() != Outcome.PASS) {
          message = f.outcome() + " (does not stop promotion" + (c.required() ? "" : ": advisory check") + "): " + f.sentence();
        }
        s.cases.add(new Case(cls, name, kind, f.sentence(), message));
      }
      boolean anyBlocking = s.cases.stream().anyMatch(k -> "failure".equals(k.kind) || "error".equals(k.kind));
      if (!anyBlocking && c.blocks()) {
        String why = c.title() + " [" + c.id() + "]: " + c.blocker();
        s.cases.add(new Case(cls, "a required check must judge something", "failure", why, why));
      }
      suites.add(s);
    }
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      w.writeStartDocument("UTF-8", "1.0");
      w.writeCharacters("\n");
      w.writeStartElement("testsuites");
      w.writeAttribute("name", "gauntlet." + r.suite());
      w.writeAttribute("tests", Integer.toString(suites.stream().mapToInt(s -> s.cases.size()).sum()));
      w.writeAttribute("failures", Long.toString(suites.stream().mapToLong(s -> s.count("failure")).sum()));
      w.writeAttribute("errors", Long.toString(suites.stream().mapToLong(s -> s.count("error")).sum()));
      w.writeAttribute("skipped", Long.toString(suites.stream().mapToLong(s -> s.count("skipped")).sum()));
      w.writeAttribute("time", secs(r.provenance() == null ? 0 : r.provenance().durationMillis()));
      w.writeCharacters("\n");
      for (Suite s : suites) {
        w.writeStartElement("testsuite");
        w.writeAttribute("name", s.name);
        w.writeAttribute("tests", Integer.toString(s.cases.size()));
        w.writeAttribute("failures", Long.toString(s.count("failure")));
        w.writeAttribute("errors", Long.toString(s.count("error")));
        w.writeAttribute("skipped", Long.toString(s.count("skipped")));
        w.writeAttribute("time", secs(s.millis));
        w.writeCharacters("\n");
        if (s == verdict) {
          w.writeStartElement("properties");
          property(w, "gauntlet.verdict", r.verdict().passed() ? "PASSED" : "FAILED");
          property(w, "gauntlet.headline", r.verdict().headline());
          if (r.provenance() != null) {
            property(w, "gauntlet.seed", Long.toString(r.provenance().seed()));
            property(w, "gauntlet.version", r.provenance().harnessVersion());
            if (r.provenance().command() != null) {
              property(w, "gauntlet.command", r.provenance().command());
            }
          }
          w.writeEndElement();
          w.writeCharacters("\n");
        }
        for (Case k : s.cases) {
          w.writeStartElement("testcase");
          w.writeAttribute("classname", k.classname);
          w.writeAttribute("name", k.name);
          w.writeAttribute("time", "0");
          if (k.kind != null) {
            w.writeStartElement(k.kind);
            w.writeAttribute("message", k.message);
            w.writeCharacters(k.text);
            w.writeEndElement();
          } else if (!k.text.startsWith("PASS: ") || s == verdict) {
            w.writeStartElement("system-out");
            w.writeCharacters(k.text);
            w.writeEndElement();
          }
          w.writeEndElement();
          w.writeCharacters("\n");
        }
        w.writeEndElement();
        w.writeCharacters("\n");
      }
      w.writeEndElement();
      w.writeCharacters("\n");
      w.writeEndDocument();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException(e);
    }
    return HtmlReport.legalChars(out.toString());
  }

  /** The texts of a check's notes titled "Replay..." (how to replay a failing case), each on its own lines; or "". */
  private static String replay(CheckResult c) {
    StringBuilder sb = new StringBuilder();
    for (Evidence e : c.evidence()) {
      if (e instanceof Evidence.Note n && n.title() != null && n.title().startsWith("Replay")) {
        sb.append("\n").append(n.title()).append(": ").append(n.text());
      }
    }
    return sb.toString();
  }

  private static void property(XMLStreamWriter w, String name, String value) throws XMLStreamException {
    w.writeEmptyElement("property");
    w.writeAttribute("name", name);
    w.writeAttribute("value", value);
  }

  private static String secs(long millis) {
    return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
  }

  /** One test suite being written. */
  private static final class Suite {
    final String name;
    final long millis;
    final List<Case> cases = new ArrayList<>();

    Suite(String name, long millis) {
      this.name = name;
      this.millis = millis;
    }

    long count(String kind) {
      return cases.stream().filter(k -> kind.equals(k.kind)).count();
    }
  }

  /** One test case: {@code kind} is failure, error, skipped or null (passed). */
  private record Case(String classname, String name, String kind, String message, String text) {}
}

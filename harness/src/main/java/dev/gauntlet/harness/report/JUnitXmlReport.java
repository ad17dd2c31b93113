package dev.gauntlet.harness.report;

import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Finding;
import dev.gauntlet.harness.run.SuiteResult;
import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code junit.xml}: one {@code <testsuite>} per check and one {@code <testcase>} per finding
 * (condition and subject), in the Ant/Surefire format every CI server reads. FAIL is a
 * {@code <failure>}, ERROR an {@code <error>}, INCONCLUSIVE a {@code <skipped>}; WARN passes with
 * its sentence in {@code <system-out>}.
 */
public final class JUnitXmlReport {
  private JUnitXmlReport() {}

  public static String render(SuiteResult r) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      w.writeStartDocument("UTF-8", "1.0");
      w.writeCharacters("\n");
      int tests = 0;
      int failures = 0;
      int errors = 0;
      int skipped = 0;
      for (CheckResult c : r.checks()) {
        for (Finding f : c.findings()) {
          tests++;
          switch (f.outcome()) {
            case FAIL -> failures++;
            case ERROR -> errors++;
            case INCONCLUSIVE -> skipped++;
            default -> { }
          }
        }
      }
      w.writeStartElement("testsuites");
      w.writeAttribute("name", "gauntlet." + r.suite());
      w.writeAttribute("tests", Integer.toString(tests));
      w.writeAttribute("failures", Integer.toString(failures));
      w.writeAttribute("errors", Integer.toString(errors));
      w.writeAttribute("skipped", Integer.toString(skipped));
      w.writeCharacters("\n");
      for (CheckResult c : r.checks()) {
        int cf = 0;
        int ce = 0;
        int cs = 0;
        for (Finding f : c.findings()) {
          cf += f.outcome() == Outcome.FAIL ? 1 : 0;
          ce += f.outcome() == Outcome.ERROR ? 1 : 0;
          cs += f.outcome() == Outcome.INCONCLUSIVE ? 1 : 0;
        }
        w.writeStartElement("testsuite");
        w.writeAttribute("name", "gauntlet." + r.suite() + "." + c.id());
        w.writeAttribute("tests", Integer.toString(c.findings().size()));
        w.writeAttribute("failures", Integer.toString(cf));
        w.writeAttribute("errors", Integer.toString(ce));
        w.writeAttribute("skipped", Integer.toString(cs));
        w.writeAttribute("time", secs(c.durationMillis()));
        w.writeCharacters("\n");
        for (Finding f : c.findings()) {
          w.writeStartElement("testcase");
          w.writeAttribute("classname", "gauntlet." + r.suite() + "." + c.id());
          w.writeAttribute("name", f.condition() + (f.subject().isEmpty() ? "" : " [" + f.subject() + "]"));
          w.writeAttribute("time", "0");
          switch (f.outcome()) {
            case FAIL -> element(w, "failure", f.sentence());
            case ERROR -> element(w, "error", f.sentence());
            case INCONCLUSIVE -> element(w, "skipped", f.sentence());
            case WARN -> {
              w.writeStartElement("system-out");
              w.writeCharacters("WARN: " + f.sentence());
              w.writeEndElement();
            }
            case PASS -> { }
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
    return out.toString();
  }

  private static void element(XMLStreamWriter w, String name, String message) throws XMLStreamException {
    w.writeStartElement(name);
    w.writeAttribute("message", message);
    w.writeCharacters(message);
    w.writeEndElement();
  }

  private static String secs(long millis) {
    return String.format(java.util.Locale.ROOT, "%.3f", millis / 1000.0);
  }
}

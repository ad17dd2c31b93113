package dev.gauntlet.history.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.report.ReportFixtures;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Finding;
import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.SuiteResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenMetrics file parsed back with a strict reader of the text format's grammar. */
class OpenMetricsFileTest {

  /** One sample: name, labels (unescaped), value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  /** A strict parser of the subset we write: TYPE/HELP before a family's samples, escapes, one # EOF at the end. */
  static List<Sample> parse(String text) {
    assertTrue(text.endsWith("# EOF\n"), "ends with # EOF and a newline");
    List<Sample> out = new ArrayList<>();
    Set<String> typed = new HashSet<>();
    Set<String> series = new HashSet<>();
    String[] lines = text.substring(0, text.length() - "# EOF\n".length()).split("\n", -1);
    for (int li = 0; li < lines.length - 1; li++) {
      String l = lines[li];
      assertTrue(!l.isEmpty(), "no empty lines");
      if (l.startsWith("# TYPE ")) {
        String[] p = l.split(" ");
        assertEquals(4, p.length, l);
        assertEquals("gauge", p[3]);
        assertTrue(typed.add(p[2]), "each family typed once: " + l);
        continue;
      }
      if (l.startsWith("# HELP ")) {
        assertTrue(typed.contains(l.split(" ")[2]), "HELP after TYPE of the same family");
        assertTrue(!l.contains("\\") || l.matches(".*\\\\[\\\\n].*"), "HELP escapes");
        continue;
      }
      assertTrue(!l.startsWith("#"), "no other comments: " + l);
      int brace = l.indexOf('{');
      String name = l.substring(0, brace);
      assertTrue(name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"), name);
      assertTrue(typed.contains(name), "sample of a typed family: " + name);
      Map<String, String> labels = new LinkedHashMap<>();
      int i = brace + 1;
      while (l.charAt(i) != '}') {
        int eq = l.indexOf('=', i);
        String key = l.substring(i, eq);
        assertTrue(key.matches("[a-zA-Z_][a-zA-Z0-9_]*"), key);
        assertEquals('"', l.charAt(eq + 1));
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        for (;; j++) {
          char c = l.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char e = l.charAt(++j);
            v.append(switch (e) {
              case '\\' -> '\\';
              case '"' -> '"';
              case 'n' -> '\n';
              default -> throw new AssertionError("bad escape \\" + e + " in " + l);
            });
          } else {
            v.append(c);
          }
        }
        labels.put(key, v.toString());
        i = j + 1;
        if (l.charAt(i) == ',') {
          i++;
        }
      }
      assertEquals(' ', l.charAt(i + 1));
      String num = l.substring(i + 2);
      double value = switch (num) {
        case "NaN" -> Double.NaN;
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(num);
      };
      assertTrue(series.add(name + labels), "no duplicate series: " + l);
      out.add(new Sample(name, labels, value));
    }
    return out;
  }

  @Test
  void everyGatedMetricAndTheVerdictParseBackWithHostileLabelsIntact(@TempDir Path dir) throws Exception {
    SuiteResult r = ReportFixtures.rich(Gate.standard());
    Path f = dir.resolve("node/gauntlet.prom");
    OpenMetricsFile.write(r, f);
    List<Sample> s = parse(Files.readString(f));
    assertEquals(1, s.stream().filter(x -> x.name().equals("gauntlet_verdict")).count());
    Sample verdict = s.stream().filter(x -> x.name().equals("gauntlet_verdict")).findFirst().orElseThrow();
    assertEquals(r.verdict().passed() ? 1.0 : 0.0, verdict.value());
    assertEquals(r.suite(), verdict.labels().get("suite"));
    assertEquals((double) r.verdict().blockers().size(),
        s.stream().filter(x -> x.name().equals("gauntlet_blocking_checks")).findFirst().orElseThrow().value());
    int gated = 0;
    for (CheckResult c : r.checks()) {
      Set<String> subjects = new HashSet<>();
      for (Finding fd : c.findings()) {
        if (fd.metric() != null && subjects.add(fd.metric().toString())) {
          gated++;
          Sample m = s.stream().filter(x -> x.name().equals("gauntlet_metric") && x.labels().get("check").equals(c.id())
              && x.labels().get("metric").equals(fd.metric().name()) && x.labels().get("subject").equals(fd.metric().subject().toString()))
              .findFirst().orElseThrow(() -> new AssertionError("no sample for " + c.id() + " " + fd.metric()));
          assertEquals(Double.doubleToLongBits(fd.value()), Double.doubleToLongBits(m.value()), c.id() + " " + fd.metric());
        }
      }
      assertEquals(c.blocks() ? 1.0 : 0.0, s.stream().filter(x -> x.name().equals("gauntlet_check_blocks") && x.labels().get("check").equals(c.id()))
          .findFirst().orElseThrow().value());
    }
    assertEquals(gated, s.stream().filter(x -> x.name().equals("gauntlet_metric")).count());
    assertTrue(s.stream().anyMatch(x -> x.labels().getOrDefault("subject", "").contains("\"")), "a hostile subject made it through the escapes");
    try (var files = Files.list(f.getParent())) {
      assertEquals(List.of(f), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void labelValuesEscapeBackslashQuoteAndNewline() {
    assertEquals("a\\\\b\\\"c\\nd", OpenMetricsFile.escape("a\\b\"c\nd"));
    assertEquals("NaN", OpenMetricsFile.number(Double.NaN));
    assertEquals("+Inf", OpenMetricsFile.number(Double.POSITIVE_INFINITY));
    assertEquals("0.25", OpenMetricsFile.number(0.25));
  }
}

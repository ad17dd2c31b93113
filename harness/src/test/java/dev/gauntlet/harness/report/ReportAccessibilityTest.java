package dev.gauntlet.harness.report;

import static dev.gauntlet.harness.report.Xhtml.all;
import static dev.gauntlet.harness.report.Xhtml.el;
import static dev.gauntlet.harness.report.Xhtml.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.run.Gate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Contrast computed from the CSS and chart colours (WCAG AA: 4.5:1 for text, 3:1 for graphics),
 * outcomes never shown by colour alone, and only native focusable elements. The browser test
 * covers what needs layout (focus order, visibility, print, narrow screens).
 */
class ReportAccessibilityTest {
  private static final Document DOC = Xhtml.parse(HtmlReport.render(ReportFixtures.rich(Gate.standard())));

  @Test
  void wcagFormulaMatchesTheSpecificationsAnchors() {
    assertEquals(21.0, Wcag.contrast("#000000", "#ffffff"), 1e-9);
    assertEquals(1.0, Wcag.contrast("#1f5fa8", "#1f5fa8"), 1e-9);
    assertEquals(4.54, Wcag.contrast("#767676", "#ffffff"), 0.005);
  }

  /** One CSS rule: its selector, the at-rule it sits in (or ""), and its declarations with var() resolved. */
  record Rule(String selector, String media, Map<String, String> decls) {}

  static List<Rule> css() throws IOException {
    String text;
    try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream("dev/gauntlet/report/report.css")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    text = text.replaceAll("(?s)/\\*.*?\\*/", "");
    List<Rule> rules = new ArrayList<>();
    parse(text, "", rules);
    Map<String, String> vars = new LinkedHashMap<>();
    for (Rule r : rules) {
      if (r.selector().equals(":root")) {
        r.decls().forEach((k, v) -> {
          if (k.startsWith("--")) {
            vars.put(k, v);
          }
        });
      }
    }
    List<Rule> out = new ArrayList<>();
    for (Rule r : rules) {
      Map<String, String> d = new LinkedHashMap<>();
      r.decls().forEach((k, v) -> {
        String x = v;
        for (Map.Entry<String, String> e : vars.entrySet()) {
          x = x.replace("var(" + e.getKey() + ")", e.getValue());
        }
        assertFalse(x.contains("var("), "undefined variable in " + r.selector() + " { " + k + ": " + v + " }");
        d.put(k, x);
      });
      out.add(new Rule(r.selector(), r.media(), d));
    }
    return out;
  }

  private static void parse(String text, String media, List<Rule> out) {
    int i = 0;
    while (i < text.length()) {
      int open = text.indexOf('{', i);
      if (open < 0) {
        break;
      }
      String head = text.substring(i, open).trim();
      int depth = 1;
      int j = open + 1;
      while (depth > 0) {
        char c = text.charAt(j++);
        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
      }
      String body = text.substring(open + 1, j - 1);
      if (head.startsWith("@")) {
        parse(body, head, out);
      } else {
        Map<String, String> decls = new LinkedHashMap<>();
        for (String d : body.split(";")) {
          int colon = d.indexOf(':');
          if (colon > 0) {
            decls.put(d.substring(0, colon).trim(), d.substring(colon + 1).trim());
          }
        }
        for (String sel : head.split(",")) {
          out.add(new Rule(sel.trim(), media, decls));
        }
      }
      i = j;
    }
  }

  private static String background(Rule r) {
    String bg = r.decls().getOrDefault("background-color", r.decls().get("background"));
    if (bg == null) {
      return null;
    }
    String first = bg.split("\\s+")[0];
    return first.startsWith("#") || first.equals("white") || first.equals("black") ? first : null;
  }

  private static String colour(Rule r) {
    String c = r.decls().get("color");
    return c == null || c.equals("inherit") || c.equals("currentColor") ? null : c;
  }

  @Test
  void everyTextColourInTheCssMeetsAaAgainstItsBackgrounds() throws IOException {
    List<Rule> rules = css();
    List<String> light = new ArrayList<>(List.of("#ffffff"));
    List<String> failures = new ArrayList<>();
    int pairs = 0;
    for (Rule r : rules) {
      String bg = background(r);
      if (bg != null && Wcag.luminance(bg) > 0.5) {
        light.add(bg);
      }
    }
    for (Rule r : rules) {
      String bg = background(r);
      String fg = colour(r);
      if (bg != null) {
        if (fg == null) {
          failures.add(r.selector() + " sets a background " + bg + " but no text colour");
          continue;
        }
        pairs++;
        double c = Wcag.contrast(fg, bg);
        if (c < 4.5) {
          failures.add(r.selector() + ": " + fg + " on " + bg + " is " + String.format(Locale.ROOT, "%.2f", c) + ":1");
        }
      } else if (fg != null) {
        for (String b : light) {
          pairs++;
          double c = Wcag.contrast(fg, b);
          if (c < 4.5) {
            failures.add(r.selector() + ": " + fg + " on the light background " + b + " is " + String.format(Locale.ROOT, "%.2f", c) + ":1");
          }
        }
      }
    }
    assertEquals(List.of(), failures);
    assertTrue(pairs > 40, "the CSS parse found too few colour pairs (" + pairs + "); is the parser broken?");
    assertTrue(light.contains("#fdecea") && light.contains("#e8f5e9"), "both banner backgrounds were checked: " + light);
  }

  @Test
  void chartColoursStandOutFromWhiteAndPaper() {
    for (String c : SvgCharts.COLORS) {
      assertTrue(Wcag.contrast(c, "#ffffff") >= 3.0, "series colour " + c + " has " + Wcag.contrast(c, "#ffffff") + ":1 against white");
    }
    assertTrue(Wcag.contrast(SvgCharts.BAND, "#ffffff") >= 3.0, "band edges");
    assertEquals(SvgCharts.COLORS.length, Set.of(SvgCharts.COLORS).size(), "distinct series colours");
  }

  @Test
  void outcomesAreWordsAndTheirColourClassAgreesWithTheWord() {
    Set<String> words = Set.of("PASS", "WARN", "INCONCLUSIVE", "FAIL", "ERROR", "NOT RUN");
    List<Element> badges = all(DOC, "//*[contains(concat(' ', @class, ' '), ' badge ')]");
    assertTrue(badges.size() > 20);
    for (Element b : badges) {
      String word = text(b);
      assertTrue(words.contains(word), "badge without an outcome word: '" + word + "'");
      String expectedClass = word.equals("NOT RUN") ? "none" : word.toLowerCase(Locale.ROOT);
      assertTrue((" " + b.getAttribute("class") + " ").contains(" " + expectedClass + " "), "badge '" + word + "' coloured as " + b.getAttribute("class"));
    }
    for (Element art : all(DOC, "//" + el("article"))) {
      String cls = art.getAttribute("class").replace("check ", "");
      Element badge = all(art, el("h4") + "/" + el("span")).get(0);
      assertEquals(cls.toUpperCase(Locale.ROOT), text(badge), "the check's border colour and its badge word agree");
    }
    // the verdict is a word and a symbol, not only a banner colour
    assertTrue(text(all(DOC, "//" + el("h1")).get(0)).contains("FAILED"));
  }

  @Test
  void onlyNativeInteractiveElements() {
    assertTrue(all(DOC, "//*[@tabindex or @contenteditable or @onclick or @role='button' or @role='link']").isEmpty());
    assertTrue(all(DOC, "//" + el("button") + " | //" + el("input") + " | //" + el("select")).isEmpty(), "no form controls (they would need scripts)");
    for (Element a : all(DOC, "//" + el("a"))) {
      assertTrue(a.hasAttribute("href"), "every link is focusable (has href)");
      assertFalse(text(a).isBlank(), "every link has text");
    }
    for (Element d : all(DOC, "//" + el("details"))) {
      Element first = all(d, "*").get(0);
      assertEquals("summary", first.getLocalName(), "each folded section opens by keyboard through its summary");
      assertFalse(text(first).isBlank());
    }
    assertTrue(all(DOC, "//" + el("a") + "[@class='skip'][@href='#checks']").size() == 1, "a skip link to the checks");
  }

  @Test
  void tablesHaveHeadersAndPagesHaveALanguageAndViewport() {
    for (Element t : all(DOC, "//" + el("table"))) {
      assertFalse(all(t, el("thead") + "/" + el("tr") + "/" + el("th") + "[@scope='col']").isEmpty(), "a table without column headers");
    }
    assertEquals(1, all(DOC, "//" + el("meta") + "[@name='viewport'][contains(@content,'width=device-width')]").size());
    assertFalse(DOC.getDocumentElement().getAttribute("lang").isBlank());
  }
}

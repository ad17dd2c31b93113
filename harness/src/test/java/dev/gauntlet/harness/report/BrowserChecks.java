package dev.gauntlet.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * What a report must do in a real browser, shared by the synthetic-report test here and the demo
 * report test in {@code suites}: load with no console errors, show the verdict on the first
 * screen (also on a phone-sized screen, without sideways scrolling), be usable from the keyboard
 * with native focusable elements only, and print every folded section.
 */
public final class BrowserChecks {
  private BrowserChecks() {}

  /**
   * Runs every check on {@code html} and writes screenshots named {@code name-*.png} into
   * {@code shots}.
   *
   * @param verdict "PASSED" or "FAILED", the verdict the page must show
   */
  public static void run(Path chromium, Path html, Path shots, String name, String verdict) throws Exception {
    try (HeadlessChromium b = new HeadlessChromium(chromium, 1280, 900)) {
      b.viewport(1280, 900, false);
      b.load(html.toUri());
      String context = "\nbrowser stderr:\n" + String.join("\n", b.stderr());
      assertEquals(List.of(), b.problems(), "console errors or warnings while loading " + html + context);

      // the verdict is on the first screen, visible and not covered
      JsonNode v = b.eval(VERDICT_BOX);
      assertTrue(v.path("text").asText().contains(verdict), "verdict text: " + v);
      assertTrue(v.path("visible").asBoolean(), "the verdict is not visible: " + v);
      assertTrue(v.path("top").asDouble() >= 0 && v.path("bottom").asDouble() <= 900, "the verdict is not on the first screen: " + v);
      assertTrue(v.path("onTop").asBoolean(), "something covers the verdict: " + v);
      double gridTop = b.eval("document.querySelector('.trials').getBoundingClientRect().top").asDouble();
      assertTrue(gridTop < 900, "the trial grid starts on the first screen (top " + gridTop + ")");

      // the screenshot shows the banner: its background colour fills the top-left corner
      BufferedImage shot = ImageIO.read(new ByteArrayInputStream(b.screenshot(shots.resolve(name + "-desktop.png"))));
      assertEquals(1280, shot.getWidth());
      int expected = verdict.equals("PASSED") ? 0xe8f5e9 : 0xfdecea;
      assertEquals(Integer.toHexString(expected), Integer.toHexString(shot.getRGB(6, 6) & 0xffffff), "banner colour at the top of the screenshot");

      // a narrow screen: no sideways scrolling of the page, verdict still first
      b.viewport(360, 740, true);
      JsonNode narrow = b.eval("({sw: document.documentElement.scrollWidth, iw: window.innerWidth})");
      assertTrue(narrow.path("sw").asInt() <= narrow.path("iw").asInt(), "the page scrolls sideways on a 360px screen: " + narrow);
      JsonNode nv = b.eval(VERDICT_BOX);
      assertTrue(nv.path("visible").asBoolean() && nv.path("bottom").asDouble() <= 740, "verdict not on the first narrow screen: " + nv);
      b.screenshot(shots.resolve(name + "-narrow.png"));
      b.viewport(1280, 900, false);

      // keyboard: the first Tab reaches the skip link, which becomes visible; every stop is a native link or summary
      b.key("Tab", 9, null);
      JsonNode first = b.eval("(() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
          + " return {tag: e.tagName, cls: e.className, left: r.left, top: r.top, outline: getComputedStyle(e).outlineStyle}; })()");
      assertEquals("A", first.path("tag").asText(), "first Tab stop: " + first);
      assertEquals("skip", first.path("cls").asText());
      assertTrue(first.path("left").asDouble() >= 0 && first.path("top").asDouble() >= 0, "the focused skip link shows on screen: " + first);
      assertEquals("solid", first.path("outline").asText(), "focus is visible");
      // with every section open, Tab visits every link and summary once, in document order
      b.eval("document.querySelectorAll('details').forEach(d => d.open = true)");
      int summaries = b.eval("document.querySelectorAll('summary').length").asInt();
      int links = b.eval("document.querySelectorAll('a[href]').length").asInt();
      List<String> stops = new ArrayList<>();
      stops.add("A");
      int scrollers = 0;
      for (int i = 0; i < 2 * (summaries + links) + 50; i++) {
        b.key("Tab", 9, null);
        JsonNode e = b.eval("(() => { const e = document.activeElement; return {tag: e.tagName, cls: e.className,"
            + " scrolls: e.scrollWidth > e.clientWidth, outline: getComputedStyle(e).outlineStyle}; })()");
        String tag = e.path("tag").asText();
        if (tag.equals("BODY")) {
          break;
        }
        if (tag.equals("DIV")) {
          // Chromium lets the keyboard focus a scroll box that holds nothing focusable, so a wide table can be scrolled
          assertTrue(e.path("scrolls").asBoolean() && (e.path("cls").asText().equals("scroll") || e.path("cls").asText().equals("svg")),
              "Tab stop " + (stops.size() + scrollers + 1) + " is a DIV that is not a scroll box: " + e);
          assertEquals("solid", e.path("outline").asText(), "focus on a scroll box is visible");
          scrollers++;
          continue;
        }
        stops.add(tag);
        assertTrue(tag.equals("A") || tag.equals("SUMMARY"), "Tab stop " + stops.size() + " is a " + tag + ", not a native link or summary");
        assertEquals("solid", e.path("outline").asText(), "focus on " + tag + " is visible");
      }
      assertEquals(summaries + links, stops.size(), "every link and every summary is a Tab stop, once: " + stops);
      assertEquals(0, b.eval("document.querySelectorAll('[tabindex], [onclick], [role=button]').length").asInt(), "no home-made controls");

      // a folded section opens from the keyboard
      b.eval("document.querySelectorAll('details').forEach(d => d.open = false); document.activeElement.blur()");
      boolean toggled = false;
      for (int i = 0; i < 2 * (summaries + links) + 50 && !toggled; i++) {
        b.key("Tab", 9, null);
        if (b.eval("document.activeElement.tagName === 'SUMMARY'").asBoolean()) {
          b.key("Enter", 13, "\r");
          assertTrue(b.eval("document.activeElement.parentElement.open").asBoolean(), "Enter opens a folded section");
          toggled = true;
        }
      }
      assertTrue(toggled || summaries == 0, "no summary reached by Tab");

      // printing shows what is folded on screen, and badges keep their words in black
      b.eval("document.querySelectorAll('details').forEach(d => d.open = false)");
      b.media("print");
      JsonNode hidden = b.eval("[...document.querySelectorAll('details > :not(summary)')].filter(e => e.getClientRects().length === 0"
          + " || e.getBoundingClientRect().height === 0).map(e => e.tagName + '.' + e.className)");
      assertEquals(0, hidden.size(), "folded content missing from print: " + hidden);
      JsonNode badge = b.eval("(() => { const e = document.querySelector('.badge.fail, .badge.pass'); return getComputedStyle(e).color; })()");
      assertEquals("rgb(0, 0, 0)", badge.asText(), "badges print as black text");
      byte[] pdf = b.pdf();
      assertTrue(pdf.length > 1000 && new String(pdf, 0, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("%PDF-"), "prints to PDF");
      b.media("");
      assertEquals(List.of(), b.problems(), "console errors or warnings" + context);
    }
  }

  private static final String VERDICT_BOX = "(() => { const h = document.getElementById('verdict'); const r = h.getBoundingClientRect();"
      + " const s = getComputedStyle(h); const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
      + " return {text: h.innerText, top: r.top, bottom: r.bottom, width: r.width, height: r.height,"
      + " visible: s.visibility === 'visible' && s.display !== 'none' && s.opacity === '1' && r.width > 0 && r.height > 0,"
      + " onTop: at !== null && h.contains(at)}; })()";
}

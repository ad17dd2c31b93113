package dev.gauntlet.harness.report;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.model.Artifact;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Finding;
import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.Provenance;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.Verdict;
import freemarker.core.HTMLOutputFormat;
import freemarker.core.TemplateClassResolver;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no scripts, no network) from
 * the Freemarker templates in {@code reports-templates}. The page is polyglot XHTML: it parses both
 * as HTML5 and as XML, so a strict XML parser can check that it is well formed.
 *
 * <p>Layout: the verdict banner with one sentence per failing check, what was audited (names,
 * SHA-256, sizes), candidate against baseline, a grid of the trials; then every check grouped by
 * trial (plain-words description, conditions, each judgement with value, interval, baseline and
 * change, and the evidence in a collapsible section); provenance last.
 *
 * <p>Every string from data or configuration is escaped by Freemarker's HTML auto-escaping; only
 * SVG made by {@link SvgCharts}, which escapes its own text, is inserted unescaped. Characters that
 * neither HTML nor XML allows (control characters, lone surrogates) are replaced by U+FFFD, and
 * Unicode bidi controls (U+202E and the rest, see {@link Text#isBidiControl}) are shown as a visible
 * marker such as {@code [U+202E]}, so no string can reorder how the page reads. Both happen in
 * {@link #legalChars}, the one pass every page (and junit.xml) goes through; the template itself
 * contains neither.
 */
public final class HtmlReport {
  /** Rows shown per table (evidence, measurements, judgements, chart data) before the rest are counted as left out. */
  public static final int MAX_TABLE_ROWS = 50;
  /** Rows of the candidate-against-baseline table on the first screen. */
  public static final int MAX_COMPARISON_ROWS = 12;
  private static final Configuration CONFIG = config();

  private HtmlReport() {}

  private static Configuration config() {
    Configuration c = new Configuration(Configuration.VERSION_2_3_33);
    c.setClassLoaderForTemplateLoading(HtmlReport.class.getClassLoader(), "dev/gauntlet/report");
    c.setOutputFormat(HTMLOutputFormat.INSTANCE);
    c.setRecognizeStandardFileExtensions(true);
    c.setDefaultEncoding("UTF-8");
    c.setLocale(Locale.ROOT);
    c.setNumberFormat("computer");
    c.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    c.setLogTemplateExceptions(false);
    c.setWrapUncheckedExceptions(true);
    c.setFallbackOnNullLoopVariable(false);
    c.setAPIBuiltinEnabled(false);
    c.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
    return c;
  }

  /** Renders the whole page. */
  public static String render(SuiteResult r) {
    try {
      Template t = CONFIG.getTemplate("report.ftlh");
      StringWriter out = new StringWriter();
      t.process(model(r), out);
      return legalChars(out.toString());
    } catch (IOException | TemplateException e) {
      throw new IllegalStateException("cannot render report.html: " + e.getMessage(), e);
    }
  }

  /**
   * Replaces characters XML 1.0 forbids (and HTML calls parse errors) with U+FFFD, and bidi controls
   * with a visible marker ({@code [U+202E]}): plain text, so it is safe inside attributes too.
   */
  static String legalChars(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      boolean ok;
      if (Character.isHighSurrogate(ch)) {
        ok = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        if (ok) {
          if (out != null) {
            out.append(ch).append(s.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else if (Character.isLowSurrogate(ch)) {
        ok = false;
      } else {
        ok = ch == '\t' || ch == '\n' || ch == '\r' || (ch >= 0x20 && ch != 0x7f && !(ch >= 0x80 && ch <= 0x9f) && ch != 0xfffe && ch != 0xffff);
      }
      boolean bidi = Text.isBidiControl(ch);
      if ((!ok || bidi) && out == null) {
        out = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (out != null) {
        if (bidi) {
          out.append(Text.bidiMarker(ch));
        } else {
          out.append(ok ? ch : '\ufffd');
        }
      }
    }
    return out == null ? s : out.toString();
  }

  static Map<String, Object> model(SuiteResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    Provenance p = r.provenance();
    Anchors anchors = new Anchors();
    Map<String, String> checkAnchor = new LinkedHashMap<>();
    for (CheckResult c : r.checks()) {
      checkAnchor.put(c.id(), anchors.make("check-" + c.id()));
    }
    m.put("suite", r.suite());
    m.put("passed", r.verdict().passed());
    m.put("headline", r.verdict().headline());
    m.put("reasons", reasons(r, checkAnchor));
    List<String> counts = new ArrayList<>();
    for (Outcome o : Outcome.values()) {
      int n = r.verdict().checksByOutcome().getOrDefault(o, 0);
      if (n > 0) {
        counts.add(n + " " + o.name());
      }
    }
    m.put("counts", String.join(", ", counts));
    m.put("checkCount", r.checks().size());
    m.put("identity", identity(p));
    boolean hasBaseline = p.baselineName() != null;
    m.put("hasBaseline", hasBaseline);
    m.put("baselineName", hasBaseline ? p.baselineName() : "");
    m.put("modelName", p.modelName());
    comparison(m, r, checkAnchor);

    List<Map<String, Object>> trials = new ArrayList<>();
    List<Map<String, Object>> sections = new ArrayList<>();
    for (Trial t : Trial.values()) {
      List<CheckResult> in = r.checks().stream().filter(c -> c.trial() == t).toList();
      if (in.isEmpty() && (t == Trial.PERFORMANCE || t == Trial.PRODUCTION)) {
        continue; // not one of the four trials; shown only when the suite has such checks (performance, or a monitor run's)
      }
      Outcome worst = null;
      Map<Outcome, Integer> byOutcome = new LinkedHashMap<>();
      for (CheckResult c : in) {
        worst = worst == null ? c.outcome() : worst.worse(c.outcome());
        byOutcome.merge(c.outcome(), 1, Integer::sum);
      }
      String anchor = anchors.make("trial-" + t.name().toLowerCase(Locale.ROOT));
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("title", t.title());
      tm.put("anchor", in.isEmpty() ? "" : anchor);
      tm.put("outcome", worst == null ? "NOT RUN" : worst.name());
      tm.put("css", worst == null ? "none" : css(worst));
      tm.put("checks", in.size());
      List<String> parts = new ArrayList<>();
      byOutcome.entrySet().stream().sorted(Comparator.comparingInt((Map.Entry<Outcome, Integer> e) -> -e.getKey().severity()))
          .forEach(e -> parts.add(e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT)));
      long harmless = in.stream().filter(c -> c.outcome().severity() >= Outcome.WARN.severity() && !c.blocks()).count();
      tm.put("breakdown", in.isEmpty() ? "no checks in this suite" : String.join(", ", parts)
          + (harmless == 0 ? "" : "; " + harmless + (harmless == 1 ? " does" : " do") + " not stop promotion"));
      trials.add(tm);
      if (!in.isEmpty()) {
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("title", t.title());
        sm.put("anchor", anchor);
        sm.put("outcome", tm.get("outcome"));
        sm.put("css", tm.get("css"));
        List<Map<String, Object>> checks = new ArrayList<>();
        for (CheckResult c : in) {
          checks.add(check(c, checkAnchor.get(c.id()), hasBaseline, r.verdict().gate(), anchors));
        }
        sm.put("checks", checks);
        sections.add(sm);
      }
    }
    m.put("trials", trials);
    m.put("sections", sections);

    Map<String, Object> prov = new LinkedHashMap<>();
    prov.put("seed", Long.toString(p.seed()));
    prov.put("version", p.harnessVersion());
    prov.put("java", p.java());
    prov.put("os", p.os() + " (" + p.arch() + ", " + p.processors() + " processors, OMP_NUM_THREADS=" + p.ompNumThreads() + ")");
    prov.put("startedAt", p.startedAt());
    prov.put("duration", seconds(p.durationMillis()));
    prov.put("timeLimit", p.checkTimeLimitSeconds() + " s per check on each model (limits.checkSeconds); a check still running then is abandoned as ERROR");
    prov.put("command", p.command() == null ? "" : p.command());
    prov.put("suiteFile", p.suiteFile() == null ? "(built in Java)" : p.suiteFile());
    prov.put("suiteText", p.suiteText() == null ? "" : p.suiteText());
    prov.put("gate", "fail on warnings: " + (r.verdict().gate().failOnWarn() ? "yes" : "no") + "; fail on inconclusive: "
        + (r.verdict().gate().failOnInconclusive() ? "yes" : "no"));
    List<String> notes = new ArrayList<>();
    if (p.data() != null) {
      notes.addAll(p.data().notes());
      if (p.data().selection() != null) {
        notes.add("Evaluation data: " + p.data().selection().describe());
      }
      if (p.data().sample() != null) {
        notes.add("Evaluation data: " + p.data().sample().describe());
      }
    }
    if (p.reference() != null) {
      notes.addAll(p.reference().notes());
      if (p.reference().selection() != null) {
        notes.add("Reference data: " + p.reference().selection().describe());
      }
    }
    for (dev.gauntlet.harness.run.DeterminismProbe d : p.determinism()) {
      if (!d.outcome().equals("deterministic")) {
        notes.add("Determinism probe of the " + d.role() + " model '" + d.model() + "': " + d.outcome() + "; " + d.detail());
      }
    }
    prov.put("notes", notes);
    List<Map<String, String>> timings = new ArrayList<>();
    for (CheckResult c : r.checks()) {
      Map<String, String> tm = new LinkedHashMap<>();
      tm.put("id", c.id());
      tm.put("title", c.title());
      tm.put("anchor", checkAnchor.get(c.id()));
      tm.put("outcome", c.outcome().name());
      tm.put("css", css(c.outcome()));
      tm.put("seconds", seconds(c.durationMillis()));
      timings.add(tm);
    }
    prov.put("timings", timings);
    m.put("provenance", prov);
    return m;
  }

  /** The verdict's blockers, each linked to the check it names. */
  private static List<Map<String, String>> reasons(SuiteResult r, Map<String, String> checkAnchor) {
    List<Map<String, String>> out = new ArrayList<>();
    for (Verdict.Blocker b : r.verdict().blockers()) {
      Map<String, String> rm = new LinkedHashMap<>();
      rm.put("text", b.line());
      rm.put("check", b.checkId());
      rm.put("anchor", checkAnchor.getOrDefault(b.checkId(), ""));
      out.add(rm);
    }
    return out;
  }

  /** First-screen table: every judgement made against the baseline, worst first. */
  private static void comparison(Map<String, Object> m, SuiteResult r, Map<String, String> checkAnchor) {
    List<Map<String, String>> rows = new ArrayList<>();
    List<Object[]> all = new ArrayList<>();
    for (CheckResult c : r.checks()) {
      for (Finding f : c.findings()) {
        if (Double.isFinite(f.baseline())) {
          all.add(new Object[] {c, f});
        }
      }
    }
    all.sort(Comparator.comparingInt(o -> -((Finding) o[1]).outcome().severity()));
    for (Object[] o : all.subList(0, Math.min(all.size(), MAX_COMPARISON_ROWS))) {
      CheckResult c = (CheckResult) o[0];
      Finding f = (Finding) o[1];
      Map<String, String> row = new LinkedHashMap<>();
      row.put("check", c.title());
      row.put("anchor", checkAnchor.get(c.id()));
      row.put("condition", f.condition());
      row.put("subject", f.subject().toString());
      row.put("candidate", MetricCondition.fmt(f.value()));
      row.put("baseline", MetricCondition.fmt(f.baseline()));
      row.put("change", change(f.value(), f.baseline()));
      row.put("outcome", f.outcome().name());
      row.put("css", css(f.outcome()));
      rows.add(row);
    }
    m.put("comparison", rows);
    m.put("comparisonOmitted", all.size() - rows.size());
  }

  private static List<Map<String, String>> identity(Provenance p) {
    List<Map<String, String>> rows = new ArrayList<>();
    rows.add(row("Candidate model", p.modelName(), p.model()));
    if (p.baselineName() != null) {
      rows.add(row("Baseline model", p.baselineName(), p.baseline()));
    }
    if (p.data() != null) {
      rows.add(row("Evaluation data", p.data().path(), new Artifact(p.data().path(), p.data().sha256(), p.data().bytes())));
    }
    if (p.reference() != null) {
      rows.add(row("Reference data", p.reference().path(), new Artifact(p.reference().path(), p.reference().sha256(), p.reference().bytes())));
    }
    if (p.schema() != null) {
      rows.add(row("Schema", p.schema().path(), p.schema()));
    }
    return rows;
  }

  private static Map<String, String> row(String what, String name, Artifact a) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("what", what);
    m.put("name", name == null ? "" : name);
    m.put("sha256", a == null ? "(built in code: no file)" : a.sha256());
    m.put("size", a == null ? "" : bytes(a.bytes()));
    return m;
  }

  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB (%d bytes)", b / 1024.0, b);
    }
    return String.format(Locale.ROOT, "%.1f MiB (%d bytes)", b / (1024.0 * 1024), b);
  }

  private static Map<String, Object> check(CheckResult c, String anchor, boolean hasBaseline, Gate gate, Anchors anchors) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("anchor", anchor);
    m.put("title", c.title());
    m.put("trial", c.trial().title());
    m.put("description", c.description() == null ? "" : c.description());
    m.put("outcome", c.outcome().name());
    m.put("css", css(c.outcome()));
    m.put("required", c.required());
    m.put("blocks", c.blocks());
    m.put("summary", c.summary() == null ? "" : c.summary());
    m.put("conditions", c.conditions());
    m.put("error", c.error() == null ? "" : c.error());
    m.put("duration", seconds(c.durationMillis()));

    List<Finding> sorted = new ArrayList<>(c.findings());
    sorted.sort(Comparator.comparingInt(f -> -f.outcome().severity()));
    List<Map<String, String>> findings = new ArrayList<>();
    boolean subjects = false;
    for (Finding f : sorted.subList(0, Math.min(sorted.size(), MAX_TABLE_ROWS))) {
      Map<String, String> fm = new LinkedHashMap<>();
      fm.put("outcome", f.outcome().name());
      fm.put("css", css(f.outcome()));
      fm.put("condition", f.condition());
      fm.put("subject", f.subject().toString());
      subjects |= !f.subject().isAll();
      Measurement x = measurementOf(c, f);
      fm.put("value", Double.isNaN(f.value()) ? "n/a" : MetricCondition.fmt(f.value()));
      fm.put("interval", x != null && x.hasInterval() ? interval(x) : "");
      fm.put("baseline", Double.isNaN(f.baseline()) ? "" : MetricCondition.fmt(f.baseline()));
      fm.put("change", change(f.value(), f.baseline()));
      fm.put("sentence", f.sentence());
      findings.add(fm);
    }
    m.put("findings", findings);
    m.put("findingsOmitted", sorted.size() - findings.size());
    m.put("subjects", subjects);

    List<Map<String, String>> ms = new ArrayList<>();
    for (Measurement x : c.measurements().subList(0, Math.min(c.measurements().size(), MAX_TABLE_ROWS))) {
      Map<String, String> mm = new LinkedHashMap<>();
      mm.put("metric", x.metric());
      mm.put("subject", x.subject().toString());
      mm.put("value", Double.isNaN(x.value()) ? "n/a" : MetricCondition.fmt(x.value()));
      mm.put("interval", x.hasInterval() ? interval(x) : "");
      mm.put("n", x.n() >= 0 ? Long.toString(x.n()) : "");
      mm.put("note", x.inconclusive() == null ? "" : x.inconclusive());
      String base = "";
      String change = "";
      for (Measurement b : c.baselineMeasurements()) {
        if (b.id().equals(x.id())) {
          base = Double.isNaN(b.value()) ? "n/a" : MetricCondition.fmt(b.value());
          change = change(x.value(), b.value());
        }
      }
      mm.put("baseline", base);
      mm.put("change", change);
      ms.add(mm);
    }
    m.put("measurements", ms);
    m.put("measurementsOmitted", Math.max(0, c.measurements().size() - MAX_TABLE_ROWS));
    m.put("measurementCount", c.measurements().size());
    List<Map<String, Object>> ev = new ArrayList<>();
    int charts = 0;
    int tables = 0;
    for (Evidence e : c.evidence()) {
      Map<String, Object> em = EvidenceView.of(e, anchors.make(anchor + "-e" + (ev.size() + 1)));
      charts += "svg".equals(em.get("kind")) ? 1 : 0;
      tables += "table".equals(em.get("kind")) ? 1 : 0;
      ev.add(em);
    }
    m.put("evidence", ev);
    List<String> parts = new ArrayList<>();
    if (!c.measurements().isEmpty()) {
      parts.add(plural(c.measurements().size(), "measurement"));
    }
    if (tables > 0) {
      parts.add(plural(tables, "table"));
    }
    if (charts > 0) {
      parts.add(plural(charts, "chart"));
    }
    if (ev.size() - tables - charts > 0) {
      parts.add(plural(ev.size() - tables - charts, "note"));
    }
    m.put("evidenceSummary", parts.isEmpty() ? "no evidence recorded" : String.join(", ", parts));
    return m;
  }

  /** The measurement a finding judged, by its metric id; null for a finding about the check as a whole. */
  private static Measurement measurementOf(CheckResult c, Finding f) {
    if (f.metric() == null) {
      return null;
    }
    for (Measurement x : c.measurements()) {
      if (x.id().equals(f.metric())) {
        return x;
      }
    }
    return null;
  }

  /** {@code 0.71 to 0.78 (95% Wilson score)}: the level actually used, always shown. */
  static String interval(Measurement x) {
    return MetricCondition.fmt(x.lower()) + " to " + MetricCondition.fmt(x.upper()) + " (" + x.interval().levelText() + " "
        + x.interval().method().label() + ")";
  }

  static String change(double candidate, double baseline) {
    if (!Double.isFinite(candidate) || !Double.isFinite(baseline)) {
      return "";
    }
    double d = candidate - baseline;
    return d == 0 ? "0 (no change)" : (d > 0 ? "+" : "-") + MetricCondition.fmt(Math.abs(d));
  }

  static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  static String css(Outcome o) {
    return o.name().toLowerCase(Locale.ROOT);
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
  }

  /** Unique, valid element ids. */
  static final class Anchors {
    private final Set<String> used = new HashSet<>();

    String make(String wanted) {
      String base = wanted.replaceAll("[^A-Za-z0-9_.-]", "-");
      String id = base;
      for (int k = 2; !used.add(id); k++) {
        id = base + "-" + k;
      }
      return id;
    }
  }
}

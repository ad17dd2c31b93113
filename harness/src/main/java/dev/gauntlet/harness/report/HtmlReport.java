package dev.gauntlet.harness.report;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.model.Artifact;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Finding;
import dev.gauntlet.harness.run.Provenance;
import dev.gauntlet.harness.run.SuiteResult;
import freemarker.core.HTMLOutputFormat;
import freemarker.core.TemplateClassResolver;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no scripts, no network) from
 * the Freemarker templates in {@code reports-templates}. Every string from data or configuration is
 * escaped by Freemarker's HTML auto-escaping; only SVG made by {@link SvgCharts}, which escapes its
 * own text, is inserted unescaped.
 */
public final class HtmlReport {
  /** Rows shown per evidence table before the rest are summarised as "N more rows". */
  public static final int MAX_TABLE_ROWS = 50;
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

  public static String render(SuiteResult r) {
    try {
      Template t = CONFIG.getTemplate("report.ftlh");
      StringWriter out = new StringWriter();
      t.process(model(r), out);
      return out.toString();
    } catch (IOException | TemplateException e) {
      throw new IllegalStateException("cannot render report.html: " + e.getMessage(), e);
    }
  }

  static Map<String, Object> model(SuiteResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("suite", r.suite());
    m.put("passed", r.verdict().passed());
    m.put("headline", r.verdict().headline());
    m.put("reasons", r.verdict().reasons());
    Provenance p = r.provenance();
    m.put("identity", identity(p));
    m.put("hasBaseline", p.baselineName() != null);
    m.put("baselineName", p.baselineName() == null ? "" : p.baselineName());
    m.put("modelName", p.modelName());
    List<Map<String, Object>> trials = new ArrayList<>();
    for (Trial t : Trial.values()) {
      Outcome worst = null;
      int n = 0;
      for (CheckResult c : r.checks()) {
        if (c.trial() == t) {
          worst = worst == null ? c.outcome() : worst.worse(c.outcome());
          n++;
        }
      }
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("title", t.title());
      tm.put("anchor", "trial-" + t.name().toLowerCase(Locale.ROOT));
      tm.put("outcome", worst == null ? "NOT RUN" : worst.name());
      tm.put("css", worst == null ? "none" : worst.name().toLowerCase(Locale.ROOT));
      tm.put("checks", n);
      trials.add(tm);
    }
    m.put("trials", trials);
    List<Map<String, Object>> checks = new ArrayList<>();
    for (CheckResult c : r.checks()) {
      checks.add(check(c));
    }
    m.put("checks", checks);
    Map<String, Object> prov = new LinkedHashMap<>();
    prov.put("seed", Long.toString(p.seed()));
    prov.put("version", p.harnessVersion());
    prov.put("java", p.java());
    prov.put("os", p.os() + " (" + p.arch() + ", " + p.processors() + " processors, OMP_NUM_THREADS=" + p.ompNumThreads() + ")");
    prov.put("startedAt", p.startedAt());
    prov.put("duration", String.format(Locale.ROOT, "%.1f s", p.durationMillis() / 1000.0));
    prov.put("command", p.command() == null ? "" : p.command());
    prov.put("suiteFile", p.suiteFile() == null ? "(built in Java)" : p.suiteFile());
    prov.put("suiteText", p.suiteText() == null ? "" : p.suiteText());
    List<String> notes = new ArrayList<>();
    if (p.data() != null) {
      notes.addAll(p.data().notes());
    }
    prov.put("notes", notes);
    m.put("provenance", prov);
    return m;
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
    m.put("name", name);
    m.put("sha256", a == null ? "(built in code)" : a.sha256());
    m.put("size", a == null ? "" : bytes(a.bytes()));
    return m;
  }

  private static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
  }

  private static Map<String, Object> check(CheckResult c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("anchor", "check-" + c.id());
    m.put("title", c.title());
    m.put("trial", c.trial().title());
    m.put("description", c.description());
    m.put("outcome", c.outcome().name());
    m.put("css", c.outcome().name().toLowerCase(Locale.ROOT));
    m.put("required", c.required());
    m.put("summary", c.summary() == null ? "" : c.summary());
    m.put("conditions", c.conditions());
    m.put("error", c.error() == null ? "" : c.error());
    m.put("duration", String.format(Locale.ROOT, "%.2f s", c.durationMillis() / 1000.0));
    List<Map<String, String>> findings = new ArrayList<>();
    for (Finding f : c.findings()) {
      Map<String, String> fm = new LinkedHashMap<>();
      fm.put("outcome", f.outcome().name());
      fm.put("css", f.outcome().name().toLowerCase(Locale.ROOT));
      fm.put("condition", f.condition());
      fm.put("subject", f.subject());
      fm.put("sentence", f.sentence());
      findings.add(fm);
    }
    findings.sort((a, b) -> Outcome.valueOf(b.get("outcome")).severity() - Outcome.valueOf(a.get("outcome")).severity());
    m.put("findings", findings);
    List<Map<String, String>> ms = new ArrayList<>();
    int shown = 0;
    for (Measurement x : c.measurements()) {
      if (shown++ >= MAX_TABLE_ROWS) {
        break;
      }
      Map<String, String> mm = new LinkedHashMap<>();
      mm.put("metric", x.metric());
      mm.put("subject", x.subject());
      mm.put("value", x.inconclusive() != null && Double.isNaN(x.value()) ? "n/a" : MetricCondition.fmt(x.value()));
      mm.put("interval", x.hasInterval() ? MetricCondition.fmt(x.lower()) + " to " + MetricCondition.fmt(x.upper()) : "");
      mm.put("n", x.n() >= 0 ? Long.toString(x.n()) : "");
      mm.put("note", x.inconclusive() == null ? "" : x.inconclusive());
      String base = "";
      String change = "";
      for (Measurement b : c.baselineMeasurements()) {
        if (b.metric().equals(x.metric()) && b.subject().equals(x.subject())) {
          base = MetricCondition.fmt(b.value());
          double d = x.value() - b.value();
          change = (d > 0 ? "+" : "") + MetricCondition.fmt(d);
        }
      }
      mm.put("baseline", base);
      mm.put("change", change);
      ms.add(mm);
    }
    m.put("measurements", ms);
    m.put("measurementsOmitted", Math.max(0, c.measurements().size() - MAX_TABLE_ROWS));
    List<Map<String, Object>> ev = new ArrayList<>();
    for (Evidence e : c.evidence()) {
      ev.add(evidence(e));
    }
    m.put("evidence", ev);
    return m;
  }

  private static Map<String, Object> evidence(Evidence e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("title", e.title());
    if (e instanceof Evidence.Table t) {
      m.put("kind", "table");
      m.put("columns", t.columns());
      List<List<Map<String, Object>>> rows = new ArrayList<>();
      int limit = Math.min(t.rows().size(), MAX_TABLE_ROWS);
      for (int r = 0; r < limit; r++) {
        List<Map<String, Object>> cells = new ArrayList<>();
        for (int c = 0; c < t.columns().size(); c++) {
          Map<String, Object> cell = new LinkedHashMap<>();
          cell.put("text", t.rows().get(r).get(c));
          cell.put("flagged", t.isFlagged(r, c));
          cells.add(cell);
        }
        rows.add(cells);
      }
      m.put("rows", rows);
      m.put("omitted", t.omittedRows() + (t.rows().size() - limit));
    } else if (e instanceof Evidence.Note n) {
      m.put("kind", "note");
      m.put("text", n.text());
    } else {
      m.put("kind", "svg");
      m.put("svg", SvgCharts.render(e));
      m.put("alt", e instanceof Evidence.Chart c ? c.alt() : e instanceof Evidence.Heatmap h ? h.alt() : e.title());
    }
    return m;
  }
}

package dev.gauntlet.suites.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.harness.junit.Gauntlet;
import dev.gauntlet.harness.report.JsonReport;
import dev.gauntlet.harness.report.ReportSchema;
import dev.gauntlet.suites.Demo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The command line end to end on the demo inputs: exit codes, messages, reports, determinism, escaping. */
class CliTest {
  @TempDir
  static Path inputs;

  @TempDir
  Path work;

  static Path suite;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void prepare() {
    suite = Demo.prepare(inputs, s -> { });
  }

  static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Copies the demo inputs into the test's folder, with one file replaced. */
  Path variant(String file, String text) throws Exception {
    for (String f : List.of("lending.csv", "train.csv", "lending.schema.yaml", "model.zip", "baseline.zip", "suite.yaml")) {
      Files.copy(inputs.resolve(f), work.resolve(f));
    }
    Files.writeString(work.resolve(file), text);
    return work.resolve("suite.yaml");
  }

  String csvWithLine(int line, java.util.function.UnaryOperator<String> edit) throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(inputs.resolve("lending.csv")));
    lines.set(line - 1, edit.apply(lines.get(line - 1)));
    return String.join("\n", lines) + "\n";
  }

  Run auditBad(String file, String text) throws Exception {
    Path s = variant(file, text);
    Run r = cli("audit", "--suite", s.toString(), "--out", work.resolve("out").toString(), "--quiet");
    assertEquals(2, r.code(), "exit code; stderr: " + r.err());
    assertFalse(Files.exists(work.resolve("out")), "no report is written for bad input");
    return r;
  }

  @Test
  void demoAuditWritesFourReportsAndExitsByItsVerdict() throws Exception {
    Path out = work.resolve("demo");
    Run r = cli("audit", "--suite", suite.toString(), "--out", out.toString());
    for (String f : List.of("report.json", "report.html", "junit.xml", "summary.md")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    JsonNode json = JsonReport.mapper().readTree(out.resolve("report.json").toFile());
    boolean passed = json.get("verdict").get("passed").asBoolean();
    assertEquals(passed ? 0 : 1, r.code());
    assertEquals(dev.gauntlet.harness.run.SuiteResult.SCHEMA_VERSION, json.get("schemaVersion").asInt());
    ReportSchema.assertValid(out);
    assertTrue(r.out().contains(passed ? "PASSED" : "FAILED"), r.out());
    assertTrue(r.out().contains("report.html"), r.out());
    assertTrue(r.err().contains("[1/"), "progress is shown: " + r.err());
  }

  @Test
  void sameSeedGivesTheSameReportApartFromVolatileFields() throws Exception {
    Path a = work.resolve("a");
    Path b = work.resolve("b");
    cli("audit", "--suite", suite.toString(), "--out", a.toString(), "--seed", "7", "--quiet");
    cli("audit", "--suite", suite.toString(), "--out", b.toString(), "--seed", "7", "--quiet");
    assertEquals(stripVolatile(a.resolve("report.json")), stripVolatile(b.resolve("report.json")));
    ReportSchema.assertValid(a);
    JsonNode json = JsonReport.mapper().readTree(a.resolve("report.json").toFile());
    assertEquals(7, json.get("provenance").get("seed").asLong());
  }

  static String stripVolatile(Path report) throws Exception {
    ObjectNode root = (ObjectNode) JsonReport.mapper().readTree(report.toFile());
    ObjectNode prov = (ObjectNode) root.get("provenance");
    prov.remove(List.of("startedAt", "durationMillis", "command"));
    for (JsonNode c : root.get("checks")) {
      ((ObjectNode) c).remove("durationMillis");
    }
    assertEquals(JsonReport.VOLATILE_FIELDS.size(), 4, "this test strips every documented volatile field");
    return JsonReport.mapper().writeValueAsString(root);
  }

  @Test
  void categoryValuesFromDataAreEscapedInTheHtml() throws Exception {
    String schema = Files.readString(inputs.resolve("lending.schema.yaml")).replace("categories: [north, south, east, west]",
        "categories: [north, south, east, \"<script>alert(1)</script>\"]");
    String csv = Files.readString(inputs.resolve("lending.csv")).replace(",west,", ",<script>alert(1)</script>,");
    Path s = variant("lending.schema.yaml", schema);
    Files.writeString(work.resolve("lending.csv"), csv);
    Files.writeString(work.resolve("train.csv"), Files.readString(inputs.resolve("train.csv")).replace(",west,", ",<script>alert(1)</script>,"));
    // A metric name cannot carry markup any more: conditions are validated against the declared metrics at load time.
    Files.writeString(work.resolve("suite.yaml"), onlyChecks(Files.readString(s), "holdout-accuracy", "fairness-slices"));
    Path out = work.resolve("out");
    Run r = cli("audit", "--suite", s.toString(), "--out", out.toString(), "--quiet");
    assertTrue(r.code() == 0 || r.code() == 1, r.err());
    ReportSchema.assertValid(out);
    String html = Files.readString(out.resolve("report.html"));
    assertFalse(html.contains("<script>"), "no raw script tag in the report");
    assertTrue(html.contains("region=&lt;script&gt;alert(1)&lt;/script&gt;"), "the category value appears escaped in the slices");
  }

  @Test
  void terminalEscapesAndBidiControlsFromDataAreShownEscapedOnTheConsole() throws Exception {
    // a category that would clear the terminal, overwrite the line and reverse what follows
    String evil = "we\u001b[2Jst\r\u202Eevil";
    String schema = Files.readString(inputs.resolve("lending.schema.yaml")).replace("categories: [north, south, east, west]",
        "categories: [north, south, east, \"we\\e[2Jst\\r\\u202Eevil\"]");
    Path s = variant("lending.schema.yaml", schema);
    for (String f : List.of("lending.csv", "train.csv")) {
      Files.writeString(work.resolve(f), Files.readString(inputs.resolve(f)).replace(",west,", ",\"" + evil + "\","));
    }
    String base = onlyChecks(Files.readString(s), "holdout-accuracy", "fairness-slices");
    // a metric name from config is refused at load (exit 2), and the refusal shows it escaped
    Files.writeString(work.resolve("suite.yaml"), base + """
          - id: probe
            type: performance
            required: false
            conditions:
              - {metric: "m\\e[2J\\r\\u202Ex", atLeast: 0.5}
        """);
    Run refused = cli("audit", "--suite", s.toString(), "--out", work.resolve("refused").toString());
    assertEquals(2, refused.code(), refused.err());
    assertFalse(refused.err().contains("\u001b") || refused.err().contains("\r") || refused.err().contains("\u202E"), refused.err());
    assertTrue(refused.err().contains("m\\u001b[2J\\u000d\\u202ex"), "the refused metric is shown escaped: " + refused.err());
    Files.writeString(work.resolve("suite.yaml"), base);
    Path out = work.resolve("out");
    Run r = cli("audit", "--suite", s.toString(), "--out", out.toString());
    assertTrue(r.code() == 0 || r.code() == 1, r.err());
    for (String console : List.of(r.out(), r.err())) {
      assertFalse(console.contains("\u001b") || console.contains("\r") || console.contains("\u202E"), "no raw escape on the console: " + console);
    }
    String md = Files.readString(out.resolve("summary.md"));
    assertFalse(md.contains("\u001b") || md.contains("\r") || md.contains("\u202E"), md);
    String html = Files.readString(out.resolve("report.html"));
    assertFalse(html.contains("\u202E") || html.contains("\u001b"), "no raw bidi override or ESC in the page");
    assertTrue(html.contains("[U+202E]evil"), "the override is shown as a marker in the page");
  }

  @Test
  void anOutFolderThatCannotBeWrittenStopsBeforeTheAudit() throws Exception {
    Path file = Files.writeString(work.resolve("a-file"), "x");
    Run r = cli("audit", "--suite", suite.toString(), "--out", file.resolve("out").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("gauntlet: error: " + file.resolve("out") + ": cannot create the output folder"), r.err());
    assertFalse(r.err().contains("[1/"), "no check ran: " + r.err());
    Run demo = cli("demo", "--out", file.toString());
    assertEquals(2, demo.code(), demo.err());
    assertTrue(demo.err().contains(file + ": the output folder exists and is not a folder"), demo.err());
  }

  @Test
  void anOutFolderWithTheUsersFilesIsRefusedBeforeTheAuditAndKept() throws Exception {
    Path out = Files.createDirectories(work.resolve("mine"));
    Files.writeString(out.resolve("thesis.tex"), "years of work");
    Run r = cli("audit", "--suite", suite.toString(), "--out", out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("holds files Gauntlet did not write: thesis.tex"), r.err());
    assertFalse(r.err().contains("[1/"), "no check ran: " + r.err());
    assertEquals("years of work", Files.readString(out.resolve("thesis.tex")));
  }

  @Test
  void theJunitEntryPointChecksItsOutFolderBeforeTheAudit() throws Exception {
    Path file = Files.writeString(work.resolve("a-file"), "x");
    dev.gauntlet.harness.UsageException e = assertThrows(dev.gauntlet.harness.UsageException.class, () -> Gauntlet.run(suite, file));
    assertTrue(e.getMessage().startsWith(file.resolve("lending-demo") + ": cannot create the output folder"), e.getMessage());
  }

  /** The demo suite's text with only the named checks (to keep tests that need only some checks fast). */
  static String onlyChecks(String suiteText, String... ids) {
    int at = suiteText.indexOf("\nchecks:\n");
    StringBuilder out = new StringBuilder(suiteText.substring(0, at + "\nchecks:\n".length()));
    for (String block : suiteText.substring(at + "\nchecks:\n".length()).split("(?m)^(?=  - id: )")) {
      for (String id : ids) {
        if (block.startsWith("  - id: " + id + "\n")) {
          out.append(block);
        }
      }
    }
    assertEquals(ids.length, out.toString().split("(?m)^  - id: ").length - 1, "every named check is in the demo suite");
    return out.toString();
  }

  @Test
  void missingSuiteFile() {
    Run r = cli("audit", "--suite", work.resolve("nope.yaml").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("nope.yaml: suite file not found"), r.err());
  }

  @Test
  void badCommandLine() {
    Run r = cli("audit", "--suite", "s.yaml", "--sweet", "x");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--sweet"), r.err());
    assertEquals(2, cli("audit").code(), "--suite is required");
  }

  @Test
  void malformedSuiteYamlNamesLineAndColumn() throws Exception {
    Run r = auditBad("suite.yaml", "name: x\nchecks:\n  - {id: a, type: performance\n");
    assertTrue(r.err().matches("(?s).*suite\\.yaml:\\d+:\\d+: malformed YAML.*"), r.err());
  }

  @Test
  void anUnknownMetricIsExit2AtItsPlaceBeforeTheDataIsRead() throws Exception {
    Files.writeString(work.resolve("t.schema.yaml"), dev.gauntlet.harness.run.RunFixtures.SCHEMA_YAML);
    Path s = work.resolve("typo.yaml");
    Files.writeString(s, """
        name: typo
        model: {type: dl4j, path: no-such-model.zip}
        data: {path: no-such-data.csv, schema: t.schema.yaml}
        checks:
          - type: performance
            conditions:
              - {metric: acuracy, atLeast: 0.8}
          - id: sliced
            type: performance
            conditions:
              - {metric: accuracy, subject: sex=F, atLeast: 0.8}
        """);
    Run r = cli("audit", "--suite", s.toString(), "--out", work.resolve("out").toString(), "--quiet");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("typo.yaml:7:") && r.err().contains("Did you mean 'accuracy'?") && r.err().contains("balanced_accuracy"), r.err());
    assertFalse(r.err().contains("no-such-data.csv") || r.err().contains("no-such-model.zip"), "the metric error wins: " + r.err());
    assertFalse(Files.exists(work.resolve("out")));
    Files.writeString(s, Files.readString(s).replace("acuracy", "accuracy"));
    r = cli("audit", "--suite", s.toString(), "--out", work.resolve("out").toString(), "--quiet");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("typo.yaml:11:") && r.err().contains("sex=F"), "the wrong subject shape, at its node: " + r.err());
  }

  @Test
  void unknownCheckTypeListsTheKnownOnes() throws Exception {
    String text = Files.readString(suite).replace("type: performance", "type: perfomance");
    Run r = auditBad("suite.yaml", text);
    assertTrue(r.err().contains("unknown check type 'perfomance'; known types:") && r.err().contains("performance"), r.err());
  }

  @Test
  void raggedRow() throws Exception {
    Run r = auditBad("lending.csv", csvWithLine(5, l -> l.substring(0, l.lastIndexOf(','))));
    assertTrue(r.err().contains("lending.csv:5: row has 8 fields but the header has 9"), r.err());
  }

  @Test
  void columnTheSchemaNamesButTheFileLacks() throws Exception {
    Run r = auditBad("lending.csv", Files.readString(inputs.resolve("lending.csv")).replaceFirst("debt_ratio", "debt"));
    assertTrue(r.err().contains("lending.csv:1: the schema names column 'debt_ratio' but the header lacks it"), r.err());
  }

  @Test
  void nonNumericValue() throws Exception {
    Run r = auditBad("lending.csv", csvWithLine(3, l -> l.replaceFirst("^([^,]*,[^,]*,)[^,]*", "$1lots")));
    assertTrue(r.err().contains("lending.csv:3:3: column 'income' is numeric but holds 'lots'"), r.err());
  }

  @Test
  void nanInAFeature() throws Exception {
    Run r = auditBad("lending.csv", csvWithLine(4, l -> l.replaceFirst("^([^,]*,[^,]*,[^,]*,)[^,]*", "$1NaN")));
    assertTrue(r.err().contains("lending.csv:4:4: column 'debt_ratio' holds NaN"), r.err());
  }

  @Test
  void labelOutsideTheClasses() throws Exception {
    Run r = auditBad("lending.csv", csvWithLine(6, l -> l.replaceFirst(",(yes|no)$", ",maybe")));
    assertTrue(r.err().contains("lending.csv:6:9: column 'approved' has value 'maybe', which is not one of the declared classes [no, yes]"), r.err());
  }

  @Test
  void modelWhoseInputWidthDoesNotMatchTheSchema() throws Exception {
    String schema = Files.readString(inputs.resolve("lending.schema.yaml")).replace(
        "  - name: loan_amount\n    type: numeric\n    role: feature\n    range: [0, 500000]\n    encoding: {scale: standard, mean: 30000, std: 25000}",
        "  - name: loan_amount\n    type: numeric\n    role: ignore");
    // only the checks that do not name loan_amount: checks are validated against the schema before the model loads
    Path sv = variant("lending.schema.yaml", schema);
    Files.writeString(sv, onlyChecks(Files.readString(suite), "holdout-accuracy", "fairness-slices"));
    Run r = cli("audit", "--suite", sv.toString(), "--out", work.resolve("out").toString(), "--quiet");
    assertEquals(2, r.code(), "exit code; stderr: " + r.err());
    assertTrue(r.err().contains("takes inputs of width 9 but schema 'lending' encodes its features into 8 inputs"), r.err());
    assertTrue(r.err().contains("suite.yaml:"), "the message points at the model in the suite: " + r.err());
  }

  @Test
  void corruptModelFile() throws Exception {
    Run r = auditBad("model.zip", "not a zip");
    assertTrue(r.err().contains("model.zip") && r.err().contains("corrupt"), r.err());
  }

  @Test
  void junitEntryPointFailsWithTheReasons() throws Exception {
    // the demo's gate fails (see the README); the assertion message must carry every reason of the verdict
    Path small = variant("suite.yaml", onlyChecks(Files.readString(suite), "holdout-accuracy", "perturbation-counterfactual-sex", "fairness-slices"));
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Gauntlet.assertPasses(small, work));
    ReportSchema.assertValid(work.resolve("lending-demo"));
    JsonNode verdict = JsonReport.mapper().readTree(work.resolve("lending-demo").resolve("report.json").toFile()).get("verdict");
    assertFalse(verdict.get("passed").asBoolean());
    assertTrue(verdict.get("blockers").size() > 0);
    for (JsonNode b : verdict.get("blockers")) {
      String line = b.get("title").asText() + " [" + b.get("checkId").asText() + "]: " + b.get("reason").asText();
      assertTrue(e.getMessage().contains(line), "message lacks '" + line + "': " + e.getMessage());
    }
    assertTrue(e.getMessage().contains("report.html"), e.getMessage());
    // the demo's counterfactual property fails: its replay instructions travel with the failure
    assertTrue(e.getMessage().contains("Replay") || e.getMessage().contains("replay"), e.getMessage());
  }
}

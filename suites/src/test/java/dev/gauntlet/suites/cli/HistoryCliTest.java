package dev.gauntlet.suites.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * audit, history and promote end to end on a small suite with precomputed predictions (fast: no
 * model is trained or run), with the history in the default SQLite file beside the output folder.
 */
class HistoryCliTest {
  @TempDir
  Path work;

  static final String SCHEMA = """
      name: t
      columns:
        - {name: x, type: numeric, role: feature, range: [0, 1]}
        - {name: sex, type: binary, roles: [feature, protected], categories: [F, M]}
        - {name: pred, type: binary, role: prediction, categories: ["no", "yes"]}
        - {name: y, type: binary, role: label, categories: ["no", "yes"]}
      """;

  /** 200 rows whose precomputed prediction is wrong on the first {@code wrong}: accuracy 1 - wrong/200. */
  void data(int wrong) throws Exception {
    StringBuilder b = new StringBuilder("x,sex,pred,y\n");
    for (int i = 0; i < 200; i++) {
      double x = i / 199.0;
      String y = x >= 0.5 ? "yes" : "no";
      String p = i < wrong ? (y.equals("yes") ? "no" : "yes") : y;
      b.append(String.format(Locale.ROOT, "%.6f,%s,%s,%s%n", x, i % 2 == 0 ? "F" : "M", p, y));
    }
    Files.writeString(work.resolve("data.csv"), b.toString());
  }

  Path suite(String extra) throws Exception {
    Files.writeString(work.resolve("t.schema.yaml"), SCHEMA);
    Path s = work.resolve("suite.yaml");
    Files.writeString(s, """
        name: trend-suite
        model: {type: precomputed, prediction: pred}
        data: {path: data.csv, schema: t.schema.yaml}
        checks:
          - id: perf
            type: performance
            conditions:
              - {metric: accuracy, atLeast: 0.7}
              - {metric: accuracy, maxDropFromPromoted: 0.05}
        """ + extra);
    return s;
  }

  CliTest.Run audit(Path suite, String... more) {
    String[] base = {"audit", "--suite", suite.toString(), "--out", work.resolve("out").toString(), "--quiet"};
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return CliTest.cli(args);
  }

  @Test
  void auditRecordsEveryRunHistoryListsThemAndTheGateComparesWithThePromotedRun() throws Exception {
    Path s = suite("");
    data(20); // accuracy 0.90
    CliTest.Run first = audit(s);
    assertEquals(0, first.code(), first.out() + first.err());
    assertTrue(first.out().contains("History: run #1 in jdbc:sqlite:" + work.resolve("gauntlet-history.db")), first.out());
    Path db = work.resolve("gauntlet-history.db");
    assertTrue(Files.exists(db), "the default database lies beside the output folder");
    JsonNode report = new ObjectMapper().readTree(work.resolve("out/report.json").toFile());
    assertTrue(report.toString().contains("no promoted run"), "the first run's trend is INCONCLUSIVE, with the reason");

    CliTest.Run promote = CliTest.cli("promote", "--suite", s.toString(), "--out", work.resolve("out").toString(), "--run", "1");
    assertEquals(0, promote.code(), promote.err());
    assertTrue(promote.out().contains("Promoted run #1"), promote.out());

    data(40); // accuracy 0.80: above the floor, 0.10 below the promoted run
    CliTest.Run second = audit(s);
    assertEquals(1, second.code(), second.out() + second.err());
    assertTrue(second.out().contains("against 0.9 of the last promoted run (#1"), second.out());
    String html = Files.readString(work.resolve("out/report.html"));
    assertTrue(html.contains("Trend of accuracy across the recorded runs"), "the report draws the trend of a metric under a trend condition");
    assertTrue(html.contains("#1 (promoted) 0.9, this run 0.8"), "with its text alternative");

    CliTest.Run refused = CliTest.cli("promote", "--suite", s.toString(), "--out", work.resolve("out").toString(), "--run", "2");
    assertEquals(2, refused.code());
    assertTrue(refused.err().contains("only a PASSED run can be promoted"), refused.err());

    CliTest.Run table = CliTest.cli("history", "--suite", s.toString(), "--out", work.resolve("out").toString());
    assertEquals(0, table.code(), table.err());
    String[] lines = table.out().split("\n");
    assertTrue(lines[2].trim().startsWith("2 ") && lines[2].contains("FAILED") && lines[2].contains("perf/accuracy=0.8"), table.out());
    assertTrue(lines[3].trim().startsWith("1 ") && lines[3].contains("PASSED") && lines[3].contains("yes") && lines[3].contains("perf/accuracy=0.9"), table.out());

    CliTest.Run json = CliTest.cli("history", "--suite", s.toString(), "--out", work.resolve("out").toString(), "--json", "--limit", "1");
    assertEquals(0, json.code(), json.err());
    JsonNode j = new ObjectMapper().readTree(json.out());
    assertEquals("trend-suite", j.get("suite").asText());
    assertEquals(1, j.get("runs").size());
    assertEquals(2, j.get("runs").get(0).get("id").asLong());
    assertEquals("FAILED", j.get("runs").get(0).get("verdict").asText());
    assertEquals(64, j.get("runs").get(0).get("dataSha256").asText().length());
    assertEquals(64, j.get("runs").get(0).get("suiteSha256").asText().length());

    // the standard sqlite3 tool reads the file
    if (Files.isExecutable(Path.of("/usr/bin/sqlite3"))) {
      Process p = new ProcessBuilder("/usr/bin/sqlite3", db.toString(), "SELECT id, verdict, promoted FROM gauntlet_runs ORDER BY id").start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor());
      assertEquals("1|PASSED|1\n2|FAILED|0\n", out);
    }
  }

  @Test
  void aLockedDatabaseIsExit2BeforeTheAuditAndNothingIsRecorded() throws Exception {
    Path s = suite("");
    data(20);
    assertEquals(0, audit(s).code());
    String url = "jdbc:sqlite:" + work.resolve("gauntlet-history.db");
    try (Connection other = DriverManager.getConnection(url); Statement st = other.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
      String before = Files.readString(work.resolve("out/report.json"));
      CliTest.Run r = audit(s);
      assertEquals(2, r.code(), r.out() + r.err());
      assertTrue(r.err().contains("locked by another process") && r.err().contains("Nothing was recorded"), "out: " + r.out() + " err: " + r.err());
      assertEquals(before, Files.readString(work.resolve("out/report.json")), "the earlier report set is left as it was");
      st.execute("ROLLBACK");
    }
    CliTest.Run table = CliTest.cli("history", "--suite", s.toString(), "--out", work.resolve("out").toString(), "--json");
    assertEquals(1, new ObjectMapper().readTree(table.out()).get("runs").size(), "only the first run is recorded");
  }

  @Test
  void metricsFileAndWebhookAreWrittenAndAFailingWebhookIsOnlyAWarning() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(calls.incrementAndGet() == 1 ? 500 : 200, -1);
      ex.close();
    });
    server.start();
    try {
      int port = server.getAddress().getPort();
      Path s = suite("""
          history: {url: "jdbc:sqlite:hist/h.db"}
          alerts:
            openmetrics: metrics/gauntlet.prom
            webhook: {url: "http://127.0.0.1:%d/hook", timeoutSeconds: 2, retries: 2}
          """.formatted(port));
      data(20);
      CliTest.Run r = audit(s);
      assertEquals(0, r.code(), r.out() + r.err());
      assertEquals(2, calls.get(), "500 then 200");
      assertTrue(Files.exists(work.resolve("hist/h.db")), "a relative sqlite path is resolved against the suite's folder");
      String prom = Files.readString(work.resolve("metrics/gauntlet.prom"));
      assertTrue(prom.contains("gauntlet_verdict{suite=\"trend-suite\"} 1\n") && prom.contains("metric=\"accuracy\"") && prom.endsWith("# EOF\n"), prom);

      CliTest.Run override = audit(s, "--metrics-file", work.resolve("other.prom").toString());
      assertTrue(Files.exists(work.resolve("other.prom")));
      assertEquals(0, override.code());
    } finally {
      server.stop(0);
    }
    // the server is gone: the webhook fails, the run does not
    CliTest.Run r = audit(work.resolve("suite.yaml"));
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("warning: the webhook http://127.0.0.1:") && r.err().contains("was not delivered after 3 attempts"), r.err());
  }

  @Test
  void readingAHistoryThatWasNeverWrittenIsExit2AndCreatesNoFile() throws Exception {
    Path s = suite("");
    CliTest.Run r = CliTest.cli("history", "--suite", s.toString(), "--out", work.resolve("out").toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("no history database at " + work.resolve("gauntlet-history.db")), r.err());
    assertFalse(Files.exists(work.resolve("gauntlet-history.db")));
    assertEquals(2, CliTest.cli("promote", "--suite", s.toString(), "--out", work.resolve("out").toString(), "--run", "1").code());
  }

  @Test
  void historyOffMakesATrendConditionAnErrorThatFailsTheGate() throws Exception {
    Path s = suite("");
    data(20);
    CliTest.Run r = audit(s, "--history", "off");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("no history store is configured"), r.out());
    assertFalse(Files.exists(work.resolve("gauntlet-history.db")));
  }

  @Test
  void postgresByUrlRecordsAndListsTheRun() throws Exception {
    String pg = System.getenv("GAUNTLET_TEST_PG_URL");
    org.junit.jupiter.api.Assumptions.assumeTrue(pg != null && !pg.isBlank(),
        "GAUNTLET_TEST_PG_URL is not set: no PostgreSQL server for the history tests (.ci/run starts one); skipped");
    Path s = suite("");
    Files.writeString(s, Files.readString(s).replace("name: trend-suite", "name: pg-" + java.util.UUID.randomUUID().toString().substring(0, 8)));
    data(20);
    CliTest.Run r = audit(s, "--history", pg);
    assertEquals(0, r.code(), r.out() + r.err());
    assertFalse(r.out().contains("password=gauntlet") || r.err().contains("password=gauntlet"), "the password is masked");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("History: run #(\\d+) in jdbc:postgresql:").matcher(r.out());
    assertTrue(m.find(), r.out());
    CliTest.Run json = CliTest.cli("history", "--suite", s.toString(), "--history", pg, "--json");
    assertEquals(0, json.code(), json.err());
    JsonNode runs = new ObjectMapper().readTree(json.out()).get("runs");
    assertEquals(1, runs.size());
    assertEquals(Long.parseLong(m.group(1)), runs.get(0).get("id").asLong());
    assertFalse(Files.exists(work.resolve("gauntlet-history.db")), "no SQLite file when the URL names PostgreSQL");
  }

  @Test
  void baselineFromHistoryIsThePromotedRunsModelFileUnchanged() throws Exception {
    for (String f : java.util.List.of("lending-logreg-tensor.onnx", "lending-mlp.onnx", "lending.schema.yaml", "eval.csv")) {
      Files.copy(Path.of("../fixtures/onnx").resolve(f), work.resolve(f));
    }
    Path s = work.resolve("suite.yaml");
    Files.writeString(s, """
        name: onnx-history
        model: {type: onnx, path: lending-logreg-tensor.onnx}
        baseline: {from: history}
        data: {path: eval.csv, schema: lending.schema.yaml}
        checks:
          - id: perf
            type: performance
            conditions:
              - {metric: accuracy, atLeast: 0.5}
              - {metric: accuracy, maxDrop: 0.01}
        """);
    String[] args = {"audit", "--suite", s.toString(), "--out", work.resolve("out").toString()};
    CliTest.Run first = CliTest.cli(args);
    assertEquals(0, first.code(), first.out() + first.err());
    assertTrue(first.err().contains("No promoted run of suite 'onnx-history' yet: no baseline"), first.err());
    assertEquals(0, CliTest.cli("promote", "--suite", s.toString(), "--out", work.resolve("out").toString(), "--run", "1").code());

    CliTest.Run second = CliTest.cli(args);
    assertEquals(0, second.code(), second.out() + second.err());
    assertTrue(second.err().contains("Baseline: the model of the promoted run #1 (" + work.resolve("lending-logreg-tensor.onnx")), second.err());
    JsonNode report = new ObjectMapper().readTree(work.resolve("out/report.json").toFile());
    assertTrue(report.get("provenance").get("baselineName").asText().startsWith("promoted run #1"), report.get("provenance").toString());

    // the promoted file is replaced: it is no longer the promoted model
    Files.copy(work.resolve("lending-mlp.onnx"), work.resolve("lending-logreg-tensor.onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    CliTest.Run changed = CliTest.cli(args);
    assertEquals(2, changed.code(), changed.out() + changed.err());
    assertTrue(changed.err().contains("suite.yaml:3:") && changed.err().contains("has changed since that run"), changed.err());
  }
}

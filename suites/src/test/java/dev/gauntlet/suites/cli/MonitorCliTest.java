package dev.gauntlet.suites.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.history.HistoryStore;
import dev.gauntlet.history.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gauntlet monitor} end to end on a tiny log (10 predictions, 2024-01 and 2024-02; the
 * figures are counted by hand in the monitor module's MonitorCheckTest): each run is one revision
 * recorded in the history, a late label revises its window, bad logs and an unusable database are
 * exit 2 with nothing recorded.
 */
class MonitorCliTest {
  @TempDir
  Path work;

  static final String SCHEMA = """
      name: tiny
      columns:
        - {name: id, type: text, role: id}
        - {name: t, type: timestamp, role: time}
        - {name: g, type: categorical, roles: [feature, protected], categories: [a, b]}
        - {name: risk, type: numeric, role: score, range: [0, 1]}
        - {name: y, type: binary, role: label, categories: ["no", "yes"], positive: "yes"}
      """;
  static final String REFERENCE = "id,t,g,risk,y\nr1,2023-12-01,a,0.9,yes\nr2,2023-12-02,b,0.2,no\nr3,2023-12-03,a,0.7,yes\nr4,2023-12-04,b,0.4,no\n";
  static final String PREDICTIONS = """
      id,t,g,score
      p1,2024-01-03,a,0.9
      p2,2024-01-05,a,0.8
      p3,2024-01-10,b,0.2
      p4,2024-01-15,b,0.3
      p5,2024-01-20,a,0.7
      p6,2024-01-25,b,0.6
      p7,2024-02-02,a,0.1
      p8,2024-02-10,b,0.95
      p9,2024-02-15,a,0.4
      p10,2024-02-20,b,0.55
      """;
  static final String LABELS = "id,y,label_time\np1,yes,2024-01-10\np2,no,2024-01-20\np3,no,2024-02-01\np4,yes,2024-02-05\np5,yes,2024-02-10\n"
      + "p7,no,2024-02-10\np8,yes,2024-02-25\n";

  Path suite(String name, String predictions, String labels) throws Exception {
    Files.writeString(work.resolve("schema.yaml"), SCHEMA);
    Files.writeString(work.resolve("reference.csv"), REFERENCE);
    Files.writeString(work.resolve("predictions.csv"), predictions);
    Files.writeString(work.resolve("labels.csv"), labels);
    Path s = work.resolve("suite.yaml");
    Files.writeString(s, """
        name: %s
        model: {type: precomputed, score: risk, probability: true, threshold: 0.5}
        data: {path: reference.csv, schema: schema.yaml}
        checks:
          - id: production
            type: monitor.performance
            params:
              predictions: {path: predictions.csv}
              labels: {path: labels.csv}
              asOf: 2024-03-20
              slices: [g]
              calibration: none
              minLabelled: 1
              minSliceRows: 1
              maxCalibrationError: 1
            conditions:
              - {metric: realized_accuracy, subject: "window=2024-01", atLeast: 0.5}
        """.formatted(name));
    return s;
  }

  CliTest.Run monitor(Path suite, String... more) {
    String[] base = {"monitor", "--suite", suite.toString(), "--out", work.resolve("out").toString()};
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return CliTest.cli(args);
  }

  static RunRecord.MeasurementRow row(RunRecord r, String metric, String subject) {
    return r.measurements().stream().filter(m -> m.metric().equals(metric) && m.subject().equals(subject)).findFirst()
        .orElseThrow(() -> new AssertionError("run #" + r.id() + " has no " + metric + "[" + subject + "]"));
  }

  /** Two monitor runs, a late label in between; the history keeps both revisions of 2024-02. */
  void revisions(String url, String name) throws Exception {
    Path s = suite(name, PREDICTIONS, LABELS);
    String[] hist = url == null ? new String[0] : new String[] {"--history", url};
    CliTest.Run first = monitor(s, hist);
    assertEquals(0, first.code(), first.out() + first.err());
    assertTrue(first.out().contains("Revision 1 of these windows"), first.out());
    assertTrue(first.out().contains("2024-02") && first.out().contains("50%"), "the per-window table: " + first.out());
    Files.writeString(work.resolve("labels.csv"), LABELS + "p9,yes,2024-03-01\np10,yes,2024-03-02\n");
    Path prom = work.resolve("gauntlet.prom");
    CliTest.Run second = monitor(s, java.util.stream.Stream.concat(java.util.Arrays.stream(hist), java.util.stream.Stream.of("--metrics-file", prom.toString()))
        .toArray(String[]::new));
    assertEquals(0, second.code(), second.out() + second.err());
    String metrics = Files.readString(prom);
    assertTrue(metrics.contains("gauntlet_label_completeness{suite=\"" + name + "\",check=\"production\",subject=\"window=2024-02\"} 1"), metrics);
    assertTrue(metrics.contains("gauntlet_label_completeness{suite=\"" + name + "\",check=\"production\",subject=\"g=b&window=2024-01\"} 0.666"), metrics);
    assertTrue(second.out().contains("Revision 2 of these windows"), second.out());
    String db = url != null ? url : "jdbc:sqlite:" + work.resolve("gauntlet-history.db");
    try (HistoryStore store = HistoryStore.open(db)) {
      List<RunRecord> runs = store.runs(name, 10);
      assertEquals(2, runs.size());
      RunRecord newer = store.run(runs.get(0).id());
      RunRecord older = store.run(runs.get(1).id());
      assertEquals("monitor", newer.kind());
      assertEquals("monitor", older.kind());
      RunRecord.MeasurementRow before = row(older, "label_completeness", "window=2024-02");
      RunRecord.MeasurementRow after = row(newer, "label_completeness", "window=2024-02");
      assertEquals("2024-02", before.window());
      assertEquals(0.5, before.value(), 1e-12); // p7, p8 of p7..p10
      assertEquals(1.0, after.value(), 1e-12);
      assertEquals(0.75, row(newer, "realized_accuracy", "window=2024-02").value(), 1e-12); // p9 (decided no) was yes
      assertTrue(row(older, "realized_accuracy", "window=2024-02").inconclusive() != null, "2024-02 was immature and half labelled");
      assertEquals(0.6, row(newer, "realized_accuracy", "window=2024-01").value(), 1e-12);
      assertEquals(1.0, row(newer, "label_completeness", "g=a&window=2024-02").value(), 1e-12); // a: p7, p9, both labelled now
    }
  }

  @Test
  void eachRunIsARevisionAndALateLabelRevisesItsWindowInSqlite() throws Exception {
    revisions(null, "tiny-monitor");
    assertTrue(Files.exists(work.resolve("gauntlet-history.db")));
  }

  @Test
  void eachRunIsARevisionInPostgres() throws Exception {
    String pg = System.getenv("GAUNTLET_TEST_PG_URL");
    org.junit.jupiter.api.Assumptions.assumeTrue(pg != null && !pg.isBlank(),
        "GAUNTLET_TEST_PG_URL is not set: no PostgreSQL server for the history tests (.ci/run starts one); skipped");
    revisions(pg, "pg-monitor-" + java.util.UUID.randomUUID().toString().substring(0, 8));
  }

  @Test
  void badLogsAreExit2WithTheirPlaceAndNothingIsRecorded() throws Exception {
    record Bad(String predictions, String labels, String where) {}
    List<Bad> cases = List.of(
        new Bad(PREDICTIONS + "p3,2024-02-21,a,0.5\n", LABELS, "predictions.csv:12:1: prediction id 'p3' is in the prediction log twice"),
        new Bad(PREDICTIONS, LABELS + "p42,no,2024-03-01\n", "labels.csv:9:1: the label log has a label for id 'p42'"),
        new Bad(PREDICTIONS, LABELS + "p9,no,2024-02-01\n", "labels.csv:9:3: the label of id 'p9' arrived at 2024-02-01T00:00:00Z, before its prediction"),
        new Bad(PREDICTIONS.replace("2024-01-15", "15/01/2024"), LABELS, "predictions.csv:5:2"),
        new Bad(PREDICTIONS, LABELS.replace("2024-02-05", "2024-02-31"), "labels.csv:5:3"));
    for (Bad b : cases) {
      Path s = suite("tiny-monitor", b.predictions(), b.labels());
      CliTest.Run r = monitor(s);
      assertEquals(2, r.code(), b.where() + ": " + r.out() + r.err());
      assertTrue(r.err().contains(b.where()), "expected '" + b.where() + "' in: " + r.err());
      assertFalse(Files.exists(work.resolve("out/report.json")), "no report set");
      assertFalse(Files.exists(work.resolve("gauntlet-history.db")), "nothing recorded: the logs are refused before the history is opened");
    }
  }

  @Test
  void aLockedDatabaseIsExit2AndNothingIsRecorded() throws Exception {
    Path s = suite("tiny-monitor", PREDICTIONS, LABELS);
    assertEquals(0, monitor(s).code());
    String url = "jdbc:sqlite:" + work.resolve("gauntlet-history.db");
    try (Connection other = DriverManager.getConnection(url); Statement st = other.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
      CliTest.Run r = monitor(s);
      assertEquals(2, r.code(), r.out() + r.err());
      assertTrue(r.err().contains("locked by another process"), r.err());
      st.execute("ROLLBACK");
    }
    try (HistoryStore store = HistoryStore.open(url)) {
      assertEquals(1, store.runs("tiny-monitor", 10).size(), "only the first run is recorded");
    }
  }

  @Test
  void anUnreachableDatabaseIsExit2() throws Exception {
    Path s = suite("tiny-monitor", PREDICTIONS, LABELS);
    CliTest.Run r = monitor(s, "--history", "jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=2");
    assertEquals(2, r.code(), r.out() + r.err());
    assertFalse(Files.exists(work.resolve("out/report.json")));
  }

  @Test
  void aSuiteWithoutAMonitorCheckIsExit2() throws Exception {
    Path s = suite("tiny-monitor", PREDICTIONS, LABELS);
    Files.writeString(s, Files.readString(s).replace("type: monitor.performance", "type: performance").replaceAll("(?s)params:.*?conditions:", "conditions:")
        .replace("{metric: realized_accuracy, subject: \"window=2024-01\", atLeast: 0.5}", "{metric: accuracy, atLeast: 0.5}"));
    CliTest.Run r = monitor(s);
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("has no monitor.performance check"), r.err());
  }
}

package dev.gauntlet.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.history.History;
import dev.gauntlet.harness.history.HistoryPoint;
import dev.gauntlet.harness.metric.Subject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every history store must do, run against SQLite and PostgreSQL. */
abstract class StoreContract {

  /** The JDBC URL of an empty or earlier-used database (suites are named uniquely per test). */
  abstract String url();

  static String suite() {
    return "suite-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static RunRecord sample(String suite, String startedAt, String verdict, double accuracy) {
    List<RunRecord.MeasurementRow> ms = List.of(
        new RunRecord.MeasurementRow("perf", "candidate", "accuracy", "", null, accuracy, accuracy - 0.02, accuracy + 0.02, 0.95, "WILSON", 1000, null),
        new RunRecord.MeasurementRow("perf", "candidate", "auc", "", null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, null, 1000,
            "single-class labels"),
        new RunRecord.MeasurementRow("drift", "candidate", "psi", Subject.feature("income").with(Subject.Dim.WINDOW, "2024-03").toString(),
            "2024-03", 0.31, Double.NaN, Double.NaN, Double.NaN, null, 400, null),
        new RunRecord.MeasurementRow("fair", "candidate", "selection_rate", Subject.slice("sex", "F\"&\n\\").toString(), null, 1e-300, 0, 1,
            0.9, "NEWCOMBE", 12, null),
        new RunRecord.MeasurementRow("perf", "baseline", "accuracy", "", null, 0.91, Double.NaN, Double.NaN, Double.NaN, null, 1000, null));
    List<RunRecord.FindingRow> fs = List.of(
        new RunRecord.FindingRow("perf", "accuracy >= 0.8", "accuracy", "", "PASS", false, "Accuracy is " + accuracy + ".", accuracy, Double.NaN),
        new RunRecord.FindingRow("perf", "the check must run", null, null, "ERROR", true, "The check could not run: \u00e9 \"quoted\"", Double.NaN,
            Double.NaN));
    return new RunRecord(null, suite, "ab".repeat(32), "lending-v2", "cd".repeat(32), "/models/lending \"v2\".zip", null, "ef".repeat(32), "in-process", "audit", startedAt,
        verdict, "PASSED".equals(verdict) ? 0 : 1, "0.1.0-SNAPSHOT", false, "/tmp/out/report.html", ms, fs);
  }

  @Test
  void aRunReadBackHasEveryFieldEqual() {
    try (HistoryStore s = HistoryStore.open(url())) {
      String suite = suite();
      RunRecord r = sample(suite, "2026-01-02T03:04:05Z", "PASSED", 0.875);
      RunRecord saved = s.record(r);
      assertTrue(saved.id() > 0);
      assertEquals(r.withId(saved.id(), false), s.run(saved.id()));
      List<RunRecord> runs = s.runs(suite, 10);
      assertEquals(1, runs.size());
      assertEquals(r.findings(), runs.get(0).findings());
    }
  }

  @Test
  void opening_twice_migrates_once() {
    HistoryStore.open(url()).close();
    try (HistoryStore s = HistoryStore.open(url()); Connection c = ((JdbcHistoryStore) s).connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(version) FROM gauntlet_schema_version")) {
      assertTrue(rs.next());
      assertEquals(JdbcHistoryStore.SCHEMA_VERSION, rs.getInt(1));
      assertEquals(JdbcHistoryStore.SCHEMA_VERSION, rs.getInt(2));
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aFailureMidRunRecordsNothing() throws SQLException {
    String suite = suite();
    JdbcHistoryStore s = JdbcHistoryStore.open(url(), 2000);
    long before = count(s, "gauntlet_measurements") + count(s, "gauntlet_findings");
    s.hook = rows -> {
      if (rows == 3) {
        throw new SQLException("injected failure after 3 rows");
      }
    };
    HistoryException e = assertThrows(HistoryException.class, () -> s.record(sample(suite, "2026-01-02T03:04:05Z", "PASSED", 0.9)));
    assertTrue(e.getMessage().contains("Nothing was recorded"), e.getMessage());
    assertEquals(List.of(), s.runs(suite, 10));
    assertEquals(before, count(s, "gauntlet_measurements") + count(s, "gauntlet_findings"));
    s.hook = rows -> {};
    assertEquals(1, s.record(sample(suite, "2026-01-02T03:04:05Z", "PASSED", 0.9)).measurements().size() / 5);
  }

  /** Opens the store from {@code n} threads at once; fails on the first failure. */
  static void openAtOnce(String url, int n) throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    try {
      List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        fs.add(pool.submit(() -> {
          go.await();
          HistoryStore.open(url).close();
          return null;
        }));
      }
      go.countDown();
      for (java.util.concurrent.Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static long count(JdbcHistoryStore s, String table) throws SQLException {
    try (Connection c = s.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void onlyAPassedRunOfTheSameSuiteCanBePromoted() {
    try (HistoryStore s = HistoryStore.open(url())) {
      String suite = suite();
      long passed = s.record(sample(suite, "2026-01-01T00:00:00Z", "PASSED", 0.9)).id();
      long failed = s.record(sample(suite, "2026-01-02T00:00:00Z", "FAILED", 0.7)).id();
      assertTrue(s.promote(suite, passed).promoted());
      HistoryException e = assertThrows(HistoryException.class, () -> s.promote(suite, failed));
      assertTrue(e.getMessage().contains("only a PASSED run can be promoted"), e.getMessage());
      assertFalse(s.run(failed).promoted());
      assertThrows(HistoryException.class, () -> s.promote("another-" + suite, passed));
      assertThrows(HistoryException.class, () -> s.promote(suite, 987654321L));
    }
  }

  @Test
  void theLoadedHistoryIsTheCandidateSeriesOldestFirstWithPromotedFlags() {
    try (HistoryStore s = HistoryStore.open(url())) {
      String suite = suite();
      long a = s.record(sample(suite, "2026-01-01T00:00:00Z", "PASSED", 0.90)).id();
      s.record(sample(suite, "2026-01-03T00:00:00Z", "FAILED", 0.80));
      s.record(sample(suite, "2026-01-02T00:00:00Z", "PASSED", 0.85));
      s.record(sample("other-" + suite, "2026-01-02T00:00:00Z", "PASSED", 0.10));
      assertTrue(s.lastPromoted(suite).isEmpty());
      s.promote(suite, a);
      assertEquals(new dev.gauntlet.harness.history.PromotedModels.Promoted(a, "/models/lending \"v2\".zip", "cd".repeat(32)), s.lastPromoted(suite).orElseThrow());
      History h = s.load(suite, 100);
      assertTrue(h.problem().isEmpty());
      List<HistoryPoint> acc = h.series("perf", "accuracy", Subject.all());
      assertEquals(List.of(0.90, 0.85, 0.80), acc.stream().map(HistoryPoint::value).toList());
      assertEquals(List.of(true, false, false), acc.stream().map(HistoryPoint::promoted).toList());
      assertEquals(3, h.series("drift", "psi", Subject.feature("income")).size(), "windows of one series are matched without their window part");
      assertFalse(h.series("perf", "auc", Subject.all()).get(0).usable());
      // the last run only, plus the promoted one
      History last = s.load(suite, 1);
      assertEquals(List.of(0.90, 0.80), last.series("perf", "accuracy", Subject.all()).stream().map(HistoryPoint::value).toList());
    }
  }
}

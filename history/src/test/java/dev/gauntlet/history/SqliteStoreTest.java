package dev.gauntlet.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {
  @TempDir
  Path dir;

  @Override
  String url() {
    return "jdbc:sqlite:" + dir.resolve("sub/gauntlet-history.db");
  }

  @Test
  void aFileLockedByAnotherConnectionIsAClearErrorAndNothingIsRecorded() throws Exception {
    String suite = suite();
    HistoryStore.open(url()).close();
    try (Connection other = DriverManager.getConnection(url()); Statement st = other.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
      HistoryException e = assertThrows(HistoryException.class, () -> JdbcHistoryStore.open(url(), 200).record(sample(suite, "2026-01-01T00:00:00Z", "PASSED", 0.9)));
      assertTrue(e.getMessage().contains("locked by another process"), e.getMessage());
      assertEquals(2, e.exitCode());
      st.execute("ROLLBACK");
    }
    assertEquals(List.of(), HistoryStore.open(url()).runs(suite, 10));
  }

  @Test
  void runsOpeningAFreshFileAtOnceMigrateItOnceAndRecordSideBySide() throws Exception {
    openAtOnce(url(), 4);
    String suite = suite();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        fs.add(pool.submit(() -> HistoryStore.open(url()).record(sample(suite, "2026-01-01T00:00:00Z", "PASSED", 0.9))));
      }
      for (java.util.concurrent.Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(4, HistoryStore.open(url()).runs(suite, 10).size());
  }

  @Test
  void aFileThatIsNotADatabaseIsRefused() throws Exception {
    Path f = dir.resolve("notes.db");
    Files.writeString(f, "this is not a database, it is a text file with enough bytes to have a header ............................");
    HistoryException e = assertThrows(HistoryException.class, () -> HistoryStore.open("jdbc:sqlite:" + f));
    assertTrue(e.getMessage().contains("not an SQLite database"), e.getMessage());
  }

  @Test
  void otherUrlsAndInMemoryDatabasesAreRefused() {
    assertTrue(assertThrows(HistoryException.class, () -> HistoryStore.open("jdbc:mysql://h/db?password=s3cret")).getMessage().contains("password=***"));
    assertThrows(HistoryException.class, () -> HistoryStore.open("jdbc:sqlite::memory:"));
  }

  @Test
  void aVersion1FileIsMigratedAndItsRunsKept() throws Exception {
    Path f = dir.resolve("v1.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE gauntlet_schema_version (version INTEGER PRIMARY KEY, applied_at VARCHAR(40) NOT NULL, description VARCHAR(200) NOT NULL)");
      st.execute("INSERT INTO gauntlet_schema_version VALUES (1, 'then', 'runs, measurements, findings')");
      st.execute("CREATE TABLE gauntlet_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, suite_name VARCHAR(200) NOT NULL, suite_sha256 CHAR(64),"
          + " model_name VARCHAR(400), model_sha256 CHAR(64), baseline_sha256 CHAR(64), data_sha256 CHAR(64), engine VARCHAR(40) NOT NULL,"
          + " kind VARCHAR(16) NOT NULL, started_at VARCHAR(40) NOT NULL, verdict VARCHAR(16) NOT NULL, exit_code INTEGER NOT NULL,"
          + " harness_version VARCHAR(80) NOT NULL, promoted INTEGER NOT NULL DEFAULT 0, report_path VARCHAR(2000))");
      st.execute("CREATE TABLE gauntlet_measurements (run_id BIGINT NOT NULL, seq INTEGER NOT NULL, check_id VARCHAR(200) NOT NULL, role VARCHAR(16) NOT NULL,"
          + " metric VARCHAR(200) NOT NULL, subject VARCHAR(2000) NOT NULL, window_label VARCHAR(200), value DOUBLE PRECISION, lower_bound DOUBLE PRECISION,"
          + " upper_bound DOUBLE PRECISION, level DOUBLE PRECISION, method VARCHAR(40), n BIGINT NOT NULL, inconclusive VARCHAR(4000), PRIMARY KEY (run_id, seq))");
      st.execute("CREATE TABLE gauntlet_findings (run_id BIGINT NOT NULL, seq INTEGER NOT NULL, check_id VARCHAR(200) NOT NULL, condition_text VARCHAR(4000) NOT NULL,"
          + " metric VARCHAR(200), subject VARCHAR(2000), outcome VARCHAR(16) NOT NULL, blocks INTEGER NOT NULL, sentence VARCHAR(8000) NOT NULL,"
          + " value DOUBLE PRECISION, baseline_value DOUBLE PRECISION, PRIMARY KEY (run_id, seq))");
      st.execute("INSERT INTO gauntlet_runs (suite_name, engine, kind, started_at, verdict, exit_code, harness_version, promoted)"
          + " VALUES ('old', 'in-process', 'audit', '2025-01-01T00:00:00Z', 'PASSED', 0, '0.0.9', 1)");
    }
    try (HistoryStore s = HistoryStore.open("jdbc:sqlite:" + f)) {
      assertEquals(1, s.runs("old", 10).size());
      assertEquals(null, s.lastPromoted("old").orElseThrow().path(), "a run recorded before version 2 has no model path");
    }
  }

  @Test
  void aNewerSchemaIsRefused() throws Exception {
    HistoryStore.open(url()).close();
    try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
      st.execute("INSERT INTO gauntlet_schema_version VALUES (99, 'later', 'from the future')");
    }
    HistoryException e = assertThrows(HistoryException.class, () -> HistoryStore.open(url()));
    assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
  }
}

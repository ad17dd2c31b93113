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
  void aNewerSchemaIsRefused() throws Exception {
    HistoryStore.open(url()).close();
    try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
      st.execute("INSERT INTO gauntlet_schema_version VALUES (99, 'later', 'from the future')");
    }
    HistoryException e = assertThrows(HistoryException.class, () -> HistoryStore.open(url()));
    assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
  }
}

package dev.gauntlet.history;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.DriverManager;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract against a real PostgreSQL server, the one {@code .ci/run} starts and names in
 * {@code GAUNTLET_TEST_PG_URL}. Skipped, with the reason, only when no server is reachable.
 */
class PostgresStoreTest extends StoreContract {
  static final String URL = System.getenv("GAUNTLET_TEST_PG_URL");

  @BeforeAll
  static void serverIsReachable() {
    Assumptions.assumeTrue(URL != null && !URL.isBlank(),
        "GAUNTLET_TEST_PG_URL is not set: no PostgreSQL server for the history tests (.ci/run starts one); skipped");
    try (var c = DriverManager.getConnection(URL)) {
      Assumptions.assumeTrue(c.isValid(5), "PostgreSQL at " + JdbcHistoryStore.redact(URL) + " does not answer; skipped");
    } catch (java.sql.SQLException e) {
      Assumptions.abort("PostgreSQL at " + JdbcHistoryStore.redact(URL) + " cannot be reached (" + e.getMessage() + "); skipped");
    }
  }

  @Override
  String url() {
    return URL;
  }

  @Test
  void anUnreachableServerIsAClearError() {
    HistoryException e = assertThrows(HistoryException.class,
        () -> HistoryStore.open("jdbc:postgresql://127.0.0.1:1/none?user=x&password=secret&connectTimeout=2"));
    assertTrue(e.getMessage().contains("cannot be reached") && e.getMessage().contains("password=***") && !e.getMessage().contains("secret"),
        e.getMessage());
  }

  @Test
  void runnersOpeningAFreshDatabaseAtOnceMigrateItOnce() throws Exception {
    String schema = "gauntlet_t" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (var c = DriverManager.getConnection(URL); var st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    }
    String fresh = URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    try {
      StoreContract.openAtOnce(fresh, 4);
      try (var c = DriverManager.getConnection(fresh); var st = c.createStatement();
          var rs = st.executeQuery("SELECT COUNT(*) FROM gauntlet_schema_version")) {
        rs.next();
        org.junit.jupiter.api.Assertions.assertEquals(JdbcHistoryStore.SCHEMA_VERSION, rs.getInt(1));
      }
    } finally {
      try (var c = DriverManager.getConnection(URL); var st = c.createStatement()) {
        st.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }
}

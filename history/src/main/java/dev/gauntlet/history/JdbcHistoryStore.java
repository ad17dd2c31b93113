package dev.gauntlet.history;

import dev.gauntlet.harness.history.History;
import dev.gauntlet.harness.history.HistoryPoint;
import dev.gauntlet.harness.metric.Subject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The history store on JDBC: an SQLite file ({@code jdbc:sqlite:FILE}) or a PostgreSQL database
 * ({@code jdbc:postgresql://...}). One connection per operation, so an idle run holds no lock; one
 * transaction per recorded run. The tables are prefixed {@code gauntlet_} so a shared PostgreSQL
 * database can hold them beside others; {@code gauntlet_schema_version} lists the migrations applied.
 */
final class JdbcHistoryStore implements HistoryStore {
  /** How long SQLite waits for another writer's lock before the store gives up (exit 2). */
  static final long DEFAULT_BUSY_TIMEOUT_MILLIS = Long.getLong("gauntlet.history.busyTimeoutMillis", 5000L);

  /** The schema this code writes; a database with a newer one is refused. */
  static final int SCHEMA_VERSION = 2;

  enum Dialect { SQLITE, POSTGRESQL }

  /** Called after each row written in {@link #record}, with the number written so far (tests inject failures here). */
  interface RowHook {
    void afterRow(int rows) throws SQLException;
  }

  private final String url;
  private final Dialect dialect;
  private final long busyTimeoutMillis;
  RowHook hook = rows -> {};

  private JdbcHistoryStore(String url, Dialect dialect, long busyTimeoutMillis) {
    this.url = url;
    this.dialect = dialect;
    this.busyTimeoutMillis = busyTimeoutMillis;
  }

  static JdbcHistoryStore open(String url, long busyTimeoutMillis) {
    if (url == null || url.isBlank()) {
      throw new HistoryException("the history URL is empty; give jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB", null);
    }
    Dialect d;
    if (url.startsWith("jdbc:sqlite:")) {
      d = Dialect.SQLITE;
      String file = url.substring("jdbc:sqlite:".length());
      int q = file.indexOf('?');
      file = q >= 0 ? file.substring(0, q) : file;
      if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
        throw new HistoryException("history URL '" + url + "': give a file path (jdbc:sqlite:path/to/gauntlet-history.db); an in-memory database would forget every run", null);
      }
      Path parent = Path.of(file).toAbsolutePath().getParent();
      try {
        if (parent != null) {
          Files.createDirectories(parent);
        }
      } catch (java.io.IOException e) {
        throw new HistoryException("history database " + url + ": cannot create its folder " + parent + ": " + e.getMessage(), e);
      }
    } else if (url.startsWith("jdbc:postgresql:")) {
      d = Dialect.POSTGRESQL;
    } else {
      throw new HistoryException("history URL '" + redact(url) + "' is not supported; give jdbc:sqlite:FILE (the default) or jdbc:postgresql://HOST[:PORT]/DB", null);
    }
    JdbcHistoryStore s = new JdbcHistoryStore(url, d, busyTimeoutMillis);
    s.migrate();
    return s;
  }

  @Override
  public String describe() {
    return redact(url);
  }

  static String redact(String u) {
    return u.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  Connection connect() throws SQLException {
    Properties p = new Properties();
    if (dialect == Dialect.SQLITE) {
      p.setProperty("busy_timeout", Long.toString(busyTimeoutMillis));
      p.setProperty("foreign_keys", "true");
      // take the write lock when a transaction begins, so two runs writing at once queue (busy_timeout) instead of deadlocking
      p.setProperty("transaction_mode", "IMMEDIATE");
    } else if (!url.contains("connectTimeout=")) {
      p.setProperty("connectTimeout", "10");
    }
    return DriverManager.getConnection(url, p);
  }

  /** Wraps a database failure in a message that says what happened and what to do. */
  HistoryException fail(String doing, Exception e) {
    String m = String.valueOf(e.getMessage());
    String why;
    if (dialect == Dialect.SQLITE && (m.contains("SQLITE_BUSY") || m.contains("database is locked"))) {
      why = "the database file is locked by another process (still locked after " + busyTimeoutMillis
          + " ms); wait for the other run to finish, or give this run another file with --history";
    } else if (e instanceof SQLException se && se.getSQLState() != null && se.getSQLState().startsWith("08")) {
      why = "the database cannot be reached (" + m + "); check the host, port and that the server is running";
    } else if (dialect == Dialect.SQLITE && (m.contains("SQLITE_NOTADB") || m.contains("not a database"))) {
      why = "the file is not an SQLite database (" + m + ")";
    } else {
      why = m;
    }
    return new HistoryException("history database " + describe() + ": " + doing + " failed: " + why + ". Nothing was recorded.", e);
  }

  private void migrate() {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        if (dialect == Dialect.POSTGRESQL) {
          // CI runners sharing one database may open it at the same moment: one migrates, the others wait
          st.execute("SELECT pg_advisory_xact_lock(7243118)");
        }
        st.execute("CREATE TABLE IF NOT EXISTS gauntlet_schema_version (version INTEGER PRIMARY KEY, applied_at VARCHAR(40) NOT NULL, description VARCHAR(200) NOT NULL)");
        int have = 0;
        try (ResultSet rs = st.executeQuery("SELECT MAX(version) FROM gauntlet_schema_version")) {
          if (rs.next()) {
            have = rs.getInt(1);
          }
        }
        if (have > SCHEMA_VERSION) {
          c.rollback();
          throw new HistoryException("history database " + describe() + " has schema version " + have + ", newer than this Gauntlet knows ("
              + SCHEMA_VERSION + "); upgrade Gauntlet or give another database with --history", null);
        }
        List<List<String>> migrations = List.of(v1(), v2());
        String[] what = {"runs, measurements, findings", "runs.model_path (baseline: {from: history})"};
        for (int v = have + 1; v <= SCHEMA_VERSION; v++) {
          for (String ddl : migrations.get(v - 1)) {
            st.execute(ddl);
          }
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO gauntlet_schema_version (version, applied_at, description) VALUES (?, ?, ?)")) {
            ps.setInt(1, v);
            ps.setString(2, Instant.now().toString());
            ps.setString(3, what[v - 1]);
            ps.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollback(c);
        throw e;
      }
    } catch (SQLException e) {
      throw fail("opening", e);
    }
  }

  private List<String> v1() {
    String id = dialect == Dialect.SQLITE ? "id INTEGER PRIMARY KEY AUTOINCREMENT" : "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    return List.of(
        "CREATE TABLE gauntlet_runs (" + id + ", suite_name VARCHAR(200) NOT NULL, suite_sha256 CHAR(64), model_name VARCHAR(400),"
            + " model_sha256 CHAR(64), baseline_sha256 CHAR(64), data_sha256 CHAR(64), engine VARCHAR(40) NOT NULL, kind VARCHAR(16) NOT NULL,"
            + " started_at VARCHAR(40) NOT NULL, verdict VARCHAR(16) NOT NULL, exit_code INTEGER NOT NULL, harness_version VARCHAR(80) NOT NULL,"
            + " promoted INTEGER NOT NULL DEFAULT 0 CHECK (promoted IN (0, 1)), report_path VARCHAR(2000))",
        "CREATE INDEX gauntlet_runs_suite ON gauntlet_runs (suite_name, started_at)",
        "CREATE TABLE gauntlet_measurements (run_id BIGINT NOT NULL REFERENCES gauntlet_runs (id) ON DELETE CASCADE, seq INTEGER NOT NULL,"
            + " check_id VARCHAR(200) NOT NULL, role VARCHAR(16) NOT NULL, metric VARCHAR(200) NOT NULL, subject VARCHAR(2000) NOT NULL,"
            + " window_label VARCHAR(200), value DOUBLE PRECISION, lower_bound DOUBLE PRECISION, upper_bound DOUBLE PRECISION,"
            + " level DOUBLE PRECISION, method VARCHAR(40), n BIGINT NOT NULL, inconclusive VARCHAR(4000), PRIMARY KEY (run_id, seq))",
        "CREATE INDEX gauntlet_measurements_series ON gauntlet_measurements (check_id, metric)",
        "CREATE TABLE gauntlet_findings (run_id BIGINT NOT NULL REFERENCES gauntlet_runs (id) ON DELETE CASCADE, seq INTEGER NOT NULL,"
            + " check_id VARCHAR(200) NOT NULL, condition_text VARCHAR(4000) NOT NULL, metric VARCHAR(200), subject VARCHAR(2000),"
            + " outcome VARCHAR(16) NOT NULL, blocks INTEGER NOT NULL CHECK (blocks IN (0, 1)), sentence VARCHAR(8000) NOT NULL,"
            + " value DOUBLE PRECISION, baseline_value DOUBLE PRECISION, PRIMARY KEY (run_id, seq))");
  }

  /** Version 2: the candidate model's path, so {@code baseline: {from: history}} can load the promoted model. */
  private static List<String> v2() {
    return List.of("ALTER TABLE gauntlet_runs ADD COLUMN model_path VARCHAR(4000)");
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is closed next; the transaction dies with it
    }
  }

  @Override
  public RunRecord record(RunRecord r) {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try {
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO gauntlet_runs (suite_name, suite_sha256, model_name, model_sha256, model_path,"
            + " baseline_sha256, data_sha256, engine, kind, started_at, verdict, exit_code, harness_version, promoted, report_path)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
          int i = 1;
          ps.setString(i++, r.suiteName());
          ps.setString(i++, r.suiteSha256());
          ps.setString(i++, r.modelName());
          ps.setString(i++, r.modelSha256());
          ps.setString(i++, r.modelPath());
          ps.setString(i++, r.baselineSha256());
          ps.setString(i++, r.dataSha256());
          ps.setString(i++, r.engine());
          ps.setString(i++, r.kind());
          ps.setString(i++, r.startedAt());
          ps.setString(i++, r.verdict());
          ps.setInt(i++, r.exitCode());
          ps.setString(i++, r.harnessVersion());
          ps.setInt(i++, r.promoted() ? 1 : 0);
          ps.setString(i, r.reportPath());
          ps.executeUpdate();
          try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
              throw new SQLException("the database returned no id for the new run");
            }
            id = keys.getLong(1);
          }
        }
        int rows = insertAll(c, "INSERT INTO gauntlet_measurements (run_id, seq, check_id, role, metric, subject,"
            + " window_label, value, lower_bound, upper_bound, level, method, n, inconclusive) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            id, r.measurements(), 0, (ps, m) -> {
              int i = 3;
              ps.setString(i++, m.checkId());
              ps.setString(i++, m.role());
              ps.setString(i++, m.metric());
              ps.setString(i++, m.subject());
              ps.setString(i++, m.window());
              dbl(ps, i++, m.value());
              dbl(ps, i++, m.lower());
              dbl(ps, i++, m.upper());
              dbl(ps, i++, m.level());
              ps.setString(i++, m.method());
              ps.setLong(i++, m.n());
              ps.setString(i, m.inconclusive());
            });
        insertAll(c, "INSERT INTO gauntlet_findings (run_id, seq, check_id, condition_text, metric, subject,"
            + " outcome, blocks, sentence, value, baseline_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            id, r.findings(), rows, (ps, f) -> {
              int i = 3;
              ps.setString(i++, f.checkId());
              ps.setString(i++, f.condition());
              ps.setString(i++, f.metric());
              ps.setString(i++, f.subject());
              ps.setString(i++, f.outcome());
              ps.setInt(i++, f.blocks() ? 1 : 0);
              ps.setString(i++, f.sentence());
              dbl(ps, i++, f.value());
              dbl(ps, i, f.baseline());
            });
        c.commit();
        return r.withId(id, r.promoted());
      } catch (SQLException | RuntimeException e) {
        rollback(c);
        throw e;
      }
    } catch (SQLException e) {
      throw fail("recording the run", e);
    }
  }

  /** Binds one row's own columns, from parameter 3 on (1 and 2 are the run id and the row's sequence number). */
  private interface RowBinder<T> {
    void bind(PreparedStatement ps, T row) throws SQLException;
  }

  /**
   * Inserts the rows of one run in one batch, numbered from 0 in list order; {@code hook} sees the
   * running count across tables, starting after {@code before}. Returns the new count.
   */
  private <T> int insertAll(Connection c, String sql, long runId, List<T> rows, int before, RowBinder<T> binder) throws SQLException {
    int count = before;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int seq = 0;
      for (T row : rows) {
        ps.setLong(1, runId);
        ps.setInt(2, seq++);
        binder.bind(ps, row);
        ps.addBatch();
        hook.afterRow(++count);
      }
      if (!rows.isEmpty()) {
        ps.executeBatch();
      }
    }
    return count;
  }

  /** NaN is stored as NULL (SQLite has no NaN), and read back as NaN. */
  private static void dbl(PreparedStatement ps, int i, double v) throws SQLException {
    if (Double.isNaN(v)) {
      ps.setNull(i, Types.DOUBLE);
    } else {
      ps.setDouble(i, v);
    }
  }

  private static double dbl(ResultSet rs, String col) throws SQLException {
    double v = rs.getDouble(col);
    return rs.wasNull() ? Double.NaN : v;
  }

  private static final String RUN_COLUMNS = "id, suite_name, suite_sha256, model_name, model_sha256, model_path, baseline_sha256, data_sha256, engine, kind,"
      + " started_at, verdict, exit_code, harness_version, promoted, report_path";

  private static RunRecord runRow(ResultSet rs, List<RunRecord.MeasurementRow> ms, List<RunRecord.FindingRow> fs) throws SQLException {
    return new RunRecord(rs.getLong("id"), rs.getString("suite_name"), rs.getString("suite_sha256"), rs.getString("model_name"),
        rs.getString("model_sha256"), rs.getString("model_path"), rs.getString("baseline_sha256"), rs.getString("data_sha256"), rs.getString("engine"), rs.getString("kind"),
        rs.getString("started_at"), rs.getString("verdict"), rs.getInt("exit_code"), rs.getString("harness_version"), rs.getInt("promoted") == 1,
        rs.getString("report_path"), ms, fs);
  }

  @Override
  public List<RunRecord> runs(String suiteName, int limit) {
    String latest = "SELECT id FROM gauntlet_runs WHERE suite_name = ? ORDER BY started_at DESC, id DESC LIMIT ?";
    try (Connection c = connect()) {
      java.util.Map<Long, List<RunRecord.FindingRow>> findings = new java.util.HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM gauntlet_findings WHERE run_id IN (" + latest + ") ORDER BY run_id, seq")) {
        ps.setString(1, suiteName);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            findings.computeIfAbsent(rs.getLong("run_id"), k -> new ArrayList<>()).add(findingRow(rs));
          }
        }
      }
      List<RunRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM gauntlet_runs WHERE suite_name = ?"
          + " ORDER BY started_at DESC, id DESC LIMIT ?")) {
        ps.setString(1, suiteName);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(runRow(rs, List.of(), findings.getOrDefault(rs.getLong("id"), List.of())));
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw fail("reading the runs", e);
    }
  }

  @Override
  public RunRecord run(long id) {
    try (Connection c = connect()) {
      List<RunRecord.MeasurementRow> ms = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM gauntlet_measurements WHERE run_id = ? ORDER BY seq")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ms.add(new RunRecord.MeasurementRow(rs.getString("check_id"), rs.getString("role"), rs.getString("metric"), rs.getString("subject"),
                rs.getString("window_label"), dbl(rs, "value"), dbl(rs, "lower_bound"), dbl(rs, "upper_bound"), dbl(rs, "level"),
                rs.getString("method"), rs.getLong("n"), rs.getString("inconclusive")));
          }
        }
      }
      List<RunRecord.FindingRow> fs = findings(c, id);
      try (PreparedStatement ps = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM gauntlet_runs WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new HistoryException("history database " + describe() + " has no run #" + id + "; 'gauntlet history --suite FILE' lists the runs", null);
          }
          return runRow(rs, ms, fs);
        }
      }
    } catch (SQLException e) {
      throw fail("reading run #" + id, e);
    }
  }

  private static List<RunRecord.FindingRow> findings(Connection c, long id) throws SQLException {
    List<RunRecord.FindingRow> fs = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM gauntlet_findings WHERE run_id = ? ORDER BY seq")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          fs.add(findingRow(rs));
        }
      }
    }
    return fs;
  }

  private static RunRecord.FindingRow findingRow(ResultSet rs) throws SQLException {
    return new RunRecord.FindingRow(rs.getString("check_id"), rs.getString("condition_text"), rs.getString("metric"), rs.getString("subject"),
        rs.getString("outcome"), rs.getInt("blocks") == 1, rs.getString("sentence"), dbl(rs, "value"), dbl(rs, "baseline_value"));
  }

  @Override
  public History load(String suiteName, int limit) {
    try (Connection c = connect()) {
      Map<Long, Object[]> runs = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, started_at, model_sha256, verdict, promoted FROM gauntlet_runs WHERE suite_name = ?"
          + " AND (promoted = 1 OR id IN (SELECT id FROM gauntlet_runs WHERE suite_name = ? ORDER BY started_at DESC, id DESC LIMIT ?))")) {
        ps.setString(1, suiteName);
        ps.setString(2, suiteName);
        ps.setInt(3, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            runs.put(rs.getLong(1), new Object[] {rs.getString(2), rs.getString(3), "PASSED".equals(rs.getString(4)), rs.getInt(5) == 1});
          }
        }
      }
      List<HistoryPoint> points = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT m.run_id, m.check_id, m.metric, m.subject, m.value, m.inconclusive"
          + " FROM gauntlet_measurements m JOIN gauntlet_runs r ON r.id = m.run_id WHERE r.suite_name = ? AND m.role = 'candidate'")) {
        ps.setString(1, suiteName);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Object[] run = runs.get(rs.getLong(1));
            if (run == null) {
              continue;
            }
            Subject s;
            try {
              s = Subject.parse(rs.getString(4));
            } catch (IllegalArgumentException e) {
              continue; // a subject this version cannot read is not part of any series it judges
            }
            points.add(new HistoryPoint(rs.getLong(1), (String) run[0], (String) run[1], (Boolean) run[2], (Boolean) run[3], rs.getString(2),
                rs.getString(3), s, dbl(rs, "value"), rs.getString(6)));
          }
        }
      }
      return History.of(points);
    } catch (SQLException e) {
      throw fail("reading the history of suite '" + suiteName + "'", e);
    }
  }

  @Override
  public java.util.Optional<dev.gauntlet.harness.history.PromotedModels.Promoted> lastPromoted(String suiteName) {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT id, model_path, model_sha256 FROM gauntlet_runs"
        + " WHERE suite_name = ? AND promoted = 1 AND verdict = 'PASSED' ORDER BY started_at DESC, id DESC LIMIT 1")) {
      ps.setString(1, suiteName);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? java.util.Optional.of(new dev.gauntlet.harness.history.PromotedModels.Promoted(rs.getLong(1), rs.getString(2), rs.getString(3)))
            : java.util.Optional.empty();
      }
    } catch (SQLException e) {
      throw fail("reading the last promoted run of suite '" + suiteName + "'", e);
    }
  }

  @Override
  public RunRecord promote(String suiteName, long runId) {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try {
        String suite;
        String verdict;
        try (PreparedStatement ps = c.prepareStatement("SELECT suite_name, verdict FROM gauntlet_runs WHERE id = ?")) {
          ps.setLong(1, runId);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              throw new HistoryException("history database " + describe() + " has no run #" + runId
                  + "; 'gauntlet history --suite FILE' lists the runs", null);
            }
            suite = rs.getString(1);
            verdict = rs.getString(2);
          }
        }
        if (!suite.equals(suiteName)) {
          throw new HistoryException("run #" + runId + " is a run of suite '" + suite + "', not of '" + suiteName + "'", null);
        }
        if (!"PASSED".equals(verdict)) {
          throw new HistoryException("run #" + runId + " of suite '" + suiteName + "' " + verdict.toLowerCase(Locale.ROOT)
              + " its gate; only a PASSED run can be promoted", null);
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE gauntlet_runs SET promoted = 1 WHERE id = ?")) {
          ps.setLong(1, runId);
          ps.executeUpdate();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollback(c);
        throw e;
      }
    } catch (SQLException e) {
      throw fail("promoting run #" + runId, e);
    }
    return run(runId);
  }

  @Override
  public void close() {
    // one connection per operation: nothing stays open
  }
}

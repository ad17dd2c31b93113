package dev.gauntlet.parquet;

import dev.gauntlet.harness.UsageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** An in-memory DuckDB connection and SQL quoting; the only place that knows the library. */
final class Duck {
  private Duck() {}

  static Connection open() {
    try {
      Class.forName("org.duckdb.DuckDBDriver");
      java.util.Properties props = new java.util.Properties();
      props.setProperty("jdbc_stream_results", "true"); // a query's rows come as they are read, not materialised first
      Connection c = DriverManager.getConnection("jdbc:duckdb:", props);
      try (Statement s = c.createStatement()) {
        s.execute("SET threads TO 2");
        s.execute("SET autoinstall_known_extensions = false"); // never download anything
      }
      return c;
    } catch (ClassNotFoundException | SQLException e) {
      throw new IllegalStateException("cannot start the embedded DuckDB engine: " + e.getMessage(), e);
    }
  }

  static String str(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  static String ident(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  /** {@code read_parquet([...], hive_partitioning = ..., filename = true, file_row_number = true)}. */
  static String scan(List<Path> files, boolean hive) {
    StringBuilder b = new StringBuilder("read_parquet([");
    for (int i = 0; i < files.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(str(files.get(i).toAbsolutePath().toString()));
    }
    return b.append("], hive_partitioning = ").append(hive).append(", filename = true, file_row_number = true)").toString();
  }

  /** A DuckDB error as a usage error about {@code what}, without DuckDB's stack of context. */
  static UsageException usage(String what, SQLException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int nl = m.indexOf('\n');
    return new UsageException(what + ": " + (nl > 0 ? m.substring(0, nl) : m).strip(), e);
  }
}

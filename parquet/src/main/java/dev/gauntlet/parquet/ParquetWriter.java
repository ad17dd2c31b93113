package dev.gauntlet.parquet;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a CSV file as Parquet under a schema's types (numeric: DOUBLE; timestamp: DATE when every
 * value is a date, else TIMESTAMP; the rest: STRING), for fixtures and benchmarks. The CSV's cells
 * are converted by DuckDB's exact decimal parser, so the Parquet data reads back to the same doubles.
 */
public final class ParquetWriter {
  private ParquetWriter() {}

  /** Writes one Parquet file; written to a temporary name and moved into place. */
  public static void fromCsv(Path csv, Schema schema, Path out) {
    copy(csv, schema, out, List.of(), null, 0);
  }

  /**
   * Writes one Parquet file in row groups of about {@code rowGroupRows} rows (DuckDB rounds up to a
   * multiple of 2,048), for tests and benchmarks of reading row group by row group.
   */
  public static void fromCsv(Path csv, Schema schema, Path out, int rowGroupRows) {
    if (rowGroupRows < 1) {
      throw new IllegalArgumentException("row group rows must be at least 1, not " + rowGroupRows);
    }
    copy(csv, schema, out, List.of(), null, rowGroupRows);
  }

  /**
   * Writes a folder of Parquet files partitioned Hive-style by the year and month of the schema's
   * time column ({@code out/year=2023/month=1/data_0.parquet}); the keys are not stored in the files.
   */
  public static void partitionedByMonth(Path csv, Schema schema, Path out) {
    String time = schema.time().orElseThrow(() -> new IllegalArgumentException("schema has no time column")).name();
    String t = "CAST(" + Duck.ident(time) + " AS TIMESTAMP)";
    copy(csv, schema, out, List.of("year(" + t + ") AS \"year\"", "month(" + t + ") AS \"month\""), "\"year\", \"month\"", 0);
  }

  private static void copy(Path csv, Schema schema, Path out, List<String> extra, String partitionBy, int rowGroupRows) {
    List<String> cols = new ArrayList<>();
    StringBuilder missing = new StringBuilder();
    for (String m : schema.missing()) {
      missing.append(missing.length() == 0 ? "" : ", ").append(Duck.str(m));
    }
    for (ColumnSpec c : schema.columns()) {
      String id = Duck.ident(c.name());
      String v = missing.length() == 0 ? id : "(CASE WHEN trim(" + id + ") IN (" + missing + ") THEN NULL ELSE " + id + " END)"; // missing tokens -> NULL
      cols.add(switch (c.type()) {
        case NUMERIC -> "CAST(" + v + " AS DOUBLE) AS " + id;
        case TIMESTAMP -> "CAST(" + v + " AS " + (c.format() == null ? "TIMESTAMP" : "VARCHAR") + ") AS " + id;
        case TEXT -> id;
        default -> v + " AS " + id;
      });
    }
    try (Connection c = Duck.open(); Statement st = c.createStatement()) {
      String src = "read_csv(" + Duck.str(csv.toAbsolutePath().toString()) + ", header = true, all_varchar = true, delim = " + Duck.str(String.valueOf(schema.delimiter())) + ")";
      // a timestamp column whose values are all dates is written as DATE
      for (ColumnSpec spec : schema.columns()) {
        if (spec.type() == dev.gauntlet.harness.data.ColumnType.TIMESTAMP && spec.format() == null) {
          var rs = st.executeQuery("SELECT coalesce(bool_and(length(trim(" + Duck.ident(spec.name()) + ")) = 10 OR trim(" + Duck.ident(spec.name()) + ") = ''), true) FROM " + src);
          rs.next();
          if (rs.getBoolean(1)) {
            int i = schema.columns().indexOf(spec);
            cols.set(i, cols.get(i).replace(" AS TIMESTAMP)", " AS DATE)"));
          }
        }
      }
      List<String> all = new ArrayList<>(cols);
      all.addAll(extra);
      Path abs = out.toAbsolutePath();
      Files.createDirectories(abs.getParent());
      Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
      deleteTree(tmp);
      st.execute("COPY (SELECT " + String.join(", ", all) + " FROM " + src + ") TO " + Duck.str(tmp.toString())
          + " (FORMAT PARQUET" + (rowGroupRows > 0 ? ", ROW_GROUP_SIZE " + rowGroupRows : "") + (partitionBy == null ? "" : ", PARTITION_BY (" + partitionBy + ")") + ")");
      deleteTree(abs);
      Files.move(tmp, abs, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (SQLException e) {
      throw Duck.usage(csv + ": cannot write as Parquet", e);
    } catch (java.io.IOException e) {
      throw new UsageException(out + ": cannot write: " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path p) throws java.io.IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}

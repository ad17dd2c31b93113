package dev.gauntlet.bench.data;

import dev.gauntlet.fixtures.LendingData;
import dev.gauntlet.harness.data.DataSources;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Selection;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.parquet.ParquetWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Read speed of the Parquet reader against the CSV reader on the same generated rows (default 1M,
 * the demo's lending schema), whole and with a selection. Not JMH: one cold and three warm reads each.
 * <pre>
 * java -cp "suites/target/classes:$(cat suites/target/gauntlet.classpath):bench/target/classes" \
 *   dev.gauntlet.bench.data.ParquetReadSpeed [rows] [folder]
 * </pre>
 */
public final class ParquetReadSpeed {
  private ParquetReadSpeed() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("gauntlet-parquet-speed");
    Schema schema = LendingData.schema();
    Path csv = dir.resolve("lending.csv");
    Path pq = dir.resolve("lending.parquet");
    if (!Files.exists(pq)) {
      Files.writeString(csv, LendingData.toCsv(LendingData.generate(1, 0, 24, (rows + 23) / 24, "B")));
      ParquetWriter.fromCsv(csv, schema, pq);
    }
    System.out.printf("%d rows; CSV %.1f MB, Parquet %.1f MB%n", rows, Files.size(csv) / 1e6, Files.size(pq) / 1e6);
    Selection sel = Selection.of("income >= 40000 and region != 'west'", "2024-01", "2024-12", schema);
    for (int i = 0; i < 4; i++) {
      time("csv        ", () -> TableLoader.load(csv, schema));
      time("parquet    ", () -> DataSources.load(pq, "parquet", schema, ',', Selection.ALL));
      time("csv+sel    ", () -> TableLoader.load(csv, schema, ',', sel));
      time("parquet+sel", () -> DataSources.load(pq, "parquet", schema, ',', sel));
    }
  }

  private static void time(String what, java.util.function.Supplier<Table> read) {
    long t0 = System.nanoTime();
    Table t = read.get();
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%s %8d rows in %6.2f s = %,10.0f rows/s%n", what, t.rowCount(), s, t.rowCount() / s);
  }
}

package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.data.DataSource;
import dev.gauntlet.harness.data.DataSources;
import dev.gauntlet.harness.data.RowChunks;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Selection;
import dev.gauntlet.harness.data.StratifiedSample;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rows as Spark reads them ({@link SparkData}): the seeded stratified sample drawn on the
 * executors is the in-process streamed sample (the in-process {@link StratifiedSample#draw} over the
 * harness's own readers is the independent reference: same rows, same order, same file lines, same
 * provenance), for a CSV file split 1, 3 and 7 ways, with and without a selection, and for a
 * Hive-partitioned folder of Parquet files; the few kept rows collected are the in-process table.
 */
class SparkDataTest {

  static void assertSameTable(Table expected, Table actual, String where) {
    assertEquals(expected.rowCount(), actual.rowCount(), where + ": rows");
    for (Column c : expected.columns()) {
      Column d = actual.column(c.name());
      String w = where + ", column " + c.name();
      if (c instanceof Column.Numeric x) {
        double[] a = x.values();
        double[] b = ((Column.Numeric) d).values();
        for (int i = 0; i < a.length; i++) {
          assertEquals(Double.doubleToLongBits(a[i]), Double.doubleToLongBits(b[i]), w + ", row " + i);
        }
      } else if (c instanceof Column.Categorical x) {
        assertArrayEquals(x.codes(), ((Column.Categorical) d).codes(), w);
        assertEquals(x.levels(), ((Column.Categorical) d).levels(), w);
      } else if (c instanceof Column.Timestamp x) {
        assertArrayEquals(x.epochSeconds(), ((Column.Timestamp) d).epochSeconds(), w);
      } else {
        assertArrayEquals(((Column.Text) c).values(), ((Column.Text) d).values(), w);
      }
    }
    if (expected.origin() == null) {
      assertNull(actual.origin(), where + ": no file lines");
    } else {
      assertNotNull(actual.origin(), where + ": file lines");
      assertArrayEquals(expected.origin().lines(), actual.origin().lines(), where + ": file lines");
      assertEquals(expected.origin().file(), actual.origin().file(), where);
      assertEquals(expected.origin().columns(), actual.origin().columns(), where);
    }
  }

  @Test
  void csvSampleDrawnOnExecutorsIsTheInProcessStreamedSample(@TempDir Path dir) throws Exception {
    SparkEngineEqualityTest.synthetic(dir);
    Schema schema = SchemaLoader.load(dir.resolve("schema.yaml"));
    Path csv = dir.resolve("data.csv");
    SparkSession spark = Sessions.shared();
    Selection some = Selection.of("region != 'west' and income > 30000", null, null, schema);
    record Case(Selection sel, int k) {}
    for (Case c : List.of(new Case(Selection.ALL, 1), new Case(Selection.ALL, 7), new Case(some, 3))) {
      Selection sel = c.sel();
      Table local = StratifiedSample.draw(TableLoader.chunks(csv, schema, ',', sel, 1000), 500, 7);
      assertEquals(500, local.rowCount());
      {
        int k = c.k();
        String where = (sel.isAll() ? "every row" : "a selection") + ", " + k + " partitions";
        try (SparkData d = SparkData.open(spark, csv.toString(), null, schema, sel, k)) {
          assertEquals(k, d.partitionCount(), where);
          assertEquals(local.source().sample().ofRows(), d.rows(), where);
          Table t = d.sample(500, 7);
          assertSameTable(local, t, where);
          assertEquals(local.source(), t.source(), where + ": path, SHA-256, size, notes, selection and how the sample was drawn");
          assertNull(d.sample((int) d.rows(), 7), "no sample when every kept row fits");
        }
      }
    }
    // The few kept rows collected: the in-process whole table, file lines and provenance included.
    Selection few = Selection.of("income > 95000", null, null, schema);
    Table whole = TableLoader.load(csv, schema, ',', few);
    try (SparkData d = SparkData.open(spark, csv.toString(), null, schema, few, 3)) {
      Table t = d.collect();
      assertSameTable(whole, t, "collected");
      assertEquals(whole.source(), t.source());
    }
  }

  /** A quoted field across lines: the file is read by one task through the harness's CSV reader, lines still exact. */
  @Test
  void multiLineCsvKeepsItsFileLines(@TempDir Path dir) throws Exception {
    SparkEngineEqualityTest.synthetic(dir);
    Schema schema = SchemaLoader.load(dir.resolve("schema.yaml"));
    List<String> lines = Files.readAllLines(dir.resolve("data.csv"));
    StringBuilder b = new StringBuilder(lines.get(0)).append('\n');
    for (int i = 1; i < lines.size(); i++) {
      String l = lines.get(i);
      b.append(i % 97 == 0 ? "\"" + l.substring(0, l.indexOf(',')) + "\nsecond line\"" + l.substring(l.indexOf(',')) : l).append('\n');
    }
    Path csv = dir.resolve("multi.csv");
    Files.writeString(csv, b);
    Table local = StratifiedSample.draw(TableLoader.chunks(csv, schema, ',', Selection.ALL, 1000), 300, 11);
    try (SparkData d = SparkData.open(Sessions.shared(), csv.toString(), null, schema, Selection.ALL, 3)) {
      assertTrue(!d.splittable(), "a quoted field spans lines");
      Table t = d.sample(300, 11);
      assertSameTable(local, t, "multi-line CSV");
      assertEquals(local.source(), t.source());
    }
  }

  @Test
  void parquetFolderSampleIsTheInProcessSample(@TempDir Path dir) throws Exception {
    SparkEngineEqualityTest.synthetic(dir);
    Schema schema = SchemaLoader.load(dir.resolve("schema.yaml"));
    SparkSession spark = Sessions.shared();
    Path folder = dir.resolve("hive");
    spark.read().option("header", "true").option("inferSchema", "true").csv(dir.resolve("data.csv").toString())
        .repartition(3).write().partitionBy("sex").parquet(folder.toString());
    Table whole = DataSources.load(folder, "parquet", schema, ',', Selection.ALL);
    // The in-process Parquet reader gives the whole table; as chunks of 700 rows it is the streamed source StratifiedSample.draw reads.
    RowChunks chunks = new RowChunks() {
      @Override
      public Schema schema() {
        return schema;
      }

      @Override
      public int chunkRows() {
        return 700;
      }

      @Override
      public DataSource scan(Consumer<Table> sink) {
        for (int at = 0; at < whole.rowCount(); at += 700) {
          sink.accept(whole.select(java.util.stream.IntStream.range(at, Math.min(whole.rowCount(), at + 700)).toArray()));
        }
        return whole.source();
      }
    };
    Table local = StratifiedSample.draw(chunks, 400, 3);
    for (int k : new int[] {5}) {
      try (SparkData d = SparkData.open(spark, folder.toString(), null, schema, Selection.ALL, k)) {
        Table t = d.sample(400, 3);
        assertSameTable(local, t, "Parquet, " + k + " partitions");
        assertEquals(local.source(), t.source(), "Parquet provenance");
      }
    }
  }
}

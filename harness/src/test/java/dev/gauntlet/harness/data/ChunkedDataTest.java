package dev.gauntlet.harness.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.model.PrecomputedModel;
import dev.gauntlet.harness.performance.PerformanceCheck;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import dev.gauntlet.harness.summary.InProcessEngine;
import dev.gauntlet.harness.summary.SortedCounts;
import dev.gauntlet.harness.summary.Summarizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streamed data path: chunks validated like the whole table, summaries equal bit for bit, one chunk at a time. */
class ChunkedDataTest {
  static final String SCHEMA = """
      name: t
      columns:
        - {name: id, type: text, role: id}
        - {name: x, type: numeric, role: feature, range: [0, 100]}
        - {name: g, type: categorical, roles: [feature, protected], categories: [a, b, c]}
        - {name: score, type: numeric, role: score, range: [0, 1]}
        - {name: y, type: binary, role: label, categories: ["no", "yes"], positive: "yes"}
      """;
  static final int N = 1000;

  @TempDir
  Path dir;

  Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("s.yaml", SCHEMA));
  }

  /** N rows; g = c is rare (about 10%); x has repeated values. */
  Path csv(String badLine) throws Exception {
    SplittableRandom r = new SplittableRandom(7);
    StringBuilder sb = new StringBuilder("id,x,g,score,y\n");
    for (int i = 0; i < N; i++) {
      double u = r.nextDouble();
      String g = u < 0.6 ? "a" : u < 0.9 ? "b" : "c";
      double score = r.nextDouble();
      sb.append(i == 499 && badLine != null ? badLine : "r" + i + "," + r.nextInt(50) / 2.0 + "," + g + ","
          + String.format(Locale.ROOT, "%.6f", score) + "," + (r.nextDouble() < score ? "yes" : "no")).append('\n');
    }
    Path f = dir.resolve("d.csv");
    Files.writeString(f, sb.toString());
    return f;
  }

  static final Summarizer<SortedCounts> X = part -> SortedCounts.of(part.data().numeric("x"), part.data().labels(), 2, part.from(), part.to());

  /** A RowChunks that records the size of every chunk it hands over and how many are alive in the sink at once. */
  static final class Counting implements RowChunks {
    final RowChunks inner;
    final List<Integer> sizes = new ArrayList<>();
    int inSink;
    int maxInSink;

    Counting(RowChunks inner) {
      this.inner = inner;
    }

    @Override
    public Schema schema() {
      return inner.schema();
    }

    @Override
    public int chunkRows() {
      return inner.chunkRows();
    }

    @Override
    public DataSource scan(Consumer<Table> sink) {
      return inner.scan(t -> {
        sizes.add(t.rowCount());
        maxInSink = Math.max(maxInSink, ++inSink);
        sink.accept(t);
        inSink--;
      });
    }
  }

  @Test
  void summaryOfTinyChunksEqualsTheWholeTableBitForBit() throws Exception {
    Path f = csv(null);
    Table whole = TableLoader.load(f, schema());
    byte[] expected = InProcessEngine.defaults().summarize(whole, null, X).bytes();
    for (int chunk : new int[] {1, 7, 999, 1000, 5000}) {
      Counting c = new Counting(TableLoader.chunks(f, schema(), ',', Selection.ALL, chunk));
      SortedCounts s = InProcessEngine.defaults().summarize(c, null, X);
      assertArrayEquals(expected, s.bytes(), "chunks of " + chunk);
      assertEquals((N + chunk - 1) / chunk, c.sizes.size(), "chunks of " + chunk);
      assertTrue(c.sizes.stream().allMatch(n -> n <= chunk), "a chunk above " + chunk + " rows: " + c.sizes);
      assertEquals(N, c.sizes.stream().mapToInt(Integer::intValue).sum());
      assertEquals(1, c.maxInSink);
    }
  }

  @Test
  void chunksKeepTheSelectionAndTheSourceIdentity() throws Exception {
    Path f = csv(null);
    Selection sel = Selection.of("g != 'a' and x >= 5", null, null, schema());
    Table whole = TableLoader.load(f, schema(), ',', sel);
    RowChunks chunks = TableLoader.chunks(f, schema(), ',', sel, 13);
    List<Table> parts = new ArrayList<>();
    DataSource src = chunks.scan(parts::add);
    assertEquals(whole.source(), src);
    Table joined = Table.concat(schema(), parts, src);
    assertArrayEquals(whole.numeric("x"), joined.numeric("x"));
    assertArrayEquals(whole.labels(), joined.labels());
    assertEquals(whole.errorAt(whole.rowCount() - 1, "x", "m").getMessage(), joined.errorAt(joined.rowCount() - 1, "x", "m").getMessage());
  }

  @Test
  void aBadCellInALaterChunkIsTheSameErrorAtTheSameFileLineColumn() throws Exception {
    Path f = csv("r499,7,d,0.5,yes");
    String whole = assertThrows(UsageException.class, () -> TableLoader.load(f, schema())).getMessage();
    String streamed = assertThrows(UsageException.class,
        () -> TableLoader.chunks(f, schema(), ',', Selection.ALL, 10).scan(t -> {})).getMessage();
    assertEquals(whole, streamed);
    assertTrue(streamed.contains(":501:3"), streamed); // header is line 1, row 499 (0-based) is line 501, g is column 3
  }

  @Test
  void performanceOnStreamedRowsSeesEveryRowAndEqualsTheWholeTable() throws Exception {
    Path f = csv(null);
    Table whole = TableLoader.load(f, schema());
    Counting chunks = new Counting(TableLoader.chunks(f, schema(), ',', Selection.ALL, 64));
    Table sample = StratifiedSample.draw(chunks, 100, 42);
    assertEquals(100, sample.rowCount());
    PrecomputedModel m = PrecomputedModel.ofScores("m", "score", 0.5, true);
    Suite held = Suite.builder("held").model(m).data(whole)
        .check(CheckSpec.of("perf", new PerformanceCheck(), MetricCondition.atLeast("accuracy", 0.1))).build();
    Suite streamed = held.streamed(sample, chunks);
    chunks.sizes.clear();
    SuiteResult a = new SuiteRunner(null, null, null).run(held);
    SuiteResult b = new SuiteRunner(null, null, null).run(streamed);
    List<Measurement> ma = a.checks().get(0).measurements();
    List<Measurement> mb = b.checks().get(0).measurements();
    assertEquals(ma, mb);
    assertEquals(N, mb.get(0).n(), "the streamed check must count every row, not the sample's 100");
    assertTrue(chunks.sizes.stream().allMatch(n -> n <= 64), "the streamed check was handed a chunk above 64 rows: " + chunks.sizes);
    assertEquals(1, chunks.maxInSink);
  }

  @Test
  void stratifiedSampleKeepsEachStratumsShareToWithinOneRow() throws Exception {
    Path f = csv(null);
    Table whole = TableLoader.load(f, schema());
    RowChunks chunks = TableLoader.chunks(f, schema(), ',', Selection.ALL, 37);
    assertNull(StratifiedSample.draw(chunks, N, 1), "at most size rows: every row, read whole as before");
    Table s = StratifiedSample.draw(chunks, 200, 1);
    assertNotNull(s.source().sample());
    assertEquals(200, s.source().sample().rows());
    assertEquals(N, s.source().sample().ofRows());
    assertEquals(List.of("y", "g"), s.source().sample().strata());
    // strata y x g counted by hand in the whole table and in the sample
    long[] all = new long[6];
    long[] got = new long[6];
    for (int i = 0; i < N; i++) {
      all[whole.labels()[i] * 3 + whole.categorical("g").codes()[i]]++;
    }
    for (int i = 0; i < s.rowCount(); i++) {
      got[s.labels()[i] * 3 + s.categorical("g").codes()[i]]++;
    }
    for (int h = 0; h < 6; h++) {
      assertTrue(Math.abs(got[h] - 200.0 * all[h] / N) < 1, "stratum " + h + ": " + got[h] + " of " + all[h]);
    }
    // source order, distinct rows, and the same sample from the same seed
    String[] ids = ((Column.Text) s.column("id")).values();
    for (int i = 1; i < ids.length; i++) {
      assertTrue(Integer.parseInt(ids[i].substring(1)) > Integer.parseInt(ids[i - 1].substring(1)));
    }
    assertArrayEquals(ids, ((Column.Text) StratifiedSample.draw(chunks, 200, 1).column("id")).values());
    assertTrue(!java.util.Arrays.equals(ids, ((Column.Text) StratifiedSample.draw(chunks, 200, 2).column("id")).values()));
  }
}

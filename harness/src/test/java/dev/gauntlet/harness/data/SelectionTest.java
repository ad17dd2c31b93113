package dev.gauntlet.harness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The where grammar (precedence, null tests, in-lists, errors with positions), time formats and ranges, and the CSV reader's selection. */
class SelectionTest {
  static final Schema SCHEMA = SchemaLoader.parse(ConfigNode.parse("s.yaml", """
      name: s
      missing: ['', NA]
      columns:
        - {name: t, type: timestamp, role: time}
        - {name: x, type: numeric, role: feature}
        - {name: c, type: categorical, role: feature, categories: [a, b, O]}
        - {name: note, type: text, role: ignore}
      """));

  static boolean keep(String where, Object t, Object x, Object c) {
    Selection s = Selection.of(where, null, null, SCHEMA);
    Object[] v = new Object[s.columns().size()];
    for (int i = 0; i < v.length; i++) {
      String n = s.columns().get(i).name();
      v[i] = n.equals("t") ? t : n.equals("x") ? x : c;
    }
    return s.keep(v);
  }

  @Test
  void andBindsTighterThanOrAndNotTighterThanAnd() {
    assertEquals("((x = 1.0 and c = 'a') or c = 'b')".replace("1.0", "1"), RowFilter.parse("x = 1 and c = 'a' or c = 'b'").toString());
    assertEquals("(x = 1 or (c = 'a' and c = 'b'))", RowFilter.parse("x = 1 or c = 'a' and c = 'b'").toString());
    assertEquals("(not x = 1 and c = 'a')", RowFilter.parse("not x = 1 and c = 'a'").toString());
    assertEquals("not (x = 1 and c = 'a')", RowFilter.parse("NOT (x = 1 AND c = 'a')").toString());
    assertTrue(keep("x = 1 and c = 'a' or c = 'b'", null, 2.0, "b"));
    assertFalse(keep("x = 1 and (c = 'a' or c = 'b')", null, 2.0, "b"));
  }

  @Test
  void comparisonsInListsAndNullTestsUseThreeValuedLogic() {
    assertTrue(keep("x >= -30 and x <= 30", null, -30.0, "a"));
    assertFalse(keep("x >= -30 and x <= 30", null, 30.5, "a"));
    assertFalse(keep("x >= -30", null, null, "a"), "a comparison with a missing value is unknown: not kept");
    assertFalse(keep("not (x >= -30)", null, null, "a"), "not unknown is unknown");
    assertTrue(keep("x is null or x > 0", null, null, "a"), "true or unknown is true");
    assertFalse(keep("x is not null", null, null, "a"));
    assertTrue(keep("c in ('a', 'b')", null, 1.0, "b"));
    assertFalse(keep("c not in ('a', 'b')", null, 1.0, "b"));
    assertFalse(keep("c not in ('a', 'b')", null, 1.0, null), "not in with a missing value is unknown");
    assertTrue(keep("c != 'O'", null, 1.0, "a"));
    assertTrue(keep("t >= '2013-01-01' and t < '2014-01-01'", 1_356_998_400L, 1.0, "a")); // 2013-01-01T00:00Z
    assertFalse(keep("t < '2013'", 1_356_998_400L, 1.0, "a"));
  }

  @Test
  void errorsNameTheOffsetInTheExpression() {
    FilterException e = assertThrows(FilterException.class, () -> RowFilter.parse("x >= 1 and c >= "));
    assertEquals(16, e.offset());
    assertEquals("col 17 of the where expression: expected a value after '>=', found the end of the expression", e.describe());
    assertEquals(2, assertThrows(FilterException.class, () -> RowFilter.parse("x == 1")).offset());
    assertEquals(10, assertThrows(FilterException.class, () -> RowFilter.parse("c in ('a' 'b')")).offset());
    assertEquals(0, assertThrows(FilterException.class, () -> RowFilter.parse("'a' = c")).offset());
    assertEquals(4, assertThrows(FilterException.class, () -> RowFilter.parse("c = 'a")).offset());
    assertEquals(6, assertThrows(FilterException.class, () -> RowFilter.parse("(x = 1")).offset());
    assertEquals(5, assertThrows(FilterException.class, () -> RowFilter.parse("x = 1) or")).offset());
    assertThrows(FilterException.class, () -> RowFilter.parse(""));
    assertThrows(FilterException.class, () -> RowFilter.parse("x is nul"));
  }

  @Test
  void unknownColumnsAndTypeErrorsAreRefusedWhenBound() {
    FilterException u = assertThrows(FilterException.class, () -> Selection.of("x > 1 and cc = 'a'", null, null, SCHEMA));
    assertEquals(10, u.offset());
    assertTrue(u.getMessage().contains("unknown column 'cc'. Did you mean 'c'?"), u.getMessage());
    FilterException t = assertThrows(FilterException.class, () -> Selection.of("c != -1", null, null, SCHEMA));
    assertEquals(5, t.offset());
    assertTrue(t.getMessage().contains("categorical but is compared with the number -1"), t.getMessage());
    assertTrue(assertThrows(FilterException.class, () -> Selection.of("x = 'a'", null, null, SCHEMA)).getMessage().contains("numeric"));
    assertTrue(assertThrows(FilterException.class, () -> Selection.of("c < 'a'", null, null, SCHEMA)).getMessage().contains("only be compared with ="));
    assertTrue(assertThrows(FilterException.class, () -> Selection.of("t > 'soon'", null, null, SCHEMA)).getMessage().contains("not a time"));
  }

  @Test
  void timeFormatsYearYearMonthAndEpochs() {
    assertEquals(852_076_800L, TimeFormat.of("yyyy").parse("1997")); // 1997-01-01T00:00Z
    assertEquals(1_709_251_200L, TimeFormat.of("yyyy-MM").parse("2024-03")); // 2024-03-01T00:00Z
    assertEquals(1_709_251_200L, TimeFormat.of("epoch-seconds").parse("1709251200"));
    assertEquals(1_709_251_200L, TimeFormat.of("epoch-millis").parse("1709251200999"));
    // to is inclusive of its whole period
    assertEquals(1_388_534_400L, TimeFormat.of(null).bound("2013", true)); // 2014-01-01
    assertEquals(1_388_534_400L, TimeFormat.of(null).bound("2013-12-31", true));
    assertEquals(1_385_856_000L, TimeFormat.of(null).bound("2013-12", false));
  }

  @Test
  void aYearColumnLoadsAndTheMessageSaysWhatWasExpected(@TempDir Path dir) throws Exception {
    Schema s = SchemaLoader.parse(ConfigNode.parse("y.yaml", """
        name: y
        columns:
          - {name: year, type: timestamp, role: time, format: yyyy}
          - {name: x, type: numeric, role: feature}
        """));
    Path csv = dir.resolve("y.csv");
    Files.writeString(csv, "year,x\n1997,1\n2024,2\n");
    assertEquals(852_076_800L, TableLoader.load(csv, s).timestamps("year")[0]);
    Files.writeString(csv, "year,x\n1997,1\n97,2\n");
    UsageException e = assertThrows(UsageException.class, () -> TableLoader.load(csv, s));
    assertTrue(e.getMessage().endsWith("y.csv:3:1: column 'year' holds '97', which is not a time of the form 'yyyy'"), e.getMessage());
  }

  @Test
  void csvSelectionSkipsExcludedRowsButReadsTheirFilterColumns(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("d.csv");
    // row 3 is excluded (c = O) and has an unknown category and a missing time: not validated
    Files.writeString(csv, "t,x,c,note\n2013-01-05,1,a,\n2013-02-01,2,O,\n,3,zzz,\n2014-03-01,4,b,\n");
    Selection sel = Selection.of("c != 'O' and c != 'zzz'", "2013", "2013", SCHEMA);
    Table t = TableLoader.load(csv, SCHEMA, ',', sel);
    assertEquals(1, t.rowCount());
    assertEquals(1.0, t.numeric("x")[0]);
    assertEquals(new Selection.Summary("c != 'O' and c != 'zzz'", "2013", "2013", "t", "2013-01-01T00:00:00Z", "2014-01-01T00:00:00Z", 1, 4),
        t.source().selection());
    // a filter column must be readable even in excluded rows
    Files.writeString(csv, "t,x,c,note\n2013-01-05,1,a,\n2013-02-01,oops,O,\n");
    UsageException e = assertThrows(UsageException.class, () -> TableLoader.load(csv, SCHEMA, ',', Selection.of("x > 0", null, null, SCHEMA)));
    assertTrue(e.getMessage().contains("d.csv:3:2: column 'x', read by the selection"), e.getMessage());
    UsageException none = assertThrows(UsageException.class, () -> TableLoader.load(csv, SCHEMA, ',', Selection.of("c = 'b'", null, null, SCHEMA)));
    assertTrue(none.getMessage().contains("kept 0 of 2 rows"), none.getMessage());
    assertEquals(List.of("c", "x"), RowFilter.parse("c = 'a' or (x > 1 and c = 'b')").columns());
  }

  /** A kept row's cells in the columns the selection read are parsed once, and still meet the schema's range, integer and time rules. */
  @Test
  void aKeptRowsSelectedCellsStillMeetTheSchema(@TempDir Path dir) throws Exception {
    Schema s = SchemaLoader.parse(ConfigNode.parse("r.yaml", """
        name: r
        columns:
          - {name: t, type: timestamp, role: time}
          - {name: x, type: numeric, role: feature, range: [0, 5], integer: true}
        """));
    Path csv = dir.resolve("r.csv");
    Selection sel = Selection.of("x >= 1", "2013", "2013", s);
    Files.writeString(csv, "t,x\n2013-01-05, 2 \n2013-01-01,0\n2014-01-01,3\n2013-12-31,4\n");
    Table t = TableLoader.load(csv, s, ',', sel);
    assertEquals(List.of(2.0, 4.0), java.util.Arrays.stream(t.numeric("x")).boxed().toList());
    assertEquals(List.of(1_357_344_000L, 1_388_448_000L), java.util.Arrays.stream(t.timestamps("t")).boxed().toList()); // 2013-01-05, 2013-12-31
    Files.writeString(csv, "t,x\n2013-01-05,2\n2013-01-06,7\n");
    UsageException range = assertThrows(UsageException.class, () -> TableLoader.load(csv, s, ',', sel));
    assertTrue(range.getMessage().endsWith("r.csv:3:2: column 'x' holds 7, outside its declared range [0.0, 5.0]; widen the range in the schema or fix the row"),
        range.getMessage());
    Files.writeString(csv, "t,x\n2013-01-05,2.5\n");
    UsageException integer = assertThrows(UsageException.class, () -> TableLoader.load(csv, s, ',', sel));
    assertTrue(integer.getMessage().endsWith("r.csv:2:2: column 'x' is declared integer but holds 2.5"), integer.getMessage());
  }
}

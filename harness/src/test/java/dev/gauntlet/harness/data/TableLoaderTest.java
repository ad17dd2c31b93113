package dev.gauntlet.harness.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableLoaderTest {
  static final String SCHEMA = """
      name: t
      columns:
        - {name: id, type: text, role: id}
        - {name: day, type: timestamp, role: time}
        - {name: x, type: numeric, role: feature, range: [0, 10]}
        - {name: colour, type: categorical, roles: [feature, protected], categories: [red, "<b>blue</b>"]}
        - {name: y, type: binary, role: label, categories: ["no", "yes"], positive: "yes"}
      """;

  @TempDir
  Path dir;

  Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("s.yaml", SCHEMA));
  }

  Table load(String csv) throws Exception {
    Path f = dir.resolve("d.csv");
    Files.writeString(f, csv);
    return TableLoader.load(f, schema());
  }

  String error(String csv) {
    return assertThrows(UsageException.class, () -> load(csv)).getMessage();
  }

  @Test
  void loadsTypedColumnsInSchemaOrderIgnoringExtraColumns() throws Exception {
    Table t = load("extra,y,x,colour,day,id\n1,yes,2.5,\"<b>blue</b>\",2024-02-29,a\n9,no,0,red,2024-03-01,\"b,c\"\n");
    assertEquals(2, t.rowCount());
    assertArrayEquals(new double[] {2.5, 0}, t.numeric("x"));
    assertArrayEquals(new int[] {1, 0}, t.categorical("colour").codes());
    assertArrayEquals(new int[] {1, 0}, t.labels());
    assertEquals(LocalDate.of(2024, 2, 29).atStartOfDay().toEpochSecond(ZoneOffset.UTC), t.timestamps("day")[0]);
    assertEquals("b,c", t.rowLabel(1));
    assertEquals(64, t.source().sha256().length());
  }

  @Test
  void raggedRowNamesFileAndLine() {
    String m = error("id,day,x,colour,y\na,2024-01-01,1,red,no\nb,2024-01-01,1,red\n");
    assertTrue(m.matches(".*d\\.csv:3: row has 4 fields but the header has 5.*"), m);
  }

  @Test
  void missingColumnNamesTheColumnAndTheHeader() {
    String m = error("id,day,colour,y\na,2024-01-01,red,no\n");
    assertTrue(m.contains(":1: the schema names column 'x' but the header lacks it"), m);
  }

  @Test
  void nonNumericValueNamesLineAndColumn() {
    String m = error("id,day,x,colour,y\na,2024-01-01,1,red,no\nb,2024-01-01,abc,red,no\n");
    assertTrue(m.contains("d.csv:3:3: column 'x' is numeric but holds 'abc'"), m);
  }

  @Test
  void nanAndInfinityAreRejected() {
    assertTrue(error("id,day,x,colour,y\na,2024-01-01,NaN,red,no\n").contains("d.csv:2:3: column 'x' holds NaN"));
    assertTrue(error("id,day,x,colour,y\na,2024-01-01,Infinity,red,no\n").contains("not allowed"));
  }

  @Test
  void labelOutsideTheClassesIsRejected() {
    String m = error("id,day,x,colour,y\na,2024-01-01,1,red,maybe\n");
    assertTrue(m.contains("d.csv:2:5: column 'y' has value 'maybe', which is not one of the declared classes [no, yes]"), m);
  }

  @Test
  void outOfRangeAndMissingAndBadDatesAreRejected() {
    assertTrue(error("id,day,x,colour,y\na,2024-01-01,11,red,no\n").contains("outside its declared range"));
    assertTrue(error("id,day,x,colour,y\na,2024-01-01,,red,no\n").contains("missing value"));
    assertTrue(error("id,day,x,colour,y\na,01/02/2024,1,red,no\n").contains("not a date"));
  }

  @Test
  void emptyFilesAndHeaderOnlyFilesAreRejected() {
    assertTrue(error("").contains("empty"));
    assertTrue(error("id,day,x,colour,y\n").contains("no data rows"));
  }

  @Test
  void missingFileIsAUsageError() {
    UsageException e = assertThrows(UsageException.class, () -> TableLoader.load(dir.resolve("nope.csv"), schema()));
    assertTrue(e.getMessage().contains("nope.csv: data file not found"), e.getMessage());
  }

  @Test
  void duplicateHeadersAreResolvedDeliberately() throws Exception {
    Schema s = SchemaLoader.parse(ConfigNode.parse("s.yaml", """
        columns:
          - {name: score, type: numeric, role: score}
          - {name: "score#2", type: numeric, role: ignore}
        """));
    Path same = dir.resolve("same.csv");
    Files.writeString(same, "score,other,score\n3,x,3\n4,y,4\n");
    Table t = TableLoader.load(same, s);
    assertArrayEquals(new double[] {3, 4}, t.numeric("score"));
    assertTrue(t.source().notes().get(0).contains("appears 2 times"));
    Path differ = dir.resolve("differ.csv");
    Files.writeString(differ, "score,other,score\n3,x,3\n4,y,5\n");
    String m = assertThrows(UsageException.class, () -> TableLoader.load(differ, s)).getMessage();
    assertTrue(m.contains("differ.csv:3:1") && m.contains("score#2"), m);
  }

  @Test
  void delimiterComesFromTheSchemaOrTheCaller() throws Exception {
    Path f = dir.resolve("semi.csv");
    Files.writeString(f, "id;day;x;colour;y\na;2024-01-01;1,5;red;no\n");
    String m = assertThrows(UsageException.class, () -> TableLoader.load(f, schema(), ';')).getMessage();
    assertTrue(m.contains("'1,5'"), m);
    Files.writeString(f, "id;day;x;colour;y\na;2024-01-01;1.5;red;no\n");
    assertEquals(1.5, TableLoader.load(f, schema(), ';').numeric("x")[0]);
    assertEquals(List.of("id", "day", "x", "colour", "y"), schema().columns().stream().map(ColumnSpec::name).toList());
  }

  // ---- issue 11 §2: strict numbers, role ignore ----------------------------------------------

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"0x1p4", "0x10", "1d", "1f", "1D", "2L", "1_0", ".5e", "1e", "+", "1.2.3", "٣"})
  void numbersThatJavaWouldTakeButAreNotDecimalsAreRejected(String cell) {
    String m = error("id,day,x,colour,y\na,2024-01-01,1,red,no\nb,2024-01-01," + cell + ",red,no\n");
    assertTrue(m.startsWith(dir.resolve("d.csv") + ":3:3: column 'x' is numeric but holds '" + cell + "'; expected a decimal number such as 42, -0.5 or 1e-3"), m);
  }

  @Test
  void nanSpelledAnyWayIsRejectedAsNan() {
    for (String cell : new String[] {"NaN", "-Infinity", "+Infinity", "nan", "inf", ".nan"}) {
      String m = error("id,day,x,colour,y\na,2024-01-01," + cell + ",red,no\n");
      assertTrue(m.contains("d.csv:2:3: column 'x' holds " + cell + "; NaN and infinite values are not allowed"), m);
    }
    assertTrue(error("id,day,x,colour,y\na,2024-01-01,1e999,red,no\n").contains("d.csv:2:3: column 'x' holds 1e999, which is too large"));
  }

  @Test
  void validDecimalFormsStillLoad() throws Exception {
    Table t = load("id,day,x,colour,y\na,2024-01-01,1e-3,red,no\nb,2024-01-01, 4.5 ,red,no\nc,2024-01-01,+7,red,no\nd,2024-01-01,.5,red,no\ne,2024-01-01,1.,red,no\nf,2024-01-01,-0,red,no\n");
    assertArrayEquals(new double[] {1e-3, 4.5, 7, 0.5, 1.0, -0.0}, t.numeric("x"));
  }

  static final String IGNORING_X = SCHEMA.replace("{name: x, type: numeric, role: feature, range: [0, 10]}", "{name: x, type: numeric, role: ignore, range: [0, 10]}");

  @Test
  void theAdviceToMarkAColumnIgnoreIsTrue() throws Exception {
    Path f = dir.resolve("d.csv");
    // a missing value, a non-number, a hex float, NaN and an out-of-range value in x
    Files.writeString(f, "id,day,x,colour,y\na,2024-01-01,,red,no\nb,2024-01-01,lots,red,no\nc,2024-01-01,0x1p4,red,yes\nd,2024-01-01,NaN,red,no\ne,2024-01-01,99,red,no\n");
    String m = assertThrows(UsageException.class, () -> TableLoader.load(f, schema())).getMessage();
    assertTrue(m.contains("d.csv:2:3: column 'x' has a missing value ('')") && m.contains("or mark the column as role ignore"), m);
    Files.writeString(f, "id,day,x,colour,y\nb,2024-01-01,lots,red,no\n");
    m = assertThrows(UsageException.class, () -> TableLoader.load(f, schema())).getMessage();
    assertTrue(m.contains("d.csv:2:3:") && m.contains("or mark the column as role ignore"), m);
    // following the advice: the same file loads, x is carried as the text the file holds
    Files.writeString(f, "id,day,x,colour,y\na,2024-01-01,,red,no\nb,2024-01-01,lots,red,no\nc,2024-01-01,0x1p4,red,yes\nd,2024-01-01,NaN,red,no\ne,2024-01-01,99,red,no\n");
    Schema ignoring = SchemaLoader.parse(ConfigNode.parse("s.yaml", IGNORING_X));
    Table t = TableLoader.load(f, ignoring);
    assertEquals(5, t.rowCount());
    assertArrayEquals(new String[] {"", "lots", "0x1p4", "NaN", "99"}, ((Column.Text) t.column("x")).values());
    assertArrayEquals(new int[] {0, 0, 1, 0, 0}, t.labels());
  }

  @Test
  void ignoredColumnsOfEveryTypeAreNotValidated() throws Exception {
    Schema s = SchemaLoader.parse(ConfigNode.parse("s.yaml", """
        columns:
          - {name: n, type: numeric, role: ignore, range: [0, 1], integer: true}
          - {name: c, type: categorical, role: ignore, categories: [a]}
          - {name: t, type: timestamp, role: ignore}
          - {name: y, type: binary, role: label, categories: ["no", "yes"]}
        """));
    Table t = TableLoader.fromRows(s, new String[] {"n", "c", "t", "y"}, List.<String[]>of(new String[] {"junk", "zzz", "31/02/2024", "yes"}), "rows");
    assertEquals("junk", t.column("n").format(0));
    String m = assertThrows(UsageException.class, () -> t.numeric("n")).getMessage();
    assertTrue(m.contains("column 'n' has role ignore, so it is carried as text and never parsed"), m);
    assertThrows(UsageException.class, () -> t.categorical("c"));
    assertThrows(UsageException.class, () -> t.timestamps("t"));
  }

  @Test
  void rowsKeepTheirLineForLaterMessagesEvenInASubset() throws Exception {
    Table t = load("id,day,x,colour,y\na,2024-01-01,1,red,no\n\n\"b\nb\",2024-01-01,2,red,no\nc,2024-01-01,3,red,no\n");
    assertTrue(t.errorAt(1, "x", "bad").getMessage().endsWith("d.csv:4:3: bad"), t.errorAt(1, "x", "bad").getMessage());
    Table sub = t.select(new int[] {2, 0});
    assertTrue(sub.errorAt(0, "colour", "bad").getMessage().endsWith("d.csv:6:4: bad"), sub.errorAt(0, "colour", "bad").getMessage());
  }
}

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
}

package dev.gauntlet.harness.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4180 cases, each written out by hand. */
class CsvReaderTest {

  static List<String[]> read(String text, char delimiter) {
    CsvReader r = new CsvReader(new StringReader(text), delimiter, "t.csv");
    List<String[]> out = new ArrayList<>();
    String[] rec;
    while ((rec = r.next()) != null) {
      out.add(rec);
    }
    return out;
  }

  @Test
  void quotedFieldsKeepDelimitersQuotesAndLineBreaks() {
    List<String[]> rows = read("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n1,,3\n", ',');
    assertEquals(3, rows.size());
    assertArrayEquals(new String[] {"a", "b", "c"}, rows.get(0));
    assertArrayEquals(new String[] {"x, y", "say \"hi\"", "two\nlines"}, rows.get(1));
    assertArrayEquals(new String[] {"1", "", "3"}, rows.get(2));
  }

  @Test
  void recordLineCountsLineBreaksInsideQuotes() {
    CsvReader r = new CsvReader(new StringReader("h\n\"a\nb\nc\"\nlast\n"), ',', "t.csv");
    r.next();
    assertEquals(1, r.recordLine());
    r.next();
    assertEquals(2, r.recordLine());
    assertArrayEquals(new String[] {"last"}, r.next());
    assertEquals(5, r.recordLine());
    assertNull(r.next());
  }

  @Test
  void otherDelimitersAndNoFinalNewline() {
    List<String[]> rows = read("a;b\n\"1;2\";3", ';');
    assertArrayEquals(new String[] {"1;2", "3"}, rows.get(1));
    assertArrayEquals(new String[] {"x", "y"}, read("x\ty", '\t').get(0));
  }

  @Test
  void unclosedQuoteIsAnErrorAtTheLineItOpened() {
    UsageException e = assertThrows(UsageException.class, () -> read("a,b\n1,\"open\n2,3\n", ','));
    assertTrue(e.getMessage().startsWith("t.csv:2"), e.getMessage());
    assertTrue(e.getMessage().contains("never closed"), e.getMessage());
  }

  @Test
  void textAfterAClosingQuoteIsAnError() {
    UsageException e = assertThrows(UsageException.class, () -> read("a,b\n\"x\"y,2\n", ','));
    assertTrue(e.getMessage().startsWith("t.csv:2:1"), e.getMessage());
  }

  @Test
  void quoteOnlyWhenNeeded() {
    assertEquals("plain", CsvReader.quote("plain", ','));
    assertEquals("\"a,b\"", CsvReader.quote("a,b", ','));
    assertEquals("\"say \"\"x\"\"\"", CsvReader.quote("say \"x\"", ','));
  }
}

package dev.gauntlet.harness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.SuiteLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** where/from/to in a suite: errors at the YAML node's file:line:column with the offset in the expression; provenance of the selection. */
class SuiteSelectionTest {
  @TempDir Path dir;

  Path suite(String dataExtra) throws Exception {
    Files.writeString(dir.resolve("s.schema.yaml"), """
        name: s
        columns:
          - {name: day, type: timestamp, role: time}
          - {name: score, type: numeric, role: score, range: [0, 1]}
          - {name: grp, type: categorical, role: protected, categories: [a, b]}
          - {name: y, type: binary, role: label, categories: ['0', '1']}
        """);
    StringBuilder csv = new StringBuilder("day,score,grp,y\n");
    for (int i = 0; i < 40; i++) {
      csv.append(i < 20 ? "2013-0" : "2014-0").append(1 + i % 9).append("-15,").append((i % 10) / 10.0).append(',')
          .append(i % 2 == 0 ? "a" : "b").append(',').append(i % 3 == 0 ? 1 : 0).append('\n');
    }
    Files.writeString(dir.resolve("d.csv"), csv);
    Path s = dir.resolve("suite.yaml");
    Files.writeString(s, """
        name: sel
        model: {type: precomputed, score: score, threshold: 0.5, probability: true}
        data:
          path: d.csv
          schema: s.schema.yaml
        %s
        checks:
          - {id: perf, type: performance, params: {minRows: 5}, conditions: [{metric: accuracy, atLeast: 0.1}]}
        """.formatted(dataExtra));
    return s;
  }

  UsageException fails(String extra) throws Exception {
    Path s = suite(extra);
    return assertThrows(UsageException.class, () -> new SuiteLoader().load(s, OptionalLong.empty(), null));
  }

  @Test
  void whereErrorsAreAtTheNodeWithTheOffset() throws Exception {
    UsageException e = fails("  where: \"score >= 0.5 and grp >= \"");
    assertTrue(e.getMessage().endsWith("suite.yaml:6:10: 'data.where': col 25 of the where expression: expected a value after '>=', found the end of the expression"), e.getMessage());
    UsageException u = fails("  where: \"gpr = 'a'\"");
    assertTrue(u.getMessage().contains("suite.yaml:6:10: 'data.where': col 1 of the where expression: unknown column 'gpr'. Did you mean 'grp'?"), u.getMessage());
    UsageException t = fails("  where: \"grp = 1\"");
    assertTrue(t.getMessage().contains("col 7 of the where expression: column 'grp' is categorical but is compared with the number 1"), t.getMessage());
    UsageException f = fails("  from: 2013-13");
    assertTrue(f.getMessage().contains("suite.yaml:6:9: 'data.from': '2013-13' is not a"), f.getMessage());
    UsageException r = fails("  from: 2014\n  to: 2013");
    assertTrue(r.getMessage().contains("suite.yaml:7:7: 'data.to': the range from 2014 to 2013 is empty"), r.getMessage());
    UsageException k = fails("  format: orc");
    assertTrue(k.getMessage().contains("suite.yaml:6:11: 'data.format': unknown data format 'orc'; known formats: csv"), k.getMessage());
  }

  @Test
  void referenceIsASecondSelectionOfTheSameFile() throws Exception {
    Path s = suite("""
          where: "grp = 'a'"
          from: 2014
        reference:
          path: d.csv
          to: 2013-12""");
    var suite = new SuiteLoader().load(s, OptionalLong.empty(), null);
    assertEquals(10, suite.data().rowCount());
    assertEquals(20, suite.reference().rowCount());
    assertEquals("selection where grp = 'a'; day from 2014 to the end ([2014-01-01T00:00:00Z, +inf)): kept 10 of 40 rows",
        suite.data().source().selection().describe());
    assertEquals("csv", suite.data().source().format());
  }
}

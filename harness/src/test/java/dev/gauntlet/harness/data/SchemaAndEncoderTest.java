package dev.gauntlet.harness.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.ConfigNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaAndEncoderTest {

  static Schema parse(String yaml) {
    return SchemaLoader.parse(ConfigNode.parse("s.yaml", yaml));
  }

  static String error(String yaml) {
    return assertThrows(UsageException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void malformedYamlNamesLineAndColumn() {
    String m = error("columns:\n  - {name: a, type: numeric\n  - b\n");
    assertTrue(m.startsWith("s.yaml:"), m);
    assertTrue(m.contains("malformed YAML"), m);
  }

  @Test
  void unknownKeysAndValuesAreNamedWithTheirPlace() {
    String m = error("columns:\n  - {name: a, type: numeric, role: feature, rnage: [0, 1]}\n");
    assertTrue(m.contains("s.yaml:2:5") && m.contains("unknown key 'rnage'"), m);
    m = error("columns:\n  - {name: a, type: numbers, role: feature}\n");
    assertTrue(m.contains("unknown value 'numbers'; expected one of numeric, categorical, binary, timestamp, text"), m);
    m = error("columns:\n  - {name: s, type: binary, role: feature, categories: [a, b, c]}\n");
    assertTrue(m.contains("exactly 2 categories"), m);
    m = error("columns:\n  - {name: a, type: numeric, role: feature, range: [5, 1]}\n");
    assertTrue(m.contains("range min 5.0 is above max 1.0"), m);
    m = error("columns:\n  - {name: a, type: numeric, role: feature, encoding: minmax}\n");
    assertTrue(m.contains("needs min and max"), m);
  }

  @Test
  void encoderFollowsDeclaredEncodingsAndBounds() {
    Schema s = parse("""
        columns:
          - {name: inc, type: numeric, role: feature, range: [0, 100], encoding: {scale: standard, mean: 50, std: 25}}
          - {name: age, type: numeric, role: feature, range: [20, 60], integer: true, mutable: false, encoding: minmax}
          - {name: sex, type: binary, roles: [feature, protected], categories: [F, M]}
          - {name: reg, type: categorical, role: feature, categories: [n, s, e]}
          - {name: y, type: binary, role: label, categories: ["0", "1"]}
        """);
    Table t = TableLoader.fromRows(s, new String[] {"inc", "age", "sex", "reg", "y"},
        List.of(new String[] {"75", "30", "M", "e", "1"}, new String[] {"0", "60", "F", "n", "0"}), "rows");
    Encoder e = new Encoder(s);
    assertEquals(List.of("inc", "age", "sex", "reg=n", "reg=s", "reg=e"), e.names());
    double[][] x = e.encode(t);
    assertArrayEquals(new double[] {1.0, 0.25, 1, 0, 0, 1}, x[0], 1e-12);
    assertArrayEquals(new double[] {-2.0, 1.0, 0, 1, 0, 0}, x[1], 1e-12);
    Encoder.Dim inc = e.dims().get(0);
    assertEquals(-2.0, inc.lower(), 1e-12);
    assertEquals(2.0, inc.upper(), 1e-12);
    Encoder.Dim age = e.dims().get(1);
    assertFalse(age.mutable());
    assertEquals(1.0 / 40, age.step(), 1e-12);
    assertFalse(e.dims().get(2).mutable(), "protected features are immutable unless the schema says otherwise");
    assertEquals(e.dims().get(3).group(), e.dims().get(5).group());
    assertEquals("75", e.decode(x[0], s.column("inc")));
    assertEquals("e", e.decode(x[0], s.column("reg")));
    assertEquals("F", e.decode(x[1], s.column("sex")));
  }

  @Test
  void anIgnoredColumnCannotAlsoBeUsed() {
    String m = error("columns:\n  - {name: a, type: numeric, roles: [feature, ignore]}\n");
    assertTrue(m.startsWith("s.yaml:2:37: 'columns[0].roles': column 'a' has role ignore and also [feature]"), m);
  }
}

package dev.gauntlet.harness.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.StrictNumbers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 11 §2: YAML that could be read two ways is refused, with the file, line and column. */
class ConfigNodeStrictTest {

  @TempDir
  Path dir;

  static String error(String yaml) {
    return assertThrows(UsageException.class, () -> ConfigNode.parse("s.yaml", yaml)).getMessage();
  }

  static ConfigNode value(String scalar) {
    return ConfigNode.parse("s.yaml", "v: " + scalar + "\n").get("v");
  }

  // ---- duplicate keys ------------------------------------------------------------------------

  @Test
  void duplicateTopLevelKeyNamesBothLines() {
    String m = error("name: a\nchecks: []\nseed: 1\nchecks: []\n");
    assertEquals("s.yaml:4:1: key 'checks' appears twice: line 2 column 1 and line 4 column 1;"
        + " a mapping takes each key once (YAML does not say which one wins): remove one", m);
  }

  @Test
  void duplicateKeyInAFlowMappingNamesBothColumnsAndThePath() {
    String m = error("gate: {failOnWarn: true, failOnWarn: false}\n");
    assertTrue(m.startsWith("s.yaml:1:26: 'gate': key 'failOnWarn' appears twice: line 1 column 8 and line 1 column 26"), m);
  }

  @Test
  void duplicateKeysDeepInsideListsAreFound() {
    String m = error("""
        checks:
          - id: a
            type: performance
            conditions: []
            type: fairness.slices
            conditions: []
        """);
    assertTrue(m.startsWith("s.yaml:5:5: 'checks[0]': key 'type' appears twice: line 3 column 5 and line 5 column 5"), m);
    m = error("columns:\n  - {name: x, type: numeric, role: feature, range: [0, 1], range: [0, 2]}\n");
    assertTrue(m.contains("s.yaml:2:60: 'columns[0]': key 'range' appears twice: line 2 column 45 and line 2 column 60"), m);
  }

  @Test
  void quotedAndPlainSpellingsOfAKeyAreTheSameKey() {
    String m = error("a: 1\n\"a\": 2\n");
    assertTrue(m.contains("key 'a' appears twice: line 1 column 1 and line 2 column 1"), m);
  }

  @Test
  void schemaLoaderSeesDuplicatesToo() {
    String m = assertThrows(UsageException.class, () -> dev.gauntlet.harness.data.SchemaLoader.parse(ConfigNode.parse("s.yaml",
        "columns:\n  - name: x\n    type: numeric\n    role: feature\n    type: text\n"))).getMessage();
    assertTrue(m.startsWith("s.yaml:5:5:") && m.contains("key 'type' appears twice: line 3 column 5 and line 5 column 5"), m);
  }

  // ---- merge keys, aliases, size ---------------------------------------------------------------

  @Test
  void mergeKeysAreRefused() {
    String m = error("base: &b {failOnWarn: true}\ngate:\n  <<: *b\n  failOnWarn: false\n");
    // the alias of a mapping is met first, at line 3
    assertTrue(m.startsWith("s.yaml:3:7: alias '*b' repeats a mapping or list (anchor '&b' at line 1 column 7)"), m);
    m = error("gate:\n  <<: {failOnWarn: true}\n  failOnWarn: false\n");
    assertTrue(m.startsWith("s.yaml:2:3: 'gate': YAML merge keys ('<<:') are not supported"), m);
  }

  @Test
  void aliasesOfCollectionsAreRefusedAtTheAlias() {
    String laughs = """
        a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        """;
    String m = error(laughs);
    assertTrue(m.startsWith("s.yaml:2:8: alias '*a' repeats a mapping or list (anchor '&a' at line 1 column 4)"), m);
  }

  @Test
  void aliasesOfSingleValuesStillWork() {
    ConfigNode n = ConfigNode.parse("s.yaml", "a: &t 0.25\nb: *t\n");
    assertEquals(0.25, n.get("b").asDouble());
  }

  @Test
  void oversizedYamlIsRefusedBeforeParsing() throws Exception {
    Path big = dir.resolve("big.yaml");
    byte[] bytes = new byte[ConfigNode.MAX_YAML_BYTES + 1];
    java.util.Arrays.fill(bytes, (byte) '#');
    Files.write(big, bytes);
    String m = assertThrows(UsageException.class, () -> ConfigNode.load(big)).getMessage();
    assertTrue(m.startsWith(big + ": the YAML file is larger than 4 MiB"), m);
    m = assertThrows(UsageException.class, () -> ConfigNode.readText(big, "suite file")).getMessage();
    assertTrue(m.contains("the suite file is larger than 4 MiB"), m);
    Path ok = dir.resolve("ok.yaml");
    Files.writeString(ok, "a: 1\n" + "#".repeat(1000) + "\n");
    assertEquals(1, ConfigNode.load(ok).integer("a", 0));
  }

  // ---- numbers -------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"0x10", "0x1p4", "1d", "1f", "1D", "1L", ".5e", "1e", "1_000", "0o17", "'1 '", "\" 2\"", "1..2", "--1", "+", ".", "e5", "١"})
  void nonDecimalNumbersAreRefusedWithThePlace(String text) {
    UsageException e = assertThrows(UsageException.class, () -> value(text).asDouble());
    assertTrue(e.getMessage().startsWith("s.yaml:1:4: 'v': expected a decimal number such as 42, -0.5 or 1e-3, found '"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", ".nan", ".NaN", "Infinity", "-Infinity", ".inf", "-.inf", "+.inf"})
  void nanAndInfinityAreRefused(String text) {
    UsageException e = assertThrows(UsageException.class, () -> value(text).asDouble());
    assertTrue(e.getMessage().startsWith("s.yaml:1:4: 'v': expected a finite number, found '"), e.getMessage());
    assertTrue(e.getMessage().contains("NaN and infinity are not allowed"), e.getMessage());
  }

  @Test
  void overflowingNumberIsRefused() {
    String m = assertThrows(UsageException.class, () -> value("1e400").asDouble()).getMessage();
    assertTrue(m.startsWith("s.yaml:1:4: 'v': number '1e400' is too large"), m);
  }

  @Test
  void validDecimalFormsStillLoad() {
    assertEquals(1e-3, value("1e-3").asDouble());
    assertEquals(-0.5, value("-0.5").asDouble());
    assertEquals(42, value("42").asDouble());
    assertEquals(1.0, value("1.0").asDouble());
    assertEquals(0.5, value(".5").asDouble());
    assertEquals(1.0, value("1.").asDouble());
    assertEquals(250, value("+2.5E2").asDouble());
    assertEquals(0.5, value("\"0.5\"").asDouble(), "a quoted decimal is the same number");
    assertArrayEquals(new double[] {0.02, 0.05, 1e-1}, ConfigNode.parse("s.yaml", "e: [0.02, 0.05, 1e-1]\n").doubles("e"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x10", "1e3", "42.0", "1_000", "1L", "4 2", "'42 '", "0o17", "١٢"})
  void wholeNumbersAreDecimalDigitsOnly(String text) {
    UsageException e = assertThrows(UsageException.class, () -> value(text).asLong());
    assertTrue(e.getMessage().startsWith("s.yaml:1:4: 'v': expected a whole number such as 42, found '"), e.getMessage());
    assertThrows(UsageException.class, () -> value(text).asInt());
  }

  @Test
  void wholeNumbersStillLoadAndOverflowIsNamed() {
    assertEquals(42, value("42").asInt());
    assertEquals(-7, value("-7").asLong());
    assertEquals(3, value("+3").asLong());
    String m = assertThrows(UsageException.class, () -> value("99999999999999999999").asLong()).getMessage();
    assertTrue(m.startsWith("s.yaml:1:4: 'v': number 99999999999999999999 is out of range"), m);
  }

  @Test
  void scannerAgreesWithTheGrammar() {
    for (String ok : new String[] {"0", "-0", "+0", "007", "1.5", "1.", ".5", "1e5", "1E+5", "1e-05", "-.5e3"}) {
      assertTrue(StrictNumbers.isDecimal(ok), ok);
    }
    for (String bad : new String[] {"", " 1", "1 ", "0x1p4", "1d", "1f", "NaN", "Infinity", ".", "-", "1e", "1e+", "1.2.3", "1,5", "1_0"}) {
      assertFalse(StrictNumbers.isDecimal(bad), bad);
    }
  }

  // ---- booleans ------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"yes", "no", "on", "off", "y", "n", "Yes", "TRUE", "True", "1", "0", "'true '"})
  void onlyTrueAndFalseAreBooleans(String text) {
    UsageException e = assertThrows(UsageException.class, () -> value(text).asBoolean());
    assertTrue(e.getMessage().startsWith("s.yaml:1:4: 'v': expected true or false, found '"), e.getMessage());
    assertTrue(e.getMessage().contains("YAML 1.2: yes, no, on and off are not booleans here"), e.getMessage());
  }

  @Test
  void trueAndFalseStillLoad() {
    assertTrue(value("true").asBoolean());
    assertFalse(value("false").asBoolean());
    assertTrue(ConfigNode.parse("s.yaml", "gate: {failOnWarn: true}\n").get("gate").bool("failOnWarn", false));
  }
}

package dev.gauntlet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.run.Suite;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code xgboost} model type against the predictions Debian's python3-xgboost (1.7.4) wrote for
 * the same files ({@code fixtures/scripts/train_xgboost_fixture.py} -> {@code fixtures/xgboost/}):
 * binary:logistic, multi:softprob and reg:squarederror, each saved as JSON and as UBJSON.
 */
class XgboostModelTest {

  static Path dir() {
    Path d = Path.of(System.getProperty("gauntlet.fixtures", "../fixtures/onnx")).resolveSibling("xgboost");
    assumeTrue(Files.isDirectory(d), d + " (the committed XGBoost fixture) is absent; skipping");
    return d;
  }

  private static JsonNode expected(String stem) throws IOException {
    return new ObjectMapper().readTree(dir().resolve("expected.json").toFile()).path("models").path(stem);
  }

  private static double[][] matrix(JsonNode a) {
    double[][] m = new double[a.size()][];
    for (int i = 0; i < a.size(); i++) {
      m[i] = new double[a.get(i).size()];
      for (int j = 0; j < m[i].length; j++) {
        m[i][j] = a.get(i).get(j).asDouble();
      }
    }
    return m;
  }

  @Test
  void binaryLogisticMatchesPythonXgboostInJsonAndUbjson() throws IOException {
    JsonNode e = expected("lending-xgb");
    double[][] x = matrix(e.path("inputs"));
    for (String ext : new String[] {".json", ".ubj"}) {
      XgboostModel m = XgboostModel.load(dir().resolve("lending-xgb" + ext), "lending", OptionalInt.of(9));
      assertEquals("binary:logistic", m.objective());
      assertEquals(2, m.classCount());
      double[][] p = m.predict(x);
      for (int i = 0; i < x.length; i++) {
        double q = e.path("predictions").get(i).asDouble();
        assertEquals(q, p[i][1], 1e-6, ext + " row " + i);
        assertEquals(1 - q, p[i][0], 1e-6, ext + " row " + i);
      }
    }
  }

  @Test
  void multiSoftprobMatchesPythonXgboost() throws IOException {
    JsonNode e = expected("three-class");
    double[][] x = matrix(e.path("inputs"));
    double[][] want = matrix(e.path("predictions"));
    for (String ext : new String[] {".json", ".ubj"}) {
      XgboostModel m = XgboostModel.load(dir().resolve("three-class" + ext), "three", OptionalInt.of(4));
      assertEquals(3, m.classCount());
      double[][] p = m.predict(x);
      for (int i = 0; i < x.length; i++) {
        for (int k = 0; k < 3; k++) {
          assertEquals(want[i][k], p[i][k], 1e-6, ext + " row " + i + " class " + k);
        }
      }
    }
  }

  @Test
  void regressionMatchesPythonXgboost() throws IOException {
    JsonNode e = expected("regression");
    double[][] x = matrix(e.path("inputs"));
    for (String ext : new String[] {".json", ".ubj"}) {
      XgboostModel m = XgboostModel.load(dir().resolve("regression" + ext), "reg", OptionalInt.of(4));
      assertEquals("reg:squarederror", m.objective());
      assertFalse(m.classifier());
      double[] v = m.predictValues(x);
      for (int i = 0; i < x.length; i++) {
        assertEquals(e.path("predictions").get(i).asDouble(), v[i], 1e-6, ext + " row " + i);
      }
      UnsupportedOperationException no = assertThrows(UnsupportedOperationException.class, () -> m.predict(x));
      assertTrue(no.getMessage().contains("regression model (objective reg:squarederror"), no.getMessage());
    }
  }

  @Test
  void theMonotoneMonthlyRegressionMatchesPythonXgboost() throws IOException {
    JsonNode e = expected("monthly");
    double[][] x = matrix(e.path("inputs"));
    assertEquals(10, x.length, "8 rows of the first month, one of month 13 and the last row");
    for (String ext : new String[] {".json", ".ubj"}) {
      XgboostModel m = XgboostModel.load(dir().resolve("monthly" + ext), "monthly", OptionalInt.of(4));
      assertEquals("reg:squarederror", m.objective());
      double[] v = m.predictValues(x);
      for (int i = 0; i < x.length; i++) {
        assertEquals(e.path("predictions").get(i).asDouble(), v[i], 1e-6, ext + " row " + i);
      }
    }
  }

  @Test
  void treesHaveNoGradientAndSaySo() {
    XgboostModel m = XgboostModel.load(dir().resolve("lending-xgb.json"), "lending", OptionalInt.of(9));
    assertEquals(java.util.Set.of(Capability.PREDICT), m.capabilities());
    assertTrue(m.gradients().isEmpty());
    assertTrue(m.missingReason(Capability.LOSS_GRADIENT).orElseThrow().contains("no useful gradient"));
    assertTrue(m.artifact().orElseThrow().sha256().length() == 64);
  }

  private static String refused(Path f, int width) {
    UsageException ex = assertThrows(UsageException.class, () -> XgboostModel.load(f, "m", OptionalInt.of(width)));
    assertTrue(ex.getMessage().startsWith(f.toString()), "names the file: " + ex.getMessage());
    return ex.getMessage();
  }

  @Test
  void corruptFilesAreRefusedNamingTheFile(@TempDir Path tmp) throws IOException {
    byte[] json = Files.readAllBytes(dir().resolve("lending-xgb.json"));
    byte[] ubj = Files.readAllBytes(dir().resolve("lending-xgb.ubj"));
    Path empty = Files.write(tmp.resolve("empty.json"), new byte[0]);
    assertTrue(refused(empty, 9).contains("is empty"));
    Path halfJson = Files.write(tmp.resolve("half.json"), Arrays.copyOf(json, json.length / 2));
    String m = refused(halfJson, 9);
    assertTrue(m.contains("not a readable XGBoost JSON model") && m.contains("line 1, column"), m);
    Path halfUbj = Files.write(tmp.resolve("half.ubj"), Arrays.copyOf(ubj, ubj.length / 2));
    assertTrue(refused(halfUbj, 9).contains("XGBoost cannot load this UBJSON model"));
    byte[] flipped = ubj.clone();
    Arrays.fill(flipped, 1000, 1100, (byte) 0x7f);
    assertTrue(refused(Files.write(tmp.resolve("flipped.ubj"), flipped), 9).contains("corrupt"));
    Path binary = Files.write(tmp.resolve("old.model"), "binf\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(refused(binary, 9).contains("old binary model must be re-saved"));
    Path notModel = Files.writeString(tmp.resolve("other.json"), "{\"learner\": 3}");
    assertTrue(refused(notModel, 9).contains("XGBoost cannot load"));
    Path big = tmp.resolve("big.json");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(XgboostModel.MAX_BYTES + 1); // sparse: no disk used
    }
    assertTrue(refused(big, 9).contains("more than the limit"));
    assertTrue(refused(tmp.resolve("missing.json"), 9).contains("not found"));
    assertTrue(refused(tmp, 9).contains("not a regular file"));
  }

  @Test
  void objectivesGauntletCannotAuditAndWidthMismatchesAreRefused(@TempDir Path tmp) throws IOException {
    String json = Files.readString(dir().resolve("lending-xgb.json"));
    assertTrue(json.contains("\"name\":\"binary:logistic\""));
    Path rank = Files.writeString(tmp.resolve("rank.json"), json.replace("\"name\":\"binary:logistic\"", "\"name\":\"rank:pairwise\""));
    String m = refused(rank, 9);
    assertTrue(m.contains("rank:pairwise is a ranking objective"), m);
    m = refused(dir().resolve("lending-xgb.json"), 12);
    assertTrue(m.contains("takes 9 features but the schema encodes 12"), m);
  }

  private static Path suite(Path dir, String model, String schema) throws IOException {
    return suite(dir, model, schema, "checks:\n  - {id: acc, type: performance, conditions: [{metric: accuracy, atLeast: 0.5}]}\n");
  }

  private static Path suite(Path dir, String model, String schema, String checks) throws IOException {
    Path f = dir.resolve("suite.yaml");
    Path fx = Fixture.dir().toAbsolutePath();
    Files.writeString(f, "name: t\nmodel: " + model.replace("XG", dir().toAbsolutePath().toString()) + "\n"
        + "data: {path: " + fx.resolve("eval.csv") + ", schema: " + schema + "}\n" + checks);
    return f;
  }

  @Test
  void anObjectiveAgainstTheSuitesTaskIsExit2NamingBoth(@TempDir Path tmp) throws IOException {
    Path schema = Fixture.dir().toAbsolutePath().resolve("lending.schema.yaml");
    // the lending data with loan_amount as a numeric label (a regression suite) and approved as a feature: still 9 inputs
    String text = Files.readString(schema)
        .replace("    role: label\n    categories: [\"no\", \"yes\"]\n    positive: \"yes\"\n", "    role: feature\n    categories: [\"no\", \"yes\"]\n")
        .replace("  - name: loan_amount\n    type: numeric\n    role: feature\n    range: [0, 500000]\n    encoding: {scale: standard, mean: 30000, std: 25000}\n",
            "  - name: loan_amount\n    type: numeric\n    role: label\n");
    assertTrue(text.contains("name: approved\n    type: binary\n    role: feature") && text.contains("name: loan_amount\n    type: numeric\n    role: label"), text);
    Path numeric = Files.writeString(tmp.resolve("numeric.schema.yaml"), text);
    Schema regression = dev.gauntlet.harness.data.SchemaLoader.load(numeric);
    UsageException cls = assertThrows(UsageException.class, () -> new XgboostModelProvider()
        .load(ConfigNode.parse("suite.yaml", "model:\n  {type: xgboost, path: lending-xgb.json}").get("model"), dir(), regression));
    assertTrue(cls.getMessage().contains("suite.yaml:2:") && cls.getMessage().contains("objective binary:logistic (a classifier of 2 classes)")
        && cls.getMessage().contains("label 'loan_amount' is numeric"), cls.getMessage());
    // a regression model (4 features) against the classification suite: the objective and the label's classes
    Path four = Files.writeString(tmp.resolve("four.schema.yaml"), "name: four\ncolumns:\n"
        + "  - {name: a, type: numeric, role: feature}\n  - {name: b, type: numeric, role: feature}\n"
        + "  - {name: c, type: numeric, role: feature}\n  - {name: d, type: numeric, role: feature}\n"
        + "  - {name: y, type: categorical, role: label, categories: [lo, hi]}\n");
    Path csv = Files.writeString(tmp.resolve("four.csv"), "a,b,c,d,y\n0,0,0,0,lo\n1,1,1,1,hi\n");
    Path f = tmp.resolve("four.yaml");
    Files.writeString(f, "name: t\nmodel: {type: xgboost, path: " + dir().toAbsolutePath().resolve("regression.ubj") + "}\n"
        + "data: {path: " + csv + ", schema: " + four + "}\n"
        + "checks:\n  - {id: acc, type: performance, conditions: [{metric: accuracy, atLeast: 0.5}]}\n");
    UsageException reg = assertThrows(UsageException.class, () -> new SuiteLoader().load(f, OptionalLong.empty(), x -> {}));
    assertTrue(reg.getMessage().contains("four.yaml:2:") && reg.getMessage().contains("objective reg:squarederror (a regression model")
        && reg.getMessage().contains("classes [lo, hi]"), reg.getMessage());
  }

  @Test
  void yamlTypeLoads(@TempDir Path tmp) throws IOException {
    Path schema = Fixture.dir().toAbsolutePath().resolve("lending.schema.yaml");
    Suite s = new SuiteLoader().load(suite(tmp, "{type: xgboost, path: XG/lending-xgb.ubj, name: trees}", schema.toString()), OptionalLong.empty(), x -> {});
    assertEquals("trees", s.model().name());
    assertFalse(s.model().can(Capability.LOSS_GRADIENT));
  }
}

package dev.gauntlet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.ExitCode;
import dev.gauntlet.harness.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.lang.reflect.Array;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Hostile DL4J model zips, each built here, are refused quickly with exit 2 and a precise message. */
class Dl4jZipTest {
  private static final Duration QUICK = Duration.ofSeconds(20);
  @TempDir
  static Path dir;
  private static Path legit;
  private static Map<String, byte[]> entries;

  @BeforeAll
  static void writeLegitModel() throws IOException {
    MultiLayerConfiguration c = new NeuralNetConfiguration.Builder().seed(1).list()
        .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2).activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork n = new MultiLayerNetwork(c);
    n.init();
    legit = dir.resolve("legit.zip");
    ModelSerializer.writeModel(n, legit.toFile(), false);
    entries = new LinkedHashMap<>();
    try (ZipFile z = new ZipFile(legit.toFile())) {
      z.stream().forEach(e -> {
        try {
          entries.put(e.getName(), z.getInputStream(e).readAllBytes());
        } catch (IOException ex) {
          throw new IllegalStateException(ex);
        }
      });
    }
  }

  private static Path zip(String name, Map<String, byte[]> replace) throws IOException {
    Map<String, byte[]> all = new LinkedHashMap<>(entries);
    all.putAll(replace);
    Path p = dir.resolve(name);
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(p))) {
      for (Map.Entry<String, byte[]> e : all.entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    return p;
  }

  private static byte[] serialize(Object o) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(b)) {
      out.writeObject(o);
    }
    return b.toByteArray();
  }

  /** Loads the zip, expecting exit 2 quickly with a message naming the file and every fragment. */
  private static UsageException refused(Path p, String... fragments) {
    UsageException e = assertTimeoutPreemptively(QUICK, () -> assertThrows(UsageException.class, () -> Dl4jModel.load(p, "m")));
    assertEquals(ExitCode.BAD_INPUT, e.exitCode());
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
    }
    return e;
  }

  @Test
  void legitimateModelsStillLoad() throws IOException {
    Dl4jModel m = Dl4jModel.load(legit, "m");
    assertEquals(2, m.classCount());
    assertEquals(3, m.inputWidth().getAsInt());
    // with a normalizer (NormalizerSerializer's format) and a plain preprocessor (allowed by the filter)
    NormalizerStandardize norm = new NormalizerStandardize();
    norm.fit(new DataSet(Nd4j.rand(5, 3), Nd4j.rand(5, 2)));
    Path withNorm = zip("with-normalizer.zip", Map.of());
    ModelSerializer.addNormalizerToModel(withNorm.toFile(), norm);
    assertEquals(2, Dl4jModel.load(withNorm, "m").classCount());
    Path withPre = zip("with-preprocessor.zip", Map.of("preprocessor.bin", serialize(new ImagePreProcessingScaler(0, 1))));
    assertEquals(2, Dl4jModel.load(withPre, "m").classCount());
  }

  @Test
  void serializedHashMapIsRefused() throws IOException {
    HashMap<String, String> m = new HashMap<>();
    m.put("a", "b");
    refused(zip("hashmap.zip", Map.of("preprocessor.bin", serialize(m))),
        "carries serialized Java objects of class java.util.HashMap", "preprocessor.bin", "which Gauntlet does not load");
  }

  @Test
  void serializedUrlIsRefused() throws IOException {
    // a URL whose hashCode (in a HashMap key, as in the URLDNS chain) resolves an attacker's host name
    HashMap<URL, String> m = new HashMap<>();
    m.put(new URL("http://gauntlet-test.invalid/"), "x");
    refused(zip("urldns.zip", Map.of("preprocessor.bin", serialize(m))), "of class java.util.HashMap");
    refused(zip("url.zip", Map.of("normalizer.bin", serialize(new URL("http://gauntlet-test.invalid/")))),
        "of class java.net.URL", "normalizer.bin");
  }

  @Test
  void hashSetBombDoesNotHang() throws IOException {
    // "SerialDOS": 100 levels of sets that take ~2^100 hashCode calls to deserialize
    Set<Object> root = new HashSet<>();
    Set<Object> s1 = root;
    Set<Object> s2 = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      Set<Object> t1 = new HashSet<>();
      Set<Object> t2 = new HashSet<>();
      t1.add("foo");
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    refused(zip("setbomb.zip", Map.of("preprocessor.bin", serialize(root))), "of class java.util.HashSet");
  }

  @Test
  void deeplyNestedObjectIsRefused() throws IOException {
    int[] dims = new int[40];
    java.util.Arrays.fill(dims, 1);
    Object nested = Array.newInstance(int.class, dims); // int[1][1]...[1], 40 levels
    refused(zip("deep.zip", Map.of("preprocessor.bin", serialize(nested))), "levels deep");
  }

  @Test
  void customNormalizerStrategyIsRefused() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      out.writeUTF("NORMALIZER");
      out.writeInt(1);
      out.writeUTF("CUSTOM");
      out.writeUTF("com.example.Evil");
    }
    refused(zip("custom-normalizer.zip", Map.of("normalizer.bin", b.toByteArray())), "com.example.Evil", "does not load");
  }

  @Test
  void zipBombIsRefusedBeforeItIsInflated() throws IOException {
    byte[] huge = new byte[64 << 20]; // 64 MB of zeros, about 64 KB compressed
    Path p = zip("bomb.zip", Map.of("configuration.json", huge));
    assertTrue(Files.size(p) < 1 << 20);
    refused(p, "configuration.json", "too large", String.valueOf(huge.length), String.valueOf(Dl4jZip.MAX_CONFIG_BYTES));
  }

  @Test
  void parameterHeaderIsCheckedBeforeAllocation() throws IOException {
    long claimed = 500_000_000L;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      out.writeUTF("MIXED_DATA_TYPES");
      out.writeLong(6);
      out.writeUTF("LONG");
      for (long v : new long[] {1, claimed, 1, 8192, 1, 'c'}) {
        out.writeLong(v);
      }
      out.writeUTF("MIXED_DATA_TYPES");
      out.writeLong(claimed);
      out.writeUTF("FLOAT");
      out.write(new byte[64]);
    }
    refused(zip("huge-params.zip", Map.of("coefficients.bin", b.toByteArray())),
        "claims 500000000 float parameters", "the configuration needs 26");
  }

  @Test
  void hugeConfigurationIsRefused() throws IOException {
    String json = new String(entries.get("configuration.json"), StandardCharsets.UTF_8)
        .replace("\"nout\" : 4", "\"nout\" : 400000000").replace("\"nin\" : 4", "\"nin\" : 400000000");
    refused(zip("huge-config.zip", Map.of("configuration.json", json.getBytes(StandardCharsets.UTF_8))), "400000000");
  }

  @Test
  void configurationNamingForeignClassesIsRefused() throws IOException {
    String json = new String(entries.get("configuration.json"), StandardCharsets.UTF_8);
    String relu = "org.nd4j.linalg.activations.impl.ActivationReLU";
    assertTrue(json.contains(relu));
    for (String foreign : new String[] {"java.util.HashMap", "com.sun.rowset.JdbcRowSetImpl",
        "org.deeplearning4j.nn.conf.NeuralNetConfiguration" /* allowed package, but not a configuration type */}) {
      Path p = zip("foreign.zip", Map.of("configuration.json", json.replace(relu, foreign).getBytes(StandardCharsets.UTF_8)));
      refused(p, "names the class " + foreign, "not a DL4J/ND4J configuration class");
    }
    Path named = zip("named.zip", Map.of("configuration.json",
        json.replace("\"layer0\"", "\"javax.naming.InitialContext\"").getBytes(StandardCharsets.UTF_8)));
    refused(named, "javax.naming.InitialContext");
  }

  @Test
  void nestedAndTooManyEntriesAreRefused() throws IOException {
    refused(zip("nested.zip", Map.of("../../etc/cron.d/x", new byte[1])), "nested path '../../etc/cron.d/x'");
    Map<String, byte[]> many = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      many.put("extra" + i, new byte[0]);
    }
    refused(zip("many.zip", many), "more than " + Dl4jZip.MAX_ENTRIES + " entries");
  }

  @Test
  void truncatedParametersAreRefused() throws IOException {
    byte[] coef = entries.get("coefficients.bin");
    refused(zip("truncated.zip", Map.of("coefficients.bin", java.util.Arrays.copyOf(coef, coef.length - 8))), "coefficients.bin");
  }
}

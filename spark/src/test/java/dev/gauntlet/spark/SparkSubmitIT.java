package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spark-submit itself, as Spark's own tests run it: {@code org.apache.spark.deploy.SparkSubmit}
 * (what the {@code spark-submit} script calls) in a JVM of its own, {@code --master
 * local-cluster[1,1,1024]}, the submit jar and {@code --class dev.gauntlet.spark.SparkSubmitMain},
 * running {@code audit --suite suite.yaml}. That JVM and its executor have Spark and the third-party
 * jars only: every Gauntlet class comes from the submit jar (the driver's from the jar spark-submit
 * adds, the executor's from the copy Spark ships it). Runs with {@code -Pspark-jar}, after package.
 */
class SparkSubmitIT {

  @Test
  void sparkSubmitWithTheSubmitJarAuditsOnAnExecutorOfItsOwn(@TempDir Path dir) throws Exception {
    Path jar = Path.of(System.getProperty("gauntlet.submitJar", "target/none.jar"));
    Assumptions.assumeTrue(Files.isRegularFile(jar), jar + " absent: build it with mvn -Pspark-jar package; skipping the spark-submit test");
    // What the jar holds: Gauntlet's command line and engine, the engine's service entry; not Spark, Scala, Hadoop or native ND4J/JavaCPP binaries.
    try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
      assertTrue(j.getEntry("dev/gauntlet/suites/cli/Main.class") != null && j.getEntry("dev/gauntlet/spark/SparkEngine.class") != null);
      assertEquals("dev.gauntlet.spark.SparkEngineProvider",
          new String(j.getInputStream(j.getEntry("META-INF/services/dev.gauntlet.harness.run.EngineProvider")).readAllBytes(), StandardCharsets.UTF_8).trim());
      assertEquals("dev.gauntlet.spark.SparkSubmitMain", j.getManifest().getMainAttributes().getValue("Main-Class"));
      List<String> foreign = j.stream().map(java.util.zip.ZipEntry::getName)
          .filter(n -> n.startsWith("org/apache/spark/") || n.startsWith("scala/") || n.startsWith("org/apache/hadoop/")
              || (n.startsWith("org/nd4j/linalg/cpu/nativecpu/bindings/") && n.contains(".so")) || (n.startsWith("org/bytedeco/") && n.contains(".so"))
              || n.endsWith(".pdb"))
          .limit(5).toList();
      assertTrue(foreign.isEmpty(), "the submit jar holds " + foreign);
    }
    // Spark's classpath without Gauntlet: the test classpath's jars that are not Gauntlet's (its modules are class folders here).
    List<String> thirdParty = new ArrayList<>();
    for (String e : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")).split(File.pathSeparator)) {
      Path p = Path.of(e).toAbsolutePath();
      if (e.endsWith(".jar") && Files.isRegularFile(p) && !p.toString().contains(File.separator + "dev" + File.separator + "gauntlet" + File.separator)) {
        thirdParty.add(p.toString());
      }
    }
    Path home = Path.of("target", "spark-submit-home").toAbsolutePath();
    Path jars = home.resolve("jars");
    Files.createDirectories(jars);
    for (String j : thirdParty) {
      Path link = jars.resolve(Path.of(j).getFileName());
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, Path.of(j));
      }
    }
    Path suite = SparkEngineEqualityTest.synthetic(dir);
    SparkCliTest.Run local = SparkCliTest.gauntlet("audit", "--suite", suite.toString(), "--history", "off", "--out", dir.resolve("local").toString());

    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    cmd.addAll(Files.readAllLines(Path.of("jvm.options")).stream().filter(l -> !l.isBlank()).toList());
    cmd.addAll(List.of("-Dlog4j2.configurationFile=" + Path.of("src/test/resources/log4j2.properties").toAbsolutePath(),
        "-cp", String.join(File.pathSeparator, thirdParty), "org.apache.spark.deploy.SparkSubmit",
        "--master", "local-cluster[1,1,1024]", "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
        "--class", "dev.gauntlet.spark.SparkSubmitMain", jar.toAbsolutePath().toString(),
        "audit", "--suite", suite.toString(), "--history", "off", "--partitions", "3", "--out", dir.resolve("submitted").toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.12");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), out);
    assertEquals(local.code(), p.exitValue(), "the in-process verdict's exit code:\n" + out);

    ObjectMapper json = new ObjectMapper();
    JsonNode a = json.readTree(dir.resolve("local/report.json").toFile());
    JsonNode b = json.readTree(dir.resolve("submitted/report.json").toFile());
    String engine = b.path("provenance").path("engine").asText();
    System.out.println("spark-submit exit " + p.exitValue() + ", provenance.engine: " + engine);
    assertTrue(engine.matches("spark 3\\.5\\.\\d+ local-cluster\\[1,1,1024], 1 executor, 3 partitions \\(\\d+ summaries on Spark, 0 on the driver\\)"), engine);
    assertEquals(a.path("verdict"), b.path("verdict"));
    assertEquals(a.path("checks").size(), b.path("checks").size());
    for (int i = 0; i < a.path("checks").size(); i++) {
      assertEquals(a.path("checks").get(i).path("measurements"), b.path("checks").get(i).path("measurements"), a.path("checks").get(i).path("id").asText());
    }
  }
}

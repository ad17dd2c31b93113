package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Executors in other JVMs: Spark's {@code local-cluster[2,1,1024]} master runs a standalone Master
 * and two Workers in this JVM, and each Worker launches its executor as a JVM of its own, with the
 * classpath of {@code $SPARK_HOME/jars} (built here: links to this test's jars, see {@link #sparkHome})
 * and Gauntlet's class folders ({@code spark.executor.extraClassPath}). Nothing reaches those
 * executors but what the tasks carry, so the summarisers, the schema, the selection and the shipped
 * models are all serialised with the tasks.
 */
class SparkClusterTest {
  static final String MASTER = "local-cluster[2,1,1024]";
  static SparkSession spark;

  /**
   * {@code target/spark-home/jars}: a link to every jar of the test classpath (Spark's, Scala's and
   * Gauntlet's dependencies), where a Worker's {@code WorkerCommandBuilder} looks for Spark's
   * classpath ({@code $SPARK_HOME/jars/*}). The class folders (Gauntlet's modules) are returned, for
   * the executors' extra classpath. Surefire sets {@code SPARK_HOME} to this folder and {@code
   * SPARK_SCALA_VERSION} (the builder asks for it when it is not a Spark build tree).
   */
  static List<String> sparkHome(Path home) throws IOException {
    Path jars = home.resolve("jars");
    if (Files.isDirectory(jars)) {
      try (var old = Files.list(jars)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(jars);
    List<String> dirs = new ArrayList<>();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String e : cp.split(File.pathSeparator)) {
      Path p = Path.of(e).toAbsolutePath();
      if (Files.isDirectory(p)) {
        dirs.add(p.toString());
      } else if (e.endsWith(".jar") && Files.isRegularFile(p)) {
        Path link = jars.resolve(p.getFileName());
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(link, p);
        }
      }
    }
    return dirs;
  }

  @BeforeAll
  static void start() throws Exception {
    long t0 = System.nanoTime();
    Path home = Path.of("target", "spark-home").toAbsolutePath();
    Assumptions.assumeTrue(home.toString().equals(System.getenv("SPARK_HOME")),
        "SPARK_HOME is not " + home + " (mvn's surefire sets it); skipping the local-cluster test");
    List<String> dirs = sparkHome(home);
    // Spark allows one context per JVM: the local[2] session of the other tests stops, and starts again after.
    Sessions.stop();
    System.setProperty("spark.executor.extraClassPath", String.join(File.pathSeparator, dirs));
    // short-lived executors: C1 only, which starts them faster (the test's time is mostly their warm-up)
    System.setProperty("spark.executor.extraJavaOptions", "-XX:TieredStopAtLevel=1");
    try {
      spark = SparkEngineProvider.session(MASTER);
    } finally {
      System.clearProperty("spark.executor.extraClassPath");
      System.clearProperty("spark.executor.extraJavaOptions");
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < 3 && System.nanoTime() < deadline) {
      Thread.sleep(200); // the driver and two executors
    }
    assertEquals(3, spark.sparkContext().statusTracker().getExecutorInfos().length, "two executors registered within a minute");
    System.out.printf("%s with two executors up in %.1f s%n", MASTER, (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void executorsAreOtherProcesses() {
    long driver = ProcessHandle.current().pid();
    List<Long> pids = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(IntStream.range(0, 8).boxed().toList(), 8).map(i -> ProcessHandle.current().pid()).collect();
    Set<Long> distinct = new HashSet<>(pids);
    assertFalse(distinct.contains(driver), "no task ran in the driver's process " + driver + ": " + distinct);
    assertEquals(2, distinct.size(), "two executor processes: " + distinct);
  }

  /**
   * The demo's statistical checks, its DL4J candidate and baseline shipped to the executors: the
   * same verdict, outcomes, measurements (bit for bit) and findings as in-process, and no row scored
   * in the driver's JVM.
   */
  @Test
  void demoSuiteOnExecutorsInOtherJvmsIsBitIdenticalToInProcess() {
    Suite suite = SparkModelScoringTest.demo(SparkModelScoringTest.DEMO_CHECKS);
    long t0 = System.nanoTime();
    SuiteResult local = new SuiteRunner(null, null, null).run(suite);
    long t1 = System.nanoTime();
    long before = SparkEngine.SCORED_ROWS.get();
    try (SparkEngine engine = new SparkEngine(spark, false, suite.data(), suite.model(), 4)) {
      assertEquals(suite.data().rowCount(), engine.validate());
      long t2 = System.nanoTime();
      engine.forModel(suite.model()).prepare(suite.threshold());
      engine.forModel(suite.baseline()).prepare(suite.threshold());
      long t3 = System.nanoTime();
      SuiteResult onCluster = new SuiteRunner(null, null, null).engine(engine).run(suite);
      System.out.printf("local-cluster: tables built and validated in %.1f s, both models loaded and run on the executors in %.1f s,"
          + " the checks in %.1f s%n", (t2 - t1) / 1e9, (t3 - t2) / 1e9, (System.nanoTime() - t3) / 1e9);
      assertEquals(local.verdict(), onCluster.verdict());
      assertEquals(local.checks().size(), onCluster.checks().size());
      for (int i = 0; i < local.checks().size(); i++) {
        CheckResult a = local.checks().get(i);
        CheckResult b = onCluster.checks().get(i);
        assertNull(b.error(), b.id() + ": " + b.error());
        assertEquals(a.outcome(), b.outcome(), a.id());
        assertEquals(a.measurements(), b.measurements(), a.id() + ": every metric, subject, value, interval and n, bit for bit");
        assertEquals(a.findings(), b.findings(), a.id());
        assertEquals(a.baselineMeasurements(), b.baselineMeasurements(), a.id() + " (baseline)");
      }
      assertEquals(before, SparkEngine.SCORED_ROWS.get(), "the models ran on the executors' JVMs, not in this one");
      String d = onCluster.provenance().engine();
      assertTrue(d.matches("spark 3\\.5\\.\\d+ local-cluster\\[2,1,1024], 2 executors, 4 partitions \\(\\d+ summaries on Spark, \\d+ on the driver\\)"), d);
      assertFalse(d.contains("(0 summaries on Spark"), d);
      System.out.printf("%s: in-process %.1f s, local-cluster %.1f s (%d rows)%n", d, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9, suite.data().rowCount());
    }
  }
}

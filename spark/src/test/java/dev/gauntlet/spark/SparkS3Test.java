package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.parquet.ParquetWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation data in an S3-compatible object store read through Hadoop's S3A client: S3Proxy
 * (its in-memory {@code transient} blobstore, in a JVM of its own, listening on 127.0.0.1 only)
 * holds, in bucket {@code audit}, the synthetic suite's CSV file, the same rows as a Hive-partitioned
 * folder of Parquet files ({@code year=2024/month=1/} to {@code month=12/}, written by the project's
 * {@link ParquetWriter}) and a reference CSV, uploaded by S3A itself. S3A is configured the way a
 * user configures it, as {@code spark.hadoop.fs.s3a.*} system properties (endpoint, path-style
 * access, no SSL, access and secret key), which Spark copies into the session's Hadoop
 * configuration. Suites whose paths are {@code s3a://audit/...} run on a real {@code local[2]}
 * session through the provider the CLI uses and give the local copies' in-process verdict,
 * outcomes, measurements (bit for bit) and findings, and the same SHA-256, size, selection and
 * sample. A missing object, partition folder or reference, a file that is not Parquet, a folder
 * with one corrupt file, and a bucket whose secret key is wrong are exit 2 through the CLI, naming
 * the s3a:// path and the reason, with nothing written.
 */
class SparkS3Test {
  @TempDir static Path dir;
  static Process proxy;
  static FileSystem fs;
  /** {@code http://127.0.0.1:PORT}: S3Proxy's endpoint. */
  static String endpoint;
  static Path csvSuite;
  static int refKept;
  static final String KEY = "gauntlet-test";
  static final String SECRET = "gauntlet-test-secret";
  /** The system properties this class set, with their values before (null: unset), restored after the tests. */
  static final Map<String, String> before = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    long t0 = System.nanoTime();
    String jar = System.getProperty("gauntlet.s3proxyJar");
    assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "S3Proxy's jar (system property gauntlet.s3proxyJar, copied to"
        + " spark/target/s3proxy/ by the build's generate-test-resources phase): " + jar);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    endpoint = "http://127.0.0.1:" + port;
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n", "s3proxy.endpoint=" + endpoint, "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=" + KEY,
        "s3proxy.credential=" + SECRET, "jclouds.provider=transient", "jclouds.identity=" + KEY, "jclouds.credential=" + SECRET, ""));
    Path log = dir.resolve("s3proxy.log");
    // A JVM of its own: S3Proxy's Jetty, Guava and Jackson stay off this JVM's classpath (Spark's).
    proxy = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar, "--properties", props.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // Stopped after the tests; and with this JVM, should it end before them.
    Process started = proxy;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
    // The local data is written while S3Proxy starts.
    csvSuite = SparkEngineEqualityTest.synthetic(dir);
    refKept = SparkReferenceTest.writeReference(dir.resolve("ref.csv"), SparkReferenceTest.REF_ROWS, 2023);
    ParquetWriter.partitionedByMonth(dir.resolve("data.csv"), SchemaLoader.load(dir.resolve("schema.yaml")), dir.resolve("hive"));
    long t1 = System.nanoTime();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        break;
      } catch (IOException notYet) {
        if (!proxy.isAlive() || System.nanoTime() > deadline) {
          fail("S3Proxy did not start listening on " + endpoint + " (" + (proxy.isAlive() ? "60 s" : "exit " + proxy.exitValue()) + "): "
              + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
    long t2 = System.nanoTime();
    // The S3A confs as a user sets them: spark.hadoop.* system properties (-D through GAUNTLET_JAVA_OPTS, or spark-submit's --conf).
    Map<String, String> s3a = new LinkedHashMap<>();
    s3a.put("fs.s3a.endpoint", endpoint);
    s3a.put("fs.s3a.endpoint.region", "us-east-1");
    s3a.put("fs.s3a.path.style.access", "true");
    s3a.put("fs.s3a.connection.ssl.enabled", "false");
    s3a.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    s3a.put("fs.s3a.access.key", KEY);
    s3a.put("fs.s3a.secret.key", SECRET);
    // Bucket 'denied' (it exists) with a wrong secret key: S3A's per-bucket override, for the bad-credentials case.
    s3a.put("fs.s3a.bucket.denied.secret.key", "not-" + SECRET);
    for (Map.Entry<String, String> e : s3a.entrySet()) {
      set("spark.hadoop." + e.getKey(), e.getValue());
    }
    // The AWS SDK asks no instance-metadata address for a region or credentials: nothing leaves 127.0.0.1.
    set("com.amazonaws.sdk.disableEc2Metadata", "true");
    // A session started before these properties were set would not have them: the sessions below start afresh.
    Sessions.stop();

    AmazonS3 s3 = AmazonS3ClientBuilder.standard().withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint, "us-east-1"))
        .withPathStyleAccessEnabled(true).withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(KEY, SECRET))).build();
    try {
      s3.createBucket("audit");
      s3.createBucket("denied");
    } finally {
      s3.shutdown();
    }
    Configuration conf = new Configuration();
    s3a.forEach(conf::set);
    // A FileSystem of the test's own (not the cached one Spark's reads share), closed after the tests.
    fs = FileSystem.newInstance(URI.create("s3a://audit/"), conf);
    put(fs, dir.resolve("data.csv"), "s3a://audit/data.csv");
    put(fs, dir.resolve("hive"), "s3a://audit/hive");
    put(fs, dir.resolve("ref.csv"), "s3a://audit/ref.csv");
    try (FileSystem denied = FileSystem.newInstance(URI.create("s3a://denied/"), withoutDenied(conf))) {
      put(denied, dir.resolve("data.csv"), "s3a://denied/data.csv");
    }
    assertEquals(Files.size(dir.resolve("data.csv")), fs.getFileStatus(new org.apache.hadoop.fs.Path("s3a://audit/data.csv")).getLen(),
        "the CSV object's size on S3Proxy");
    System.out.printf("SparkS3Test: local data written in %.1f s; S3Proxy at %s answering %.1f s later; uploaded through S3A in %.1f s%n",
        (t1 - t0) / 1e9, endpoint, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
  }

  /**
   * Uploads a local file, or a folder's files (their paths below it kept), as objects through S3A's
   * output stream (S3A 3.3.4's copyFromLocalFile fails on a local source with "Cannot get relative path").
   */
  private static void put(FileSystem s3, Path local, String target) throws IOException {
    List<Path> files;
    try (var walk = Files.walk(local)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      String rel = local.relativize(f).toString();
      org.apache.hadoop.fs.Path to = new org.apache.hadoop.fs.Path(rel.isEmpty() ? target : target + "/" + rel);
      try (FSDataOutputStream out = s3.create(to, false)) {
        Files.copy(f, out);
      }
    }
  }

  /** {@code conf} without the wrong per-bucket secret key (the upload to bucket 'denied' uses the right one). */
  private static Configuration withoutDenied(Configuration conf) {
    Configuration c = new Configuration(conf);
    c.unset("fs.s3a.bucket.denied.secret.key");
    return c;
  }

  private static void set(String key, String value) {
    before.putIfAbsent(key, System.getProperty(key));
    System.setProperty(key, value);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      // No session configured for this endpoint outlives the class; the next test class starts its own.
      Sessions.stop();
      before.forEach((k, v) -> {
        if (v == null) {
          System.clearProperty(k);
        } else {
          System.setProperty(k, v);
        }
      });
      if (fs != null) {
        fs.close();
      }
    } finally {
      if (proxy != null) {
        proxy.destroy();
        proxy.waitFor();
      }
    }
  }

  /** The synthetic suite with its data at {@code path} ({@code format: parquet} when asked), written beside the data. */
  static Path suite(String file, String path, boolean parquet) throws Exception {
    Path s = dir.resolve(file);
    Files.writeString(s, Files.readString(csvSuite).replace("  path: data.csv\n", "  path: " + path + "\n" + (parquet ? "  format: parquet\n" : "")));
    return s;
  }

  /** {@link RemoteCopies#referenceSuite} beside the data. */
  static Path referenceSuite(String file, String data, String ref) throws Exception {
    return RemoteCopies.referenceSuite(dir, "spark-reference-s3", file, data, ref);
  }

  /**
   * A CSV object in the bucket (every kept row fits: the driver receives the kept rows), and a
   * Hive-partitioned Parquet folder in the bucket ({@code data.sample.rows: 500}: summarised on the
   * executors, a sample drawn there) with a reference CSV in the bucket (more rows than
   * sample.rows, a {@code from:} selection): the local copies' in-process result, bit for bit, and
   * the same SHA-256, size, selection and sample.
   */
  @Test
  void csvAndHiveFolderAndReferenceOnS3GiveTheLocalCopysVerdictAndBitIdenticalMeasurements() throws Exception {
    record Case(String what, Path local, Path remote, String remotePath, boolean sampled, boolean reference) {}
    for (Case c : List.of(
        new Case("CSV", suite("suite-local.yaml", "data.csv", false), suite("suite-s3.yaml", "s3a://audit/data.csv", false), "s3a://audit/data.csv",
            false, false),
        new Case("Hive-partitioned Parquet folder and reference CSV", referenceSuite("suite-ref-local.yaml", "hive/", "ref.csv"),
            referenceSuite("suite-ref-s3.yaml", "s3a://audit/hive/", "s3a://audit/ref.csv"), "s3a://audit/hive/", true, true))) {
      RemoteCopies.assertLikeTheLocalCopies("SparkS3Test", "S3", c.what(), c.local(), c.remote(), c.remotePath(),
          c.reference() ? "s3a://audit/ref.csv" : null, c.sampled(), refKept);
    }
  }

  /**
   * Bad data in the bucket through {@code gauntlet audit --engine spark}: a missing object, a
   * missing partition folder, a missing reference object, an object that is not Parquet, a Hive
   * folder one of whose objects is corrupt, and an object in a bucket whose secret key is wrong.
   * Exit 2, the message naming the s3a:// path and the reason; no output folder, no history.
   */
  @Test
  void missingObjectAndBadObjectOnS3AreExit2NamingTheS3aPathAndTheReasonAndNothingIsWritten() throws Exception {
    try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path("s3a://audit/corrupt.parquet"))) {
      out.write("PAR1 this is not a Parquet file PAR1".getBytes(StandardCharsets.US_ASCII));
    }
    // A copy of the Hive folder with one of its files overwritten by bytes that are not Parquet.
    put(fs, dir.resolve("hive"), "s3a://audit/hive-bad");
    String bad;
    try (var month7 = Files.list(dir.resolve("hive/year=2024/month=7"))) {
      bad = "s3a://audit/hive-bad/year=2024/month=7/"
          + month7.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet")).findFirst().orElseThrow();
    }
    try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(bad), true)) {
      out.write("PAR1 this is not a Parquet file PAR1".getBytes(StandardCharsets.US_ASCII));
    }
    String missingRef = "s3a://audit/missing-ref.csv";
    // Each case: its suite, the line:column and key the message is anchored at (a missing path: the suite's path key), what the message holds.
    record Case(String path, Path suite, String anchor, List<String> expected) {}
    for (Case c : List.of(
        new Case("s3a://audit/missing.csv", suite("suite-bad-1.yaml", "s3a://audit/missing.csv", false), "5:9: 'data.path': ",
            List.of("s3a://audit/missing.csv: data file not found (Spark: No such file or directory: s3a://audit/missing.csv)")),
        new Case("s3a://audit/hive/year=2024/month=13/", suite("suite-bad-2.yaml", "s3a://audit/hive/year=2024/month=13/", true), "5:9: 'data.path': ",
            List.of("s3a://audit/hive/year=2024/month=13/: data file not found"
                + " (Spark: No such file or directory: s3a://audit/hive/year=2024/month=13)")),
        new Case(missingRef, referenceSuite("suite-bad-3.yaml", "s3a://audit/hive/", missingRef), "10:9: 'reference.path': ",
            List.of(missingRef + ": data file not found (Spark: No such file or directory: " + missingRef + ")")),
        new Case("s3a://audit/corrupt.parquet", suite("suite-bad-4.yaml", "s3a://audit/corrupt.parquet", true), null,
            List.of("s3a://audit/corrupt.parquet: Spark cannot read the parquet data: corrupted file: the footer index is not within the file")),
        new Case("s3a://audit/hive-bad/", suite("suite-bad-6.yaml", "s3a://audit/hive-bad/", true), null,
            List.of("s3a://audit/hive-bad/: Spark cannot read the parquet data: " + bad
                + " is not a readable Parquet file: corrupted file: the footer index is not within the file")),
        new Case("s3a://denied/data.csv", suite("suite-bad-5.yaml", "s3a://denied/data.csv", false), null,
            List.of("s3a://denied/data.csv: Spark cannot open it: s3a://denied/data.csv: getFileStatus on s3a://denied/data.csv: ", "Forbidden",
                "Status Code: 403")))) {
      Path run = Files.createDirectories(dir.resolve("bad-" + c.suite().getFileName().toString().replace(".yaml", "")));
      SparkCliTest.Run r = SparkCliTest.gauntlet("audit", "--suite", c.suite().toString(), "--engine", "spark", "--master", "local[2]",
          "--out", run.resolve("out").toString());
      assertEquals(2, r.code(), c.path() + ": " + r.out() + r.err());
      r.err().lines().filter(l -> l.startsWith("gauntlet: error: ")).forEach(l -> System.out.println("SparkS3Test: exit 2: " + l));
      for (String e : c.expected()) {
        assertTrue(r.err().contains(e), c.path() + ": expected the message to hold '" + e + "': " + r.err());
      }
      if (c.anchor() != null) {
        assertTrue(r.err().contains(c.suite() + ":" + c.anchor()), "anchored at the suite's path key: " + r.err());
      }
      try (var left = Files.list(run)) {
        // The output folder's lock file, taken before the suite is read, is all there is.
        assertEquals(List.of(".out.lock"), left.map(p -> p.getFileName().toString()).toList(),
            c.path() + ": nothing half-written (no output folder, no history database)");
      }
    }
  }
}

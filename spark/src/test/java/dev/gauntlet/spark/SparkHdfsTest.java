package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.parquet.ParquetWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation data on a real HDFS: a {@link MiniDFSCluster} (one NameNode, one DataNode, in this
 * JVM, on 127.0.0.1) holds the synthetic suite's CSV file and the same rows as a Hive-partitioned
 * folder of Parquet files ({@code year=2024/month=1/} to {@code month=12/}, written by the
 * project's {@link ParquetWriter}). A suite whose data path is {@code
 * hdfs://127.0.0.1:PORT/...} runs on a real {@code local[2]} session through the provider the CLI
 * uses (Spark reads the data from HDFS; the driver opens no data source) and gives the verdict,
 * outcomes, measurements (bit for bit) and findings of the same suite on the local copy run
 * in-process, and the same data SHA-256 and size. A missing hdfs:// path, a missing partition
 * folder and corrupt Parquet files on HDFS are exit 2 through the CLI, naming the hdfs:// path and
 * what is wrong, with nothing written.
 */
class SparkHdfsTest {
  @TempDir static Path dir;
  static MiniDFSCluster cluster;
  static FileSystem fs;
  /** {@code hdfs://127.0.0.1:PORT}. */
  static String hdfs;
  static Path csvSuite;
  /** Rows of the reference dated from March 2023 on (the generator's count). */
  static int refKept;

  @BeforeAll
  static void start() throws Exception {
    long t0 = System.nanoTime();
    Configuration conf = new Configuration();
    // One DataNode, one replica; the NameNode and the DataNode on the loopback address (MiniDFSCluster's own default, asserted below).
    conf.setInt("dfs.replication", 1);
    // The cluster starts (seconds, most of it loading Hadoop's classes) while the local data is written.
    java.util.concurrent.CompletableFuture<MiniDFSCluster> starting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        MiniDFSCluster c = new MiniDFSCluster.Builder(conf, dir.resolve("dfs").toFile()).numDataNodes(1).build();
        c.waitActive();
        return c;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    csvSuite = SparkEngineEqualityTest.synthetic(dir);
    refKept = SparkReferenceTest.writeReference(dir.resolve("ref.csv"), SparkReferenceTest.REF_ROWS, 2023);
    // The same 6000 rows as a Hive-style folder by the project's own fixtures writer: year=2024/month=1/ ... month=12/.
    ParquetWriter.partitionedByMonth(dir.resolve("data.csv"), SchemaLoader.load(dir.resolve("schema.yaml")), dir.resolve("hive"));
    long t1 = System.nanoTime();
    cluster = starting.join();
    long t2 = System.nanoTime();
    hdfs = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    for (java.net.InetSocketAddress a : List.of(cluster.getNameNode().getNameNodeAddress(), cluster.getNameNode().getHttpAddress(),
        cluster.getDataNodes().get(0).getXferAddress())) {
      assertTrue(a.getAddress().isLoopbackAddress(), a + ": the NameNode's RPC and HTTP and the DataNode's transfer address on the loopback address");
    }
    // A FileSystem of the test's own (not the cached one Spark's reads share), closed after the tests.
    fs = FileSystem.newInstance(java.net.URI.create(hdfs), conf);
    fs.mkdirs(new org.apache.hadoop.fs.Path("/audit"));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(dir.resolve("data.csv").toString()), new org.apache.hadoop.fs.Path("/audit/data.csv"));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(dir.resolve("hive").toString()), new org.apache.hadoop.fs.Path("/audit/hive"));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(dir.resolve("ref.csv").toString()), new org.apache.hadoop.fs.Path("/audit/ref.csv"));
    System.out.printf("SparkHdfsTest: local data written in %.1f s; MiniDFSCluster at %s up %.1f s later; copied to it in %.1f s%n", (t1 - t0) / 1e9,
        hdfs, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fs != null) {
      fs.close();
    }
    if (cluster != null) {
      cluster.shutdown(true);
    }
  }

  /** The synthetic suite with its data at {@code path} (and, when not null, a {@code data.sample.rows}), written beside the data. */
  static Path suite(String file, String path, boolean parquet, Integer sampleRows) throws Exception {
    Path s = dir.resolve(file);
    Files.writeString(s, Files.readString(csvSuite).replace("  path: data.csv\n", "  path: " + path + "\n" + (parquet ? "  format: parquet\n" : ""))
        .replace("  schema: schema.yaml\n", "  schema: schema.yaml\n" + (sampleRows == null ? "" : "  sample:\n    rows: " + sampleRows + "\n")));
    return s;
  }

  /** {@link RemoteCopies#referenceSuite} beside the data. */
  static Path referenceSuite(String file, String data, String ref) throws Exception {
    return RemoteCopies.referenceSuite(dir, "spark-reference-hdfs", file, data, ref);
  }

  /**
   * A CSV file on HDFS (every kept row fits: the driver receives the kept rows), and a
   * Hive-partitioned Parquet folder on HDFS ({@code data.sample.rows: 500}: summarised on the
   * executors, a sample drawn there) with a reference CSV on HDFS (more rows than sample.rows, a
   * {@code from:} selection: read, selected, summarised and sampled on the executors too): the local
   * copies' in-process result, bit for bit, and the same SHA-256, size, selection and sample.
   */
  @Test
  void csvAndHiveFolderAndReferenceOnHdfsGiveTheLocalCopysVerdictAndBitIdenticalMeasurements() throws Exception {
    record Case(String what, Path local, Path remote, String remotePath, boolean sampled, boolean reference) {}
    for (Case c : List.of(
        new Case("CSV", suite("suite-local.yaml", "data.csv", false, null), suite("suite-hdfs.yaml", hdfs + "/audit/data.csv", false, null),
            hdfs + "/audit/data.csv", false, false),
        new Case("Hive-partitioned Parquet folder and reference CSV", referenceSuite("suite-ref-local.yaml", "hive/", "ref.csv"),
            referenceSuite("suite-ref-hdfs.yaml", hdfs + "/audit/hive/", hdfs + "/audit/ref.csv"), hdfs + "/audit/hive/", true, true))) {
      RemoteCopies.assertLikeTheLocalCopies("SparkHdfsTest", "HDFS", c.what(), c.local(), c.remote(), c.remotePath(),
          c.reference() ? hdfs + "/audit/ref.csv" : null, c.sampled(), refKept);
    }
  }

  /**
   * Bad data on HDFS through {@code gauntlet audit --engine spark}: a missing file, a missing
   * partition folder, a missing reference file, a file that is not Parquet, and a Hive folder one of
   * whose files is corrupt.
   * Exit 2, the message naming the hdfs:// path and what is wrong; no output folder, no history.
   */
  @Test
  void missingPathAndCorruptParquetOnHdfsAreExit2NamingTheHdfsPathAndNothingIsWritten() throws Exception {
    byte[] garbage = "PAR1 this is not a Parquet file PAR1".getBytes(StandardCharsets.US_ASCII);
    try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path("/audit/corrupt.parquet"))) {
      out.write(garbage);
    }
    // A copy of the Hive folder with one of its files overwritten by bytes that are not Parquet.
    org.apache.hadoop.fs.FileUtil.copy(fs, new org.apache.hadoop.fs.Path("/audit/hive"), fs, new org.apache.hadoop.fs.Path("/audit/hive-bad"), false, fs.getConf());
    String bad = null;
    for (FileStatus f : fs.listStatus(new org.apache.hadoop.fs.Path("/audit/hive-bad/year=2024/month=7"))) {
      if (f.getPath().getName().endsWith(".parquet")) {
        bad = f.getPath().toUri().getPath();
      }
    }
    assertNotNull(bad);
    try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(bad), true)) {
      out.write(garbage);
    }
    String missingRef = hdfs + "/audit/missing-ref.csv";
    // Each case: its suite, the line:column and key the message is anchored at (a missing path: the suite's path key), what the message holds.
    record Case(String path, Path suite, String anchor, List<String> expected) {}
    for (Case c : List.of(
        new Case(hdfs + "/audit/missing.csv", suite("suite-bad-1.yaml", hdfs + "/audit/missing.csv", false, null), "5:9: 'data.path': ",
            List.of(hdfs + "/audit/missing.csv: data file not found (Spark: File does not exist: " + hdfs + "/audit/missing.csv)")),
        new Case(hdfs + "/audit/hive/year=2024/month=13/", suite("suite-bad-2.yaml", hdfs + "/audit/hive/year=2024/month=13/", true, null),
            "5:9: 'data.path': ", List.of(hdfs + "/audit/hive/year=2024/month=13/: data file not found")),
        new Case(missingRef, referenceSuite("suite-bad-3.yaml", hdfs + "/audit/hive/", missingRef), "10:9: 'reference.path': ",
            List.of(missingRef + ": data file not found (Spark: File does not exist: " + missingRef + ")")),
        new Case(hdfs + "/audit/corrupt.parquet", suite("suite-bad-4.yaml", hdfs + "/audit/corrupt.parquet", true, null), null,
            List.of(hdfs + "/audit/corrupt.parquet: Spark cannot read the parquet data: corrupted file: the footer index is not within the file")),
        new Case(hdfs + "/audit/hive-bad/", suite("suite-bad-5.yaml", hdfs + "/audit/hive-bad/", true, null), null,
            List.of(hdfs + "/audit/hive-bad/: Spark cannot read the parquet data: " + hdfs + bad
                + " is not a readable Parquet file: corrupted file: the footer index is not within the file")))) {
      Path run = Files.createDirectories(dir.resolve("bad-" + c.suite().getFileName().toString().replace(".yaml", "")));
      SparkCliTest.Run r = SparkCliTest.gauntlet("audit", "--suite", c.suite().toString(), "--engine", "spark", "--master", "local[2]",
          "--out", run.resolve("out").toString());
      assertEquals(2, r.code(), c.path() + ": " + r.out() + r.err());
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

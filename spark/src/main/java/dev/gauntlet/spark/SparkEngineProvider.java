package dev.gauntlet.spark;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.RemoteRows;
import dev.gauntlet.harness.run.EngineProvider;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.summary.SummaryEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * {@code --engine spark}: options {@code master} (default {@code local[2]}) and {@code partitions}
 * (default: as Spark reads the data; a CSV file in at least Spark's default parallelism of splits).
 * Spark reads the evaluation data itself ({@link #rows}): the driver holds only the sample.
 */
public final class SparkEngineProvider implements EngineProvider, AutoCloseable {

  @Override
  public String name() {
    return "spark";
  }

  private SparkSession session;
  private SparkData opened;
  private boolean engineOpened;

  /** The {@code partitions} option: 0 when not given (then Spark's default parallelism). */
  private static int partitions(Map<String, String> options) {
    int partitions = 0;
    if (options.containsKey("partitions")) {
      try {
        partitions = Integer.parseInt(options.get("partitions"));
      } catch (NumberFormatException e) {
        partitions = -1;
      }
      if (partitions < 1) {
        throw new UsageException("--partitions: expected a whole number of at least 1, got '" + options.get("partitions") + "'");
      }
    }
    return partitions;
  }

  /**
   * Spark reads the evaluation data: the suite loader hands it the path as written (local paths
   * resolved; hdfs://, s3a:// and any other URI untouched) and gets back the sample drawn on the executors.
   */
  @Override
  public Optional<RemoteRows> rows(Map<String, String> options) {
    int partitions = partitions(options);
    SparkSession spark = session(options.getOrDefault("master", "local[2]"));
    this.session = spark;
    // Default: as Spark reads the data (a CSV file in at least Spark's default parallelism of splits, Parquet by its file splits).
    return Optional.of((path, format, schema, selection) -> {
      if (opened != null) {
        opened.close();
      }
      opened = SparkData.open(spark, path, format, schema, selection, partitions);
      return opened;
    });
  }

  @Override
  public SummaryEngine open(Suite suite, Map<String, String> options) {
    int partitions = partitions(options);
    SparkEngine engine;
    if (opened != null && (suite.stream() == opened || suite.stream() == null)) {
      // The rows read for this suite by rows(): Spark holds them; the driver holds the sample, or the few kept rows.
      engine = new SparkEngine(session, true, opened, suite.stream() == null ? suite.data() : null, suite.stream(), suite.model());
    } else {
      SparkSession spark = session != null ? session : session(options.getOrDefault("master", "local[2]"));
      session = spark;
      int k = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
      if (suite.stream() != null) {
        // A suite streamed in-process: Spark reads the same source and summarises its rows; the checks on chosen rows see the suite's own sample.
        SparkData rows = SparkEngine.open(spark, suite.data().withSource(suite.data().source().withSample(null)), k);
        long expected = suite.data().source().sample().ofRows();
        if (rows.rows() != expected) {
          rows.close();
          throw new UsageException(rows.name() + ": Spark kept " + rows.rows() + " rows but the driver's streamed read kept " + expected
              + "; did the data change between the two reads?");
        }
        engine = new SparkEngine(spark, true, rows, null, suite.stream(), suite.model());
      } else {
        engine = new SparkEngine(spark, true, suite.data(), suite.model(), k);
      }
    }
    engineOpened = true;
    try {
      // Load and run the models on the executors before any check: an executor that cannot load one fails here, before anything is written.
      engine.forModel(suite.model()).prepare(suite.threshold());
      if (suite.baseline() != null) {
        engine.forModel(suite.baseline()).prepare(suite.threshold());
      }
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    return engine;
  }

  /** Stops the session this provider started when no engine took it over (a run that stopped before its checks). */
  @Override
  public void close() {
    if (!engineOpened && session != null) {
      if (opened != null) {
        opened.close();
      }
      session.stop();
      session = null;
    }
  }

  /** A session on {@code master}, after checking that a {@code spark://} master answers (Spark itself retries for a minute). */
  static SparkSession session(String master) {
    if (master.startsWith("spark://")) {
      for (String hostPort : master.substring("spark://".length()).split(",")) {
        URI u = URI.create("spark://" + hostPort);
        if (u.getHost() == null || u.getPort() < 0) {
          throw new UsageException("--master " + master + ": expected spark://HOST:PORT");
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 3000);
        } catch (IOException e) {
          throw new UsageException("--master " + master + ": cannot reach the Spark master at " + u.getHost() + ":" + u.getPort()
              + " (" + e.getMessage() + "); start it, or run locally with --master local[2]");
        }
      }
    } else if (!master.startsWith("local") && !master.startsWith("yarn") && !master.startsWith("k8s://")) {
      throw new UsageException("--master " + master + ": expected local[N], spark://HOST:PORT, yarn or k8s://...");
    }
    if (!master.startsWith("local")) {
      // Fail closed before any executor starts: the summarisers reach executors through this JVM.
      throw new UsageException("--master " + master + ": this version of the Spark engine runs in Spark's local mode only (--master local[N]):"
          + " the checks' summarisers and the schema reach the executors through the driver's JVM, so a cluster's executors could not run them");
    }
    try {
      SparkSession.Builder b = SparkSession.builder().appName("gauntlet").master(master)
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "8");
      if (master.startsWith("local")) {
        b = b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
      }
      SparkSession s = b.getOrCreate();
      s.sparkContext().setLogLevel("ERROR");
      return s;
    } catch (RuntimeException e) {
      throw new UsageException("--master " + master + ": Spark did not start: " + SparkEngine.firstLine(e), e);
    }
  }
}

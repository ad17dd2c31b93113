package dev.gauntlet.spark;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.run.EngineProvider;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.summary.SummaryEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** {@code --engine spark}: options {@code master} (default {@code local[2]}) and {@code partitions} (default: Spark's default parallelism). */
public final class SparkEngineProvider implements EngineProvider {

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public SummaryEngine open(Suite suite, Map<String, String> options) {
    String master = options.getOrDefault("master", "local[2]");
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
    if (suite.stream() != null) {
      // The engine binds the driver's whole table: a streamed suite's data() is a sample, not the rows Spark would summarise.
      throw new IllegalStateException("suite '" + suite.name() + "' was loaded streamed (data() is a sample); the Spark engine needs the whole table:"
          + " load it with SuiteLoader.withChunkRows(Integer.MAX_VALUE)");
    }
    SparkSession spark = session(master);
    // Default: Spark's default parallelism (local[2]: 2), since a CSV read as multi-line records is one partition per file.
    SparkEngine engine = new SparkEngine(spark, true, suite.data(), suite.model(), partitions > 0 ? partitions : spark.sparkContext().defaultParallelism());
    try {
      engine.validate();
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

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * {@code --engine spark}: options {@code master} and {@code partitions} (default: as Spark reads the
 * data; a CSV file in at least Spark's default parallelism of splits). The master is {@code
 * local[N]}, {@code local-cluster[W,C,M]}, {@code spark://HOST:PORT} (checked to answer first), or
 * {@code yarn} / {@code k8s://...} (passed to Spark as given); without one, the {@code spark.master}
 * of spark-submit's configuration when there is one, else {@code local[2]}. Spark reads the
 * evaluation data and the reference data itself ({@link #rows}): the driver holds only their
 * samples (or the few kept rows of data no bigger than {@code data.sample.rows}).
 */
public final class SparkEngineProvider implements EngineProvider, AutoCloseable {

  @Override
  public String name() {
    return "spark";
  }

  private SparkSession session;
  /** The rows {@link #rows} opened (the evaluation data, the reference data), in order; those a suite does not use are closed by {@link #open}. */
  private final List<SparkData> opened = new ArrayList<>();
  private boolean engineOpened;

  /** The {@code master} option (null: spark-submit's, else local[2]); refused under spark-submit, whose master is its own. */
  private static String master(Map<String, String> options) {
    String master = options.get("master");
    if (master != null && SparkSubmitMain.submitted()) {
      throw new UsageException("--master " + master + ": under spark-submit the master is spark-submit's own (spark-submit --master URL ...); drop --master");
    }
    return master;
  }

  /** The {@code partitions} option: 0 when not given (then as Spark reads the data). */
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
   * Spark reads the evaluation data and the reference data: the suite loader hands it each path as
   * written (local paths resolved; hdfs://, s3a:// and any other URI untouched) and gets back the
   * sample drawn on the executors (or the few kept rows).
   */
  @Override
  public Optional<RemoteRows> rows(Map<String, String> options) {
    int partitions = partitions(options);
    SparkSession spark = session(master(options));
    this.session = spark;
    // Default: as Spark reads the data (a CSV file in at least Spark's default parallelism of splits, Parquet by its file splits).
    return Optional.of((path, format, schema, selection) -> {
      SparkData d = SparkData.open(spark, path, format, schema, selection, partitions);
      synchronized (opened) {
        opened.add(d);
      }
      return d;
    });
  }

  /** The rows {@link #rows} opened that {@code stream} (when not null) or {@code table} (what the driver received of them) stands for, or null. */
  private SparkData held(dev.gauntlet.harness.data.RowChunks stream, dev.gauntlet.harness.data.Table table) {
    synchronized (opened) {
      for (SparkData d : opened) {
        if (stream != null ? stream == d : d.handedOut(table)) {
          return d;
        }
      }
      return null;
    }
  }

  /** Closes the rows {@link #rows} opened that the engine does not hold (those of an earlier load). */
  private void closeOthers(SparkData data, SparkData reference) {
    synchronized (opened) {
      for (SparkData d : opened) {
        if (d != data && d != reference) {
          d.close();
        }
      }
      opened.clear();
    }
  }

  @Override
  public SummaryEngine open(Suite suite, Map<String, String> options) {
    int partitions = partitions(options);
    SparkEngine engine;
    SparkData data = held(suite.stream(), suite.data());
    SparkData ref = suite.reference() == null ? null : held(suite.referenceStream(), suite.reference());
    closeOthers(data, data == null ? null : ref);
    if (data != null) {
      // The rows read for this suite by rows(): Spark holds them (and the reference's); the driver holds the samples, or the few kept rows.
      engine = new SparkEngine(session, true, data, suite.stream() == null ? suite.data() : null, suite.stream(),
          ref, ref == null || suite.referenceStream() != null ? null : suite.reference(), ref == null ? null : suite.referenceStream(), suite.model());
    } else {
      SparkSession spark = session != null ? session : session(master(options));
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
      closeOthers(null, null);
      session.stop();
      session = null;
    }
  }

  /** How long a {@code spark://} master has to answer a connection. */
  static final int CONNECT_MILLIS = 3000;

  /**
   * A session on {@code master} (null: the master of spark-submit's configuration, {@code
   * spark.master}, else {@code local[2]}), after checking that a {@code spark://} master answers
   * (Spark itself retries for a minute).
   */
  static SparkSession session(String master) {
    if (master == null) {
      String conf = System.getProperty("spark.master");
      return start(conf != null && !conf.isBlank() ? conf : "local[2]", conf != null && !conf.isBlank());
    }
    return start(master, false);
  }

  private static SparkSession start(String master, boolean fromConf) {
    String what = fromConf ? "spark.master " + master + " (spark-submit's --master)" : "--master " + master;
    if (master.startsWith("spark://")) {
      for (String hostPort : master.substring("spark://".length()).split(",")) {
        URI u = URI.create("spark://" + hostPort);
        if (u.getHost() == null || u.getPort() < 0) {
          throw new UsageException(what + ": expected spark://HOST:PORT");
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(u.getHost(), u.getPort()), CONNECT_MILLIS);
        } catch (IOException e) {
          throw new UsageException(what + ": cannot reach the Spark master at " + u.getHost() + ":" + u.getPort()
              + " (" + e.getMessage() + "); start it, or run locally with --master local[2]");
        }
      }
    } else if (!master.matches("local(\\[[0-9*]+(,[0-9]+)?])?") && !master.matches("local-cluster\\[\\s*[0-9]+\\s*,\\s*[0-9]+\\s*,\\s*[0-9]+\\s*]")
        && !master.equals("yarn") && !master.startsWith("k8s://")) {
      throw new UsageException(what + ": expected local[N], local-cluster[WORKERS,CORES,MEMORY_MB], spark://HOST:PORT, yarn or k8s://...");
    }
    try {
      SparkSession.Builder b = SparkSession.builder().appName("gauntlet");
      // Gauntlet's defaults, unless spark-submit's (or the JVM's) configuration says otherwise
      for (String[] kv : new String[][] {{"spark.ui.enabled", "false"}, {"spark.sql.shuffle.partitions", "8"}}) {
        if (System.getProperty(kv[0]) == null) {
          b = b.config(kv[0], kv[1]);
        }
      }
      if (!fromConf) {
        b = b.master(master);
      }
      if (master.startsWith("local-cluster")) {
        // Each executor is a JVM a Worker starts with $SPARK_HOME/jars/* (WorkerCommandBuilder); on this machine by definition,
        // so this JVM's classpath (Gauntlet's) is valid there too.
        String home = System.getenv("SPARK_HOME");
        if (home == null || !Files.isDirectory(Path.of(home, "jars"))) {
          throw new UsageException(what + ": local-cluster starts each executor with $SPARK_HOME/jars on its classpath, but SPARK_HOME is "
              + (home == null ? "not set" : home + ", which has no jars/ folder") + "; set it to a Spark 3.5 distribution (or use local[N])");
        }
        if (System.getProperty("spark.executor.extraClassPath") == null) {
          b = b.config("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        }
      }
      if (master.startsWith("local") && System.getProperty("spark.driver.host") == null) {
        // local and local-cluster: the driver (and local-cluster's workers) on the loopback address, nothing listening outside
        b = b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
      }
      SparkSession s = b.getOrCreate();
      s.sparkContext().setLogLevel("ERROR");
      return s;
    } catch (RuntimeException e) {
      throw new UsageException(what + ": Spark did not start: " + SparkEngine.firstLine(e), e);
    }
  }
}

package dev.gauntlet.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] session for the Spark tests of this JVM (started again if a test stopped it). */
final class Sessions {
  private static SparkSession spark;

  private Sessions() {}

  static synchronized SparkSession shared() {
    if (spark == null || spark.sparkContext().isStopped()) {
      spark = SparkEngineProvider.session("local[2]");
    }
    return spark;
  }

  /** Stops the shared session and any other active one (a test that needs its own master). */
  static synchronized void stop() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
    if (SparkSession.getActiveSession().isDefined()) {
      SparkSession.getActiveSession().get().stop();
    }
    if (SparkSession.getDefaultSession().isDefined()) {
      SparkSession.getDefaultSession().get().stop();
    }
  }
}

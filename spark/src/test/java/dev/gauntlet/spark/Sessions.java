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
}

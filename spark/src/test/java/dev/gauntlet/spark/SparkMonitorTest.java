package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.harness.report.JsonReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gauntlet monitor --engine spark}: the suite's data (the reference the scores are
 * calibrated on) is read by Spark and its model's predictions made on the executors; the prediction
 * and label logs are read and joined on the driver and the window summary of the joined rows is
 * computed there (a table derived on the driver, so the engine summarises it in-process: one
 * summary on the driver, as {@code provenance.engine} says). The same verdict and the same
 * measurements and findings, bit for bit, as in-process.
 */
class SparkMonitorTest {

  /** Six months of 2025 served scores (300 a month) and the labels that arrived by 2025-07-10, 0 to 59 days late. */
  static Path monitorSuite(Path dir) throws Exception {
    SparkEngineEqualityTest.synthetic(dir); // schema.yaml and data.csv (2024, with the model's score and the label): the reference
    Files.createDirectories(dir.resolve("production"));
    SplittableRandom r = new SplittableRandom(2025);
    StringBuilder preds = new StringBuilder("id,date,income,debt,sex,region,score\n");
    StringBuilder labels = new StringBuilder("id,label,label_date\n");
    String[] regions = {"north", "south", "east", "west"};
    for (int i = 0; i < 1800; i++) {
      LocalDate day = LocalDate.of(2025, 1 + i / 300, 1 + r.nextInt(28));
      boolean f = r.nextBoolean();
      int y = r.nextDouble() < 0.45 + (f ? -0.05 : 0.05) ? 1 : 0;
      double noise = 0.3 + 0.03 * (i / 300);
      double s = Math.min(1, Math.max(0, (y == 1 ? 0.65 : 0.35) + noise * (r.nextDouble() - 0.5) * 2));
      String id = String.format(Locale.ROOT, "p%05d", i);
      preds.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%s,%.3f%n", id, day, Math.round((40000 + 25000 * r.nextGaussian()) * 100) / 100.0,
          Math.round(r.nextDouble() * 1000) / 1000.0, f ? "F" : "M", regions[r.nextInt(4)], s));
      LocalDate known = day.plusDays(r.nextInt(60));
      if (!known.isAfter(LocalDate.of(2025, 7, 10))) {
        labels.append(id).append(',').append(y).append(',').append(known).append('\n');
      }
    }
    Files.writeString(dir.resolve("production/predictions.csv"), preds);
    Files.writeString(dir.resolve("production/labels.csv"), labels);
    Path suite = dir.resolve("monitor.yaml");
    Files.writeString(suite, """
        name: spark-monitor
        seed: 7
        model: {type: precomputed, score: score, threshold: 0.5, probability: true}
        data: {path: data.csv, schema: schema.yaml}
        checks:
          - id: production
            type: monitor.performance
            params:
              predictions: {path: production/predictions.csv, score: score}
              labels: {path: production/labels.csv, id: id, label: label, time: label_date}
              labelsDueWithin: 60d
              asOf: 2025-07-10
              window: month
              slices: [sex]
              reference: {sex: M}
              calibration: none
            conditions:
              - {metric: realized_accuracy, atLeast: 0.75}
              - {metric: estimated_accuracy, atLeast: 0.70}
        """);
    return suite;
  }

  @Test
  void monitorOnSparkGivesTheInProcessMeasurementsWithTheLogsSummarisedOnTheDriver(@TempDir Path dir) throws Exception {
    Path suite = monitorSuite(dir);
    SparkCliTest.Run local = SparkCliTest.gauntlet("monitor", "--suite", suite.toString(), "--history", "off", "--quiet", "--out", dir.resolve("local").toString());
    SparkCliTest.Run spark = SparkCliTest.gauntlet("monitor", "--suite", suite.toString(), "--history", "off", "--quiet", "--out", dir.resolve("spark").toString(),
        "--engine", "spark", "--master", "local[2]", "--partitions", "2");
    assertTrue(local.code() == 0 || local.code() == 1, local.out() + local.err());
    assertEquals(local.code(), spark.code(), spark.out() + spark.err());
    JsonNode a = JsonReport.mapper().readTree(dir.resolve("local/report.json").toFile());
    JsonNode b = JsonReport.mapper().readTree(dir.resolve("spark/report.json").toFile());
    assertEquals(a.get("verdict"), b.get("verdict"));
    assertEquals(1, a.get("checks").size());
    JsonNode x = a.get("checks").get(0);
    JsonNode y = b.get("checks").get(0);
    assertEquals("production", x.get("id").asText());
    assertEquals(x.get("outcome"), y.get("outcome"));
    assertTrue(x.get("measurements").size() > 10, "measured little: " + x.get("summary"));
    assertEquals(x.get("measurements"), y.get("measurements"), "every measurement as JSON (doubles in round-trip form)");
    assertEquals(x.get("findings"), y.get("findings"));
    assertEquals(a.get("provenance").get("data"), b.get("provenance").get("data"));
    String engine = b.get("provenance").get("engine").asText();
    assertTrue(engine.matches("spark 3\\.5\\.\\d+ local\\[2], executors in the driver's JVM, 2 partitions \\(0 summaries on Spark, 1 on the driver\\)"), engine);
  }
}

package dev.gauntlet.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The join, the completeness and the realized and estimated figures of {@link Tiny}, against a hand count. */
class MonitorCheckTest {
  @TempDir
  Path dir;

  static CheckResult run(Path suiteFile, Path out) {
    Suite s = new SuiteLoader().load(suiteFile, OptionalLong.empty(), null);
    SuiteResult r = new SuiteRunner(m -> {}, out, "test").run(s);
    return r.checks().get(0);
  }

  static Measurement find(CheckResult c, String metric, Subject s) {
    return c.measurements().stream().filter(m -> m.metric().equals(metric) && m.subject().equals(s)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + "[" + s + "] among " + c.measurements().stream().map(Measurement::key).toList()));
  }

  static Subject w(String window) {
    return Subject.window(window);
  }

  static Subject gw(String group, String window) {
    return Subject.slice("g", group).with(Subject.Dim.WINDOW, window);
  }

  @Test
  void joinCountsCompletenessAndFiguresMatchTheHandCount() throws Exception {
    CheckResult c = run(Tiny.write(dir), dir.resolve("out"));
    assertNull(c.error(), c.error());
    // 2024-01: p1..p6, labels for p1..p5; correct: p1 (0.9 yes), p3 (0.2 no), p5 (0.7 yes); wrong: p2 (0.8 no), p4 (0.3 yes)
    Measurement comp = find(c, "label_completeness", w("2024-01"));
    assertEquals(5.0 / 6, comp.value(), 1e-12);
    assertEquals(6, comp.n());
    Measurement real = find(c, "realized_accuracy", w("2024-01"));
    assertEquals(0.6, real.value(), 1e-12);
    assertEquals(5, real.n());
    assertNull(real.inconclusive());
    assertEquals(Interval.Method.WILSON, real.interval().method());
    // CBPE with the scores as probabilities: P(correct) = 0.9, 0.8, 0.8, 0.7, 0.7, 0.6 -> 4.5 / 6
    Measurement est = find(c, "estimated_accuracy", w("2024-01"));
    assertEquals(0.75, est.value(), 1e-12);
    assertEquals(Interval.Method.POISSON_BINOMIAL, est.interval().method());
    // half width 1.96 sqrt(sum c(1-c)) / n = 1.959964 * sqrt(0.09+0.16+0.16+0.21+0.21+0.24) / 6
    double half = 1.959963984540054 * Math.sqrt(1.07) / 6;
    assertEquals(0.75 - half, est.interval().lower(), 1e-9);
    assertEquals(Math.min(1, 0.75 + half), est.interval().upper(), 1e-9);
    // groups in 2024-01: a = p1, p2, p5 (3 labelled, 2 right); b = p3, p4, p6 (2 labelled, 1 right)
    assertEquals(1.0, find(c, "label_completeness", gw("a", "2024-01")).value(), 1e-12);
    assertEquals(2.0 / 3, find(c, "label_completeness", gw("b", "2024-01")).value(), 1e-12);
    assertEquals(2.0 / 3, find(c, "realized_accuracy", gw("a", "2024-01")).value(), 1e-12);
    assertEquals(0.5, find(c, "realized_accuracy", gw("b", "2024-01")).value(), 1e-12);
    // selection: a 3 of 3 decided yes, b 1 of 3 (p6 0.6): gap b - a = 1/3 - 1
    assertEquals(1.0 / 3 - 1, find(c, "selection_rate_gap", gw("b", "2024-01")).value(), 1e-12);
    assertEquals(0.5 - 2.0 / 3, find(c, "realized_accuracy_gap", gw("b", "2024-01")).value(), 1e-12);
    // estimated gap: b (0.8 + 0.7 + 0.6) / 3 - a (0.9 + 0.8 + 0.7) / 3
    assertEquals(2.1 / 3 - 2.4 / 3, find(c, "estimated_accuracy_gap", gw("b", "2024-01")).value(), 1e-12);
    // 2024-02: p7..p10, labels p7, p8 (both right); immature at asOf 2024-03-20 (due 2024-03-31), 50% < minCompleteness 80%
    assertEquals(0.5, find(c, "label_completeness", w("2024-02")).value(), 1e-12);
    Measurement feb = find(c, "realized_accuracy", w("2024-02"));
    assertEquals(1.0, feb.value(), 1e-12);
    assertNotNull(feb.inconclusive());
    assertTrue(feb.inconclusive().contains("not mature"), feb.inconclusive());
    assertEquals(0.75, find(c, "estimated_accuracy", w("2024-02")).value(), 1e-12); // 0.9 + 0.95 + 0.6 + 0.55
    // health: one mature window (2024-01), realized 0.6 inside the estimate for p1..p5 (0.78 +- 1.96 sqrt(0.83) / 5)
    Measurement miss = find(c, "estimator_miss_rate", Subject.all());
    assertEquals(0.0, miss.value());
    assertEquals(1, miss.n());
    assertEquals("PASS", c.outcome().name());
  }

  @Test
  void aLateLabelRevisesTheWindow() throws Exception {
    Path first = Tiny.write(dir);
    CheckResult before = run(first, dir.resolve("out1"));
    assertEquals(0.5, find(before, "label_completeness", w("2024-02")).value(), 1e-12);
    // p9 (0.4, decided no) turns out yes, p10 (0.55, decided yes) yes: 4 of 4 labelled, 3 right
    Tiny.write(dir, Tiny.PREDICTIONS, Tiny.LABELS + "p9,yes,2024-03-01\np10,yes,2024-03-02\n", Tiny.SUITE);
    CheckResult after = run(first, dir.resolve("out2"));
    assertEquals(1.0, find(after, "label_completeness", w("2024-02")).value(), 1e-12);
    Measurement r = find(after, "realized_accuracy", w("2024-02"));
    assertEquals(0.75, r.value(), 1e-12);
    assertNull(r.inconclusive(), "a complete window is judged even before it matures");
    // the mature window is unchanged
    assertEquals(0.6, find(after, "realized_accuracy", w("2024-01")).value(), 1e-12);
  }

  @Test
  void labelsAfterAsOfHaveNotArrivedYet() throws Exception {
    Tiny.write(dir, Tiny.PREDICTIONS, Tiny.LABELS + "p9,yes,2024-04-01\n", Tiny.SUITE);
    CheckResult c = run(dir.resolve("suite.yaml"), dir.resolve("out"));
    assertEquals(0.5, find(c, "label_completeness", w("2024-02")).value(), 1e-12);
  }

  static UsageException bad(Path dir, String predictions, String labels) throws Exception {
    Path s = Tiny.write(dir, predictions, labels, Tiny.SUITE);
    return assertThrows(UsageException.class, () -> new SuiteLoader().load(s, OptionalLong.empty(), null));
  }

  @Test
  void aDuplicatePredictionIdIsRefusedAtItsLine() throws Exception {
    UsageException e = bad(dir, Tiny.PREDICTIONS + "p3,2024-02-21,a,0.5,v2\n", Tiny.LABELS);
    assertTrue(e.getMessage().contains("predictions.csv:12:1: prediction id 'p3' is in the prediction log twice"), e.getMessage());
    assertTrue(e.getMessage().contains("predictions.csv:4:1"), "names the first occurrence too: " + e.getMessage());
  }

  @Test
  void aLabelForAnUnknownIdIsRefusedAtItsLine() throws Exception {
    UsageException e = bad(dir, Tiny.PREDICTIONS, Tiny.LABELS + "p99,no,2024-03-01\n");
    assertTrue(e.getMessage().contains("labels.csv:9:1: the label log has a label for id 'p99'"), e.getMessage());
  }

  @Test
  void aLabelBeforeItsPredictionIsRefusedAtItsTime() throws Exception {
    UsageException e = bad(dir, Tiny.PREDICTIONS, Tiny.LABELS + "p9,no,2024-02-14\n");
    assertTrue(e.getMessage().contains("labels.csv:9:3: the label of id 'p9' arrived at 2024-02-14T00:00:00Z, before its prediction"), e.getMessage());
  }

  @Test
  void aSecondLabelForOneIdIsRefused() throws Exception {
    UsageException e = bad(dir, Tiny.PREDICTIONS, Tiny.LABELS + "p1,no,2024-03-01\n");
    assertTrue(e.getMessage().contains("labels.csv:9:1: id 'p1' has two labels"), e.getMessage());
  }

  @Test
  void unparsableTimesAreRefusedAtTheirCell() throws Exception {
    UsageException p = bad(dir, Tiny.PREDICTIONS.replace("2024-01-15", "2024-13-45"), Tiny.LABELS);
    assertTrue(p.getMessage().contains("predictions.csv:5:2"), p.getMessage());
    UsageException l = bad(dir, Tiny.PREDICTIONS, Tiny.LABELS.replace("2024-02-05", "yesterday"));
    assertTrue(l.getMessage().contains("labels.csv:5:3"), l.getMessage());
  }

  @Test
  void aScoreOutsideZeroOneIsRefused() throws Exception {
    UsageException e = bad(dir, Tiny.PREDICTIONS.replace("0.95", "1.5"), Tiny.LABELS);
    assertTrue(e.getMessage().contains("predictions.csv:9:4"), e.getMessage());
  }

  @Test
  void unknownParametersAndBadDurationsAreRefusedAtTheirKey() throws Exception {
    UsageException e = assertThrows(UsageException.class, () -> new SuiteLoader().load(
        Tiny.write(dir, Tiny.PREDICTIONS, Tiny.LABELS, Tiny.SUITE.replace("labelsDueWithin: 30d", "labelsDueWithin: 30 days")), OptionalLong.empty(), null));
    assertTrue(e.getMessage().contains("suite.yaml:10:"), e.getMessage());
    assertTrue(e.getMessage().contains("duration"), e.getMessage());
    UsageException k = assertThrows(UsageException.class, () -> new SuiteLoader().load(
        Tiny.write(dir, Tiny.PREDICTIONS, Tiny.LABELS, Tiny.SUITE.replace("labels: {path: labels.csv}", "labels: {path: labels.csv, when: x}")),
        OptionalLong.empty(), null));
    assertTrue(k.getMessage().contains("suite.yaml:9:"), k.getMessage());
  }

  @Test
  void rowWindowsCutInTimeOrder() throws Exception {
    CheckResult c = run(Tiny.write(dir, Tiny.PREDICTIONS, Tiny.LABELS, Tiny.SUITE.replace("window: month", "window: rows\n      windowRows: 10")
        .replace("\"window=2024-01\"", "\"window=rows-1\"")), dir.resolve("out"));
    assertNull(c.error(), c.error());
    assertEquals(0.7, find(c, "label_completeness", w("rows-1")).value(), 1e-12);
    List<Measurement> ws = c.measurements().stream().filter(m -> m.metric().equals("label_completeness") && m.subject().attributes().isEmpty()).toList();
    assertEquals(1, ws.size());
  }

  /** 4 months of 600 predictions, all labelled, labels ~ Bernoulli(score^power): power 1 is a calibrated model, 6 a concept shift (expected accuracy 0.641, not 0.75). */
  static Path generated(Path dir, double power, String conditions) throws Exception {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    StringBuilder p = new StringBuilder("id,t,g,score\n");
    StringBuilder l = new StringBuilder("id,y,label_time\n");
    for (int m = 1; m <= 4; m++) {
      for (int i = 0; i < 600; i++) {
        double sc = Math.round(r.nextDouble() * 1000) / 1000.0;
        String id = "m" + m + "-" + i;
        String day = String.format(java.util.Locale.ROOT, "2024-%02d-%02d", m, 1 + r.nextInt(28));
        p.append(id).append(',').append(day).append(',').append(i % 2 == 0 ? "a" : "b").append(',').append(sc).append('\n');
        l.append(id).append(',').append(r.nextDouble() < Math.pow(sc, power) ? "yes" : "no").append(',').append(day).append('\n');
      }
    }
    String suite = Tiny.SUITE.replace("predictions: {path: predictions.csv, version: model_version}", "predictions: {path: predictions.csv}")
        .replace("asOf: 2024-03-20", "asOf: 2024-12-31")
        .replace("    conditions:\n      - {metric: realized_accuracy, subject: \"window=2024-01\", atLeast: 0.5}\n", "    conditions:\n" + conditions);
    return Tiny.write(dir, p.toString(), l.toString(), suite);
  }

  @Test
  void anEstimatorThatMissesOnMatureWindowsIsUntrustedAndItsEstimatesNeverPass() throws Exception {
    CheckResult c = run(generated(dir, 6, "      - {metric: estimated_accuracy, atLeast: 0.1}\n"), dir.resolve("out"));
    assertNull(c.error(), c.error());
    Measurement e = find(c, "estimated_accuracy", w("2024-02"));
    assertNotNull(e.inconclusive(), "estimates of an untrusted estimator are INCONCLUSIVE");
    assertTrue(e.inconclusive().contains("untrusted") && e.inconclusive().contains("4 of 4 mature windows"), e.inconclusive());
    assertNotNull(find(c, "estimated_accuracy_gap", gw("b", "2024-02")).inconclusive());
    assertEquals(1.0, find(c, "estimator_miss_rate", Subject.all()).value());
    assertEquals("INCONCLUSIVE", c.outcome().name(), "an estimate that would pass its condition is not a PASS when the estimator is untrusted");
  }

  @Test
  void aCalibratedModelsEstimatorIsTrustedAndItsEstimatesAreJudged() throws Exception {
    CheckResult c = run(generated(dir, 1, "      - {metric: estimated_accuracy, atLeast: 0.1}\n"), dir.resolve("out"));
    assertNull(c.error(), c.error());
    assertNull(find(c, "estimated_accuracy", w("2024-02")).inconclusive());
    assertEquals("PASS", c.outcome().name());
    // the report's charts: one per cell (all, g=a, g=b), realized and estimated together with the labelled fraction
    List<dev.gauntlet.harness.check.Evidence.Chart> charts = c.evidence().stream().filter(x -> x instanceof dev.gauntlet.harness.check.Evidence.Chart)
        .map(x -> (dev.gauntlet.harness.check.Evidence.Chart) x).toList();
    assertEquals(3, charts.size());
    for (dev.gauntlet.harness.check.Evidence.Chart ch : charts) {
      List<String> names = ch.series().stream().map(dev.gauntlet.harness.check.Evidence.Series::name).toList();
      assertTrue(names.get(0).startsWith("realized") && names.get(1).startsWith("estimated") && names.get(2).equals("labelled fraction"), names.toString());
      assertEquals(4, ch.series().get(0).points().size());
      assertTrue(ch.alt().contains("2024-04: estimated"), ch.alt());
    }
  }

  @Test
  void aTrendBelowTheFloorSaysRetrainNow() throws Exception {
    // accuracy of a calibrated model with uniform scores is about 0.75; a floor of 0.9 is crossed already
    Path s = generated(dir, 1, "      - {metric: days_until_floor, atLeast: 30}\n");
    java.nio.file.Files.writeString(s, java.nio.file.Files.readString(s).replace("maxCalibrationError: 1", "maxCalibrationError: 1\n      floor: 0.9"));
    CheckResult c = run(s, dir.resolve("out"));
    Measurement d = find(c, "days_until_floor", Subject.all());
    assertEquals(0.0, d.value());
    assertEquals("FAIL", c.outcome().name());
  }

  @Test
  void parquetLogsGiveTheSameFigures() throws Exception {
    Path suite = Tiny.write(dir);
    CheckResult csv = run(suite, dir.resolve("out1"));
    dev.gauntlet.harness.data.Schema schema = dev.gauntlet.harness.data.SchemaLoader.load(dir.resolve("schema.yaml"));
    MonitorCheck check = (MonitorCheck) new SuiteLoader().load(suite, OptionalLong.empty(), null).checks().get(0).check();
    dev.gauntlet.parquet.ParquetWriter.fromCsv(dir.resolve("predictions.csv"), ProductionLogs.predictionSchema(check.config(), schema), dir.resolve("predictions.parquet"));
    dev.gauntlet.parquet.ParquetWriter.fromCsv(dir.resolve("labels.csv"), ProductionLogs.labelSchema(check.config(), schema), dir.resolve("labels.parquet"));
    java.nio.file.Files.writeString(suite, Tiny.SUITE.replace("path: predictions.csv", "path: predictions.parquet").replace("path: labels.csv", "path: labels.parquet"));
    CheckResult pq = run(suite, dir.resolve("out2"));
    assertNull(pq.error(), pq.error());
    assertEquals(csv.measurements().size(), pq.measurements().size());
    for (int i = 0; i < csv.measurements().size(); i++) {
      Measurement a = csv.measurements().get(i);
      Measurement b = pq.measurements().get(i);
      assertEquals(a.key(), b.key());
      assertEquals(a.value(), b.value(), 0.0, a.key());
    }
  }
}

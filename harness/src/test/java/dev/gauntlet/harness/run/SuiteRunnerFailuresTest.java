package dev.gauntlet.harness.run;

import static dev.gauntlet.harness.run.RunFixtures.good;
import static dev.gauntlet.harness.run.RunFixtures.model;
import static dev.gauntlet.harness.run.RunFixtures.suite;
import static dev.gauntlet.harness.run.RunFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.performance.PerformanceCheck;
import dev.gauntlet.harness.report.JsonReport;
import dev.gauntlet.harness.report.ReportSchema;
import dev.gauntlet.harness.report.ReportWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the runner ends when models misbehave, and how it judges baselines and thin evidence. */
class SuiteRunnerFailuresTest {
  @TempDir
  Path out;

  static SuiteResult run(Suite s) {
    SuiteResult r = new SuiteRunner(null, null, null).run(s);
    ReportSchema.assertValid(JsonReport.render(r));
    return r;
  }

  static Finding finding(SuiteResult r, String check, MetricCondition.Kind kind) {
    CheckResult c = r.checks().stream().filter(x -> x.id().equals(check)).findFirst().orElseThrow();
    String text = kind == MetricCondition.Kind.MAX_DROP ? "below the baseline" : ">=";
    return c.findings().stream().filter(f -> f.condition().contains(text)).findFirst().orElseThrow(() -> new AssertionError(c.findings()));
  }

  // ---- baseline states

  @Test
  void aBaselineThatThrowsIsAnErrorOfTheChangeConditionAndFailsTheGate() {
    FunctionModel broken = model("old", x -> {
      throw new IllegalStateException("baseline exploded");
    });
    SuiteResult r = run(suite(table(100, false), good("new")).baseline(broken).build());
    Finding drop = finding(r, "perf", MetricCondition.Kind.MAX_DROP);
    assertEquals(Outcome.ERROR, drop.outcome(), drop.sentence());
    assertTrue(drop.sentence().contains("baseline model 'old' could not be measured") && drop.sentence().contains("baseline exploded"), drop.sentence());
    assertTrue(drop.blocks());
    assertEquals(Outcome.PASS, finding(r, "perf", MetricCondition.Kind.AT_LEAST).outcome(), "the absolute condition is still judged");
    assertFalse(r.verdict().passed(), "a failed baseline is never 'no baseline'");
    assertEquals(1, r.verdict().exitCode());
  }

  @Test
  void aBaselineThatOverflowsTheStackIsAnErrorNotACrash() {
    FunctionModel deep = model("old", x -> recurse(x, 0));
    SuiteResult r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(suite(table(100, false), good("new")).baseline(deep).build()));
    Finding drop = finding(r, "perf", MetricCondition.Kind.MAX_DROP);
    assertEquals(Outcome.ERROR, drop.outcome());
    assertTrue(drop.sentence().contains("StackOverflowError"), drop.sentence());
    assertFalse(r.verdict().passed());
  }

  @Test
  void withoutABaselineTheChangeIsInconclusive() {
    SuiteResult r = run(suite(table(100, false), good("new")).build());
    Finding drop = finding(r, "perf", MetricCondition.Kind.MAX_DROP);
    assertEquals(Outcome.INCONCLUSIVE, drop.outcome());
    assertTrue(drop.sentence().contains("the suite gives no baseline model"), drop.sentence());
    assertTrue(r.verdict().passed(), "the accuracy condition is judged, so the required check judged something: " + r.verdict().reasons());
  }

  @Test
  void aWorkingBaselineIsJudged() {
    FunctionModel worse = model("old", x -> {
      double[][] p = new double[x.length][];
      for (int i = 0; i < x.length; i++) {
        p[i] = new double[] {0.6, 0.4}; // always "no": accuracy 0.5
      }
      return p;
    });
    SuiteResult r = run(suite(table(100, false), good("new")).baseline(worse).build());
    Finding drop = finding(r, "perf", MetricCondition.Kind.MAX_DROP);
    assertEquals(Outcome.PASS, drop.outcome(), drop.sentence());
    assertEquals(0.5, drop.baseline(), 1e-12);
    assertEquals(1.0, drop.value(), 1e-12);
    assertFalse(r.checks().get(0).baselineMeasurements().isEmpty());
    // and a candidate worse than its baseline fails the change condition
    SuiteResult back = run(suite(table(100, false), worse).baseline(good("old")).build());
    assertEquals(Outcome.FAIL, finding(back, "perf", MetricCondition.Kind.MAX_DROP).outcome());
  }

  // ---- models that crash or hang

  static double[][] recurse(double[][] x, int depth) {
    return depth < Integer.MAX_VALUE ? recurse(x, depth + 1) : x;
  }

  void assertErrorAndReport(FunctionModel m, String expected) throws Exception {
    Suite s = suite(table(100, false), m).checkTimeLimit(Duration.ofSeconds(2)).build();
    SuiteResult r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(s));
    CheckResult c = r.checks().get(0);
    assertEquals(Outcome.ERROR, c.outcome());
    assertTrue(c.error().contains(expected), c.error());
    assertFalse(r.verdict().passed());
    assertEquals(2, r.provenance().checkTimeLimitSeconds());
    ReportWriter.write(r, out);
    JsonNode json = JsonReport.mapper().readTree(out.resolve("report.json").toFile());
    assertEquals(2, json.get("provenance").get("checkTimeLimitSeconds").asLong());
    assertEquals("ERROR", json.get("checks").get(0).get("outcome").asText());
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("2 s per check"), "the HTML provenance states the time limit");
  }

  @Test
  void aModelThatOverflowsTheStackEndsAsAnError() throws Exception {
    assertErrorAndReport(model("deep", x -> recurse(x, 0)), "StackOverflowError");
  }

  @Test
  void aModelThatRunsOutOfMemoryEndsAsAnError() throws Exception {
    // thrown rather than provoked: a real exhaustion would starve the other tests in this JVM
    assertErrorAndReport(model("hungry", x -> {
      throw new OutOfMemoryError("Java heap space");
    }), "ran out of memory");
  }

  @Test
  void aModelThatBlocksForEverIsAbandonedAtTheTimeLimit() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    assertErrorAndReport(model("stuck", x -> {
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return x;
    }), "did not finish within the time limit of 2 s");
  }

  // ---- too little evidence

  @Test
  void oneRowIsInconclusiveAndFailsTheGate() {
    Suite s = Suite.builder("t").data(table(1, false)).model(good("new"))
        .check(CheckSpec.of("perf", new PerformanceCheck(), MetricCondition.atLeast("accuracy", 0.8))).build();
    SuiteResult r = run(s);
    CheckResult c = r.checks().get(0);
    assertEquals(Outcome.INCONCLUSIVE, c.outcome());
    assertTrue(c.findings().get(0).sentence().length() > 0);
    assertFalse(r.verdict().passed(), "a required check that judged nothing fails closed");
    assertEquals(List.of("perf"), r.verdict().blockers().stream().map(Verdict.Blocker::checkId).toList());
  }

  @Test
  void singleClassLabelsMakeEveryMetricInconclusive() {
    Suite s = Suite.builder("t").data(table(100, true)).model(good("new"))
        .check(CheckSpec.of("perf", new PerformanceCheck(), MetricCondition.atLeast("accuracy", 0.8),
            MetricCondition.atLeast("balanced_accuracy", 0.8), MetricCondition.atLeast("auc", 0.8))).build();
    SuiteResult r = run(s);
    CheckResult c = r.checks().get(0);
    assertEquals(List.of("accuracy", "balanced_accuracy", "auc"), c.measurements().stream().map(Measurement::metric).toList());
    for (Measurement m : c.measurements()) {
      assertTrue(m.inconclusive() != null && m.inconclusive().contains("only class 'no'"), m.metric() + ": " + m.inconclusive());
    }
    for (Finding f : c.findings()) {
      assertEquals(Outcome.INCONCLUSIVE, f.outcome(), f.sentence());
    }
    assertFalse(r.verdict().passed());
  }
}

package dev.gauntlet.attacks.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.report.ReportWriter;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The property as a suite check: judged by a generic condition, with evidence the reports render. */
class SuiteCheckTest {
  @TempDir
  Path dir;

  @Test
  void aBiasedModelFailsTheCounterfactualCheckAndTheReportShowsTheCounterexample() throws Exception {
    Table data = TestData.table(300);
    FunctionModel biased = TestData.linear(TestData.weights(TestData.X1, 100, TestData.GROUP_B, 100), -0.5);
    Suite suite = Suite.builder("perturbation-test").seed(3).model(biased).data(data)
        .check(CheckSpec.of("counterfactual-group", new PerturbationCheck(Property.counterfactual("group").withCases(400)),
            MetricCondition.atMost("failure_rate", 0.01)))
        .check(CheckSpec.of("noise-on-x3", new PerturbationCheck(Property.invariance(Perturbation.noise(0.5, "x3")).withCases(400)),
            MetricCondition.atMost("failure_rate", 0.01)))
        .build();
    SuiteResult r = new SuiteRunner(null, dir, null).run(suite);
    CheckResult cf = r.checks().get(0);
    assertEquals(Outcome.FAIL, cf.outcome(), cf.summary());
    assertEquals(Outcome.PASS, r.checks().get(1).outcome(), "x3 does not enter the model");
    assertTrue(cf.evidence().stream().anyMatch(e -> e instanceof Evidence.Table t && t.title().startsWith("Shrunk counterexample 1")));
    Evidence.Note note = (Evidence.Note) cf.evidence().stream().filter(e -> e instanceof Evidence.Note).findFirst().orElseThrow();
    long seed = SuiteRunner.checkSeed(3, "counterfactual-group");
    assertTrue(note.text().contains("seed: " + seed), note.text());

    SuiteResult again = new SuiteRunner(null, dir, null).run(suite);
    assertEquals(cf.measurements(), again.checks().get(0).measurements(), "same suite seed, same measurements");
    assertEquals(cf.evidence(), again.checks().get(0).evidence(), "same suite seed, same counterexamples");

    ReportWriter.write(r, dir);
    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(html.contains("Shrunk counterexample 1"), "the HTML report shows the counterexample");
  }

  @Test
  void theBaselineModelIsMeasuredButNotShrunk() {
    Table data = TestData.table(200);
    FunctionModel biased = TestData.linear(TestData.weights(TestData.X1, 100, TestData.GROUP_B, 100), -0.5);
    PerturbationCheck check = new PerturbationCheck(Property.counterfactual("group").withCases(300));
    PerturbationResult asBaseline = check.run(new dev.gauntlet.harness.check.CheckContext(biased, true, data, null, 9, 0.5, null, null,
        new dev.gauntlet.harness.check.CheckContext.Cache()));
    PerturbationResult asCandidate = check.run(new dev.gauntlet.harness.check.CheckContext(biased, false, data, null, 9, 0.5, null, null,
        new dev.gauntlet.harness.check.CheckContext.Cache()));
    assertEquals(asCandidate.failures(), asBaseline.failures());
    assertTrue(asBaseline.failures() > 0);
    assertTrue(asBaseline.counterexamples().isEmpty());
    assertTrue(!asCandidate.counterexamples().isEmpty());
  }
}

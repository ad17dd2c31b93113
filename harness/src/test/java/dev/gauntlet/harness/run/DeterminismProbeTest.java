package dev.gauntlet.harness.run;

import static dev.gauntlet.harness.run.RunFixtures.good;
import static dev.gauntlet.harness.run.RunFixtures.model;
import static dev.gauntlet.harness.run.RunFixtures.suite;
import static dev.gauntlet.harness.run.RunFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.report.HtmlReport;
import dev.gauntlet.harness.report.JsonReport;
import dev.gauntlet.harness.report.ReportSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model whose predictions differ on the same input is flagged on the probe batch, ERROR unless the suite expects it. */
class DeterminismProbeTest {
  @TempDir
  Path dir;

  /** P(yes) = x plus noise from a generator shared across calls: each call differs. */
  static FunctionModel noisy(String name) {
    SplittableRandom rng = new SplittableRandom(1);
    return model(name, x -> {
      double[][] p = new double[x.length][];
      for (int i = 0; i < x.length; i++) {
        double q = Math.min(0.999, Math.max(0.001, x[i][0] + (rng.nextDouble() - 0.5) * 1e-3));
        p[i] = new double[] {1 - q, q};
      }
      return p;
    });
  }

  static SuiteResult run(Suite s) {
    SuiteResult r = new SuiteRunner(null, null, null).run(s);
    ReportSchema.assertValid(JsonReport.render(r));
    return r;
  }

  @Test
  void aNonDeterministicModelIsAnErrorAndFailsTheGate() {
    SuiteResult r = run(suite(table(100, false), noisy("dice")).build());
    CheckResult c = r.checks().get(0);
    assertEquals("model-determinism", c.id());
    assertEquals(Outcome.ERROR, c.outcome());
    assertTrue(c.required());
    String s = c.findings().get(0).sentence();
    assertTrue(s.contains("gave different predictions for the same input") && s.contains("evaluation row") && s.contains("differs by up to"), s);
    assertTrue(s.contains("deterministic: false"), "says how to accept it: " + s);
    assertFalse(r.verdict().passed());
    assertTrue(r.verdict().blockers().stream().anyMatch(b -> b.checkId().equals("model-determinism")));
    assertEquals(2, r.checks().size(), "the probe's check and the suite's check");
    DeterminismProbe p = r.provenance().determinism().get(0);
    assertEquals("non-deterministic", p.outcome());
    assertTrue(p.maxDifference() > 0 && p.row() >= 0 && p.rows() == 64);
  }

  @Test
  void declaringItNonDeterministicAcceptsItAndTheReportNotesIt() {
    SuiteResult r = run(suite(table(100, false), noisy("dice")).deterministic(false).build());
    assertEquals(List.of("perf"), r.checks().stream().map(CheckResult::id).toList(), "no ERROR check is added");
    assertTrue(r.verdict().passed(), r.verdict().reasons().toString());
    DeterminismProbe p = r.provenance().determinism().get(0);
    assertEquals("non-deterministic", p.outcome());
    assertFalse(p.expected());
    assertTrue(HtmlReport.render(r).contains("accepted: the suite declares deterministic: false"), "the HTML notes it");
  }

  @Test
  void aDeterministicModelAddsNothingAndTheProbeIsRecorded() {
    SuiteResult r = run(suite(table(100, false), good("steady")).baseline(noisy("old dice")).baselineDeterministic(false).build());
    assertEquals(List.of("perf"), r.checks().stream().map(CheckResult::id).toList());
    assertEquals(List.of("deterministic", "non-deterministic"), r.provenance().determinism().stream().map(DeterminismProbe::outcome).toList());
    assertEquals(List.of("candidate", "baseline"), r.provenance().determinism().stream().map(DeterminismProbe::role).toList());
    // a small evaluation set probes all its rows
    assertEquals(10, run(suite(table(10, false), good("steady")).build()).provenance().determinism().get(0).rows());
  }

  @Test
  void aNonDeterministicBaselineIsAnErrorToo() {
    SuiteResult r = run(suite(table(100, false), good("new")).baseline(noisy("old")).build());
    assertEquals("baseline-determinism", r.checks().get(0).id());
    assertEquals(Outcome.ERROR, r.checks().get(0).outcome());
    assertFalse(r.verdict().passed());
  }

  @Test
  void theYamlKeyIsReadForEveryModelType() throws Exception {
    Files.writeString(dir.resolve("t.schema.yaml"), RunFixtures.SCHEMA_YAML.replace(
        "  - {name: y,", "  - {name: pred, type: binary, role: prediction, categories: [\"no\", \"yes\"]}\n  - {name: y,"));
    Files.writeString(dir.resolve("d.csv"), "x,sex,pred,y\n0.1,F,no,no\n0.9,M,yes,yes\n");
    Files.writeString(dir.resolve("suite.yaml"), """
        name: t
        model: {type: precomputed, prediction: pred, deterministic: false}
        data: {path: d.csv, schema: t.schema.yaml}
        checks:
          - type: performance
            conditions: [{metric: accuracy, atLeast: 0.5}]
        """);
    Suite s = new SuiteLoader().load(dir.resolve("suite.yaml"), OptionalLong.empty(), null);
    assertFalse(s.modelDeterministic());
    assertTrue(s.baselineDeterministic());
    assertEquals("skipped", run(s).provenance().determinism().get(0).outcome(), "a precomputed model is not probed");
    Files.writeString(dir.resolve("suite.yaml"), Files.readString(dir.resolve("suite.yaml")).replace("deterministic: false", "deterministic: maybe"));
    String m = org.junit.jupiter.api.Assertions.assertThrows(dev.gauntlet.harness.UsageException.class,
        () -> new SuiteLoader().load(dir.resolve("suite.yaml"), OptionalLong.empty(), null)).getMessage();
    assertTrue(m.contains("suite.yaml:2:") && m.contains("expected true or false"), m);
  }
}

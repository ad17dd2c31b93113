package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.config.CheckType;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.models.Dl4jModel;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.model.PrecomputedModel;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteRunner;
import dev.gauntlet.harness.metric.Subject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;

/** The checks through the runner and YAML: capabilities, black-box models, parameters and their errors, groups. */
class AdversarialSuiteTest {

  private static CheckType type(String name) {
    return new SuiteLoader().checkTypes().get(name);
  }

  private static Check<?> fromYaml(String name, String params) {
    return type(name).create(ConfigNode.parse("suite.yaml", params), TabularFixture.schema());
  }

  /** A linear model over the fixture's encoded inputs, as a black-box function. */
  private static FunctionModel linear(Encoder enc) {
    double[] w = new double[enc.width()];
    for (int j = 0; j < w.length; j++) {
      w[j] = (j % 3 == 0 ? 1.0 : -0.6) / (1 + j % 4);
    }
    return new FunctionModel("linear", enc.width(), 2, x -> {
      double[][] p = new double[x.length][2];
      for (int i = 0; i < x.length; i++) {
        double z = 0;
        for (int j = 0; j < w.length; j++) {
          z += w[j] * x[i][j];
        }
        p[i][1] = 1 / (1 + Math.exp(-z));
        p[i][0] = 1 - p[i][1];
      }
      return p;
    });
  }

  private static Table labelledByModel(FunctionModel m, Table t) {
    // Labels that agree with the model on most rows, so robust accuracy is meaningful.
    double[][] p = m.predict(new Encoder(t.schema()).encode(t));
    List<String[]> rows = new java.util.ArrayList<>();
    String[] header = new String[t.schema().columns().size()];
    for (int c = 0; c < header.length; c++) {
      header[c] = t.schema().columns().get(c).name();
    }
    for (int i = 0; i < t.rowCount(); i++) {
      String[] r = new String[header.length];
      for (int c = 0; c < header.length; c++) {
        r[c] = header[c].equals("approved") ? (p[i][1] >= 0.5 ? "yes" : "no") : t.column(header[c]).format(i);
      }
      rows.add(r);
    }
    return dev.gauntlet.harness.data.TableLoader.fromRows(t.schema(), header, rows, "labelled");
  }

  @Test
  void whiteBoxAttacksOnBlackBoxOrPrecomputedModelsEndAsErrorsAndSimbaRuns() {
    Table t = TabularFixture.rows(120, 11);
    Encoder enc = new Encoder(t.schema());
    FunctionModel fn = linear(enc);
    Table data = labelledByModel(fn, t);
    CheckSpec<?> pgd = CheckSpec.of("pgd", (RobustnessCheck) fromYaml("adversarial.robustness", "{attack: pgd, epsilons: [0.1, 0.5]}"),
        MetricCondition.atLeast("robust_accuracy", 0.1));
    CheckSpec<?> simba = CheckSpec.of("simba", (RobustnessCheck) fromYaml("adversarial.robustness",
        "{attack: simba, queryBudget: 60, compare: [noise], epsilons: [0.2, 0.6], minGroupSize: 10}"),
        MetricCondition.atLeast("robust_accuracy", 0.0).forSubject("eps=0.6"));
    CheckResult[] r = run(fn, data, pgd, simba);
    assertEquals(Outcome.ERROR, r[0].outcome());
    assertTrue(r[0].error().contains("loss gradient") && r[0].error().contains("score-based"), r[0].error());
    assertEquals(Outcome.PASS, r[1].outcome(), () -> String.valueOf(r[1].error()) + r[1].findings());
    double sim = value(r[1], "robust_accuracy", "eps=0.6");
    double noise = value(r[1], "attack_robust_accuracy", "attack=noise-linf&eps=0.6");
    assertTrue(sim < noise, "SimBA (" + sim + ") must beat uniform noise (" + noise + ") with the same query budget");
    assertTrue(r[1].measurements().stream().anyMatch(m -> m.metric().equals("group_robust_accuracy") && m.subject().equals(Subject.slice("region", "north").with(Subject.Dim.EPS, 0.6))));

    PrecomputedModel pre = PrecomputedModel.ofDecisions("vendor", "approved");
    CheckResult[] q = run(pre, data, simba);
    assertEquals(Outcome.ERROR, q[0].outcome());
    assertTrue(q[0].error().contains("cannot be run on new inputs"), q[0].error());
  }

  @Test
  void minFlipCheckMeasuresGroupsAndListsFragileRowsWithTheirChanges() {
    Table t = TabularFixture.rows(150, 12);
    Encoder enc = new Encoder(t.schema());
    Dl4jModel model = Dl4jModel.of(Nets.mlp(21, DataType.DOUBLE, enc.width(), 2, Activation.TANH, 10), "mlp");
    MinFlipCheck check = (MinFlipCheck) fromYaml("adversarial.min-flip", "{attack: pgd, steps: 5, maxEps: 2, searchSteps: 6, minGroupSize: 20}");
    CheckValue v = check.run(new CheckContext(model, false, t, null, 3, 0.5, null, null, new CheckContext.Cache()));
    double median = ImageSetOrderingTest.value(v, "median_min_flip_eps", "");
    assertTrue(median > 0 && median <= 2, "median " + median);
    double ratio = ImageSetOrderingTest.value(v, "min_flip_eps_group_ratio", "feature=region");
    assertTrue(ratio > 0 && ratio <= 1, "ratio " + ratio);
    Evidence.Table fragile = v.evidence().stream().filter(e -> e instanceof Evidence.Table tb && tb.title().startsWith("Most fragile"))
        .map(e -> (Evidence.Table) e).findFirst().orElseThrow();
    String changes = fragile.rows().get(0).get(5);
    assertTrue(changes.contains(" -> "), changes);
    assertTrue(!changes.contains("age:") && !changes.contains("sex:"), "immutable features never appear as changed: " + changes);
  }

  @Test
  void theNewAttackKindsAreUsableFromYaml() {
    RobustnessCheck apgd = (RobustnessCheck) fromYaml("adversarial.robustness", "{attack: apgd-ce, restarts: 2, compare: [apgd-dlr, square, pgd]}");
    org.junit.jupiter.api.Assertions.assertEquals(AttackKind.APGD_CE, apgd.attack().kind());
    org.junit.jupiter.api.Assertions.assertEquals(100, apgd.attack().steps(), "apgd defaults to 100 steps");
    org.junit.jupiter.api.Assertions.assertEquals(2, apgd.attack().restarts());
    org.junit.jupiter.api.Assertions.assertEquals(List.of("apgd-dlr-linf", "square-linf", "pgd-linf"), apgd.compare().stream().map(AttackSpec::shortName).toList());
    org.junit.jupiter.api.Assertions.assertEquals(1000, apgd.compare().get(1).queryBudget(), "square defaults to 1000 queries");
    org.junit.jupiter.api.Assertions.assertEquals(10, apgd.compare().get(2).steps(), "pgd keeps its 10 steps");
    RobustnessCheck auto = (RobustnessCheck) fromYaml("adversarial.robustness", "{attack: autoattack, steps: 20, queryBudget: 200, maskingSteps: 40}");
    org.junit.jupiter.api.Assertions.assertEquals(AttackKind.AUTOATTACK, auto.attack().kind());
    org.junit.jupiter.api.Assertions.assertEquals(40, auto.maskingSteps());
    assertTrue(auto.attack().describe().contains("square 200 queries"), auto.attack().describe());
  }

  @Test
  void badParametersAreReportedAtTheirNode() {
    UsageException e = assertThrows(UsageException.class, () -> fromYaml("adversarial.robustness", "{attack: pgd, epsilon: [0.1]}"));
    assertTrue(e.getMessage().contains("no parameter 'epsilon'") && e.getMessage().contains("Did you mean 'epsilons'") && e.getMessage().contains("suite.yaml:1:"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("adversarial.robustness", "{attack: cw}"));
    assertTrue(e.getMessage().contains("expected one of fgsm, bim, pgd, apgd-ce, apgd-dlr, autoattack, simba, square, noise"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("adversarial.robustness", "{attack: apgd-ce, stepSize: 0.1}"));
    assertTrue(e.getMessage().contains("chooses its own step size") && e.getMessage().contains("suite.yaml:1:"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("adversarial.robustness", "{attack: square, norm: l2}"));
    assertTrue(e.getMessage().contains("square runs under linf only"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("adversarial.robustness", "{attack: autoattack, target: \"yes\"}"));
    assertTrue(e.getMessage().contains("autoattack is untargeted"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("adversarial.robustness", "{target: maybe}"));
    assertTrue(e.getMessage().contains("target 'maybe' is not a class") && e.getMessage().contains("[no, yes]"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("adversarial.robustness", "{epsilons: [0.2, 0.1]}"));
    assertTrue(e.getMessage().contains("epsilons must increase"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("adversarial.robustness", "{attack: fgsm, restarts: 3}"));
    assertTrue(e.getMessage().contains("restarts applies to pgd and apgd only"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("adversarial.min-flip", "{groups: [income]}"));
    assertTrue(e.getMessage().contains("groups must be categorical"), e.getMessage());
    e = assertThrows(UsageException.class, () -> fromYaml("adversarial.min-flip", "{export: ../x.csv}"));
    assertTrue(e.getMessage().contains("plain file name"), e.getMessage());
  }

  @Test
  void aTypoInAnAttackMetricIsAUsageErrorAtItsLineAndColumnBeforeAnyDataIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    java.nio.file.Files.writeString(dir.resolve("loans.schema.yaml"), TabularFixture.SCHEMA);
    java.nio.file.Path suite = dir.resolve("suite.yaml");
    java.nio.file.Files.writeString(suite, """
        name: typo
        model: {type: precomputed, path: missing-predictions.csv}
        data: {path: missing-data.csv, schema: loans.schema.yaml}
        checks:
          - id: robust
            type: adversarial.robustness
            params: {attack: fgsm, epsilons: [0.05]}
            conditions:
              - {metric: robust_acuracy, subject: "eps=0.05", atLeast: 0.7}
        """);
    UsageException e = assertThrows(UsageException.class,
        () -> new SuiteLoader().load(suite, java.util.OptionalLong.empty(), s -> {}));
    assertTrue(e.getMessage().contains("suite.yaml:9:"), e.getMessage());
    assertTrue(e.getMessage().contains("Did you mean 'robust_accuracy'"), e.getMessage());
    // and a subject of the wrong shape (a bare column where eps is expected) at load too
    java.nio.file.Files.writeString(suite, java.nio.file.Files.readString(suite)
        .replace("{metric: robust_acuracy, subject: \"eps=0.05\"", "{metric: robust_accuracy_gap, subject: \"eps=0.05\""));
    UsageException shape = assertThrows(UsageException.class,
        () -> new SuiteLoader().load(suite, java.util.OptionalLong.empty(), s -> {}));
    assertTrue(shape.getMessage().contains("suite.yaml:9:") && shape.getMessage().contains("robust_accuracy_gap"), shape.getMessage());
  }

  @Test
  void rangeMistakesAreReportedAtTheirYamlNodeByTheRecordsOwnValidator() {
    dev.gauntlet.harness.metric.ParamException direct = assertThrows(dev.gauntlet.harness.metric.ParamException.class,
        () -> new MinFlipCheck(AttackSpec.fgsm(Norm.LINF), 1.0, 31, 10, List.of(), 30, 10, null, null));
    UsageException yaml = assertThrows(UsageException.class, () -> fromYaml("adversarial.min-flip", "{attack: fgsm,\n searchSteps: 31}"));
    assertTrue(yaml.getMessage().contains("suite.yaml:2:") && yaml.getMessage().contains(direct.getMessage()), yaml.getMessage());
    UsageException eps = assertThrows(UsageException.class, () -> fromYaml("adversarial.robustness", "{attack: fgsm,\n epsilons: [0.2, 0.1]}"));
    assertTrue(eps.getMessage().contains("suite.yaml:2:") && eps.getMessage().contains("epsilons must increase"), eps.getMessage());
  }

  private static CheckResult[] run(dev.gauntlet.harness.model.ModelUnderTest model, Table data, CheckSpec<?>... specs) {
    Suite.Builder b = Suite.builder("adv").seed(1).model(model).data(data);
    for (CheckSpec<?> s : specs) {
      b.check(s);
    }
    return new SuiteRunner(null, null, null).run(b.build()).checks().toArray(new CheckResult[0]);
  }

  private static double value(CheckResult r, String metric, String subject) {
    return r.measurements().stream().filter(m -> m.metric().equals(metric) && m.subject().equals(Subject.parse(subject))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + "[" + subject + "]")).value();
  }
}

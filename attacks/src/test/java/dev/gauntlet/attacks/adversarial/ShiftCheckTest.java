package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The regression adversarial checks from a suite, on a linear regression whose answers are closed
 * forms: FGSM maximising the error adds exactly eps * ||w||_1 to every row's absolute error (so
 * robust MAE = clean MAE + eps ||w||_1 and max shift = eps ||w||_1); the minimal epsilon moving the
 * prediction by tau is tau / ||w||_1. The weights sit on the unbounded features only, so no range
 * clips the optimum.
 */
class ShiftCheckTest {
  static final String SCHEMA = """
      name: reg
      columns:
        - {name: id, type: text, role: id}
        - {name: x1, type: numeric, role: feature}
        - {name: x2, type: numeric, role: feature}
        - {name: x3, type: numeric, role: feature, range: [-3, 3]}
        - {name: age, type: numeric, role: feature, integer: true, range: [18, 90], mutable: false}
        - {name: group, type: categorical, roles: [feature, protected], categories: [a, b], mutable: false}
        - {name: y, type: numeric, role: label}
      """;
  /** Encoded layout: x1, x2, x3, age, group=a, group=b. */
  static final double[] W = {1.2, -0.8, 0, 0, 0, 2.0};
  static final double L1_MUTABLE = 1.2 + 0.8; // group is immutable: only x1 and x2 move

  static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("reg-schema.yaml", SCHEMA));
  }

  static Table table(int n) {
    SplittableRandom r = new SplittableRandom(4);
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new String[] {"r" + i, num(r.nextGaussian()), num(r.nextGaussian()), num(Math.max(-3, Math.min(3, r.nextGaussian()))),
          Integer.toString(18 + r.nextInt(70)), i % 2 == 0 ? "a" : "b", num(r.nextGaussian() * 2)});
    }
    return TableLoader.fromRows(schema(), new String[] {"id", "x1", "x2", "x3", "age", "group", "y"}, rows, "reg-data");
  }

  private static String num(double v) {
    return String.format(java.util.Locale.ROOT, "%.6f", v);
  }

  private static CheckResult run(ModelUnderTest m, Table t, CheckSpec<?> spec) {
    Suite s = Suite.builder("reg").seed(3).model(m).data(t).check(spec).build();
    return new SuiteRunner(null, null, null).run(s).checks().get(0);
  }

  private static double value(CheckResult r, String metric, Subject subject) {
    return r.measurements().stream().filter(x -> x.metric().equals(metric) && x.subject().equals(subject)).findFirst()
        .map(Measurement::value).orElseThrow(() -> new AssertionError("no " + metric + "[" + subject + "] in " + r.measurements()));
  }

  @Test
  void fgsmOnTheErrorAddsEpsTimesTheL1NormToEveryRowsError() {
    Table t = table(200);
    LinearRegressor m = new LinearRegressor(W, 0.5);
    double[][] x = new Encoder(t.schema()).encode(t);
    double[] y = t.numeric("y");
    double clean = 0;
    for (int i = 0; i < x.length; i++) {
      clean += Math.abs(m.value(x[i]) - y[i]) / x.length;
    }
    CheckResult r = run(m, t, CheckSpec.of("shift", ShiftCheck.of(AttackSpec.fgsm(Norm.LINF), 0.05, 0.1).withTolerance(0.15),
        MetricCondition.atMost("robust_mae", 100.0).forSubject("eps=0.1")));
    assertEquals(Outcome.PASS, r.outcome(), () -> r.error() + " " + r.findings());
    assertEquals(clean, value(r, "clean_mae", Subject.all()), 1e-9);
    for (double eps : new double[] {0.05, 0.1}) {
      assertEquals(clean + eps * L1_MUTABLE, value(r, "robust_mae", Subject.eps(eps)), 1e-9, "eps " + eps);
      assertEquals(eps * L1_MUTABLE, value(r, "max_shift", Subject.eps(eps)), 1e-9);
      assertEquals(eps * L1_MUTABLE, value(r, "mean_shift", Subject.eps(eps)), 1e-9);
      assertEquals(eps * L1_MUTABLE, value(r, "group_mean_shift", Subject.slice("group", "a").with(Subject.Dim.EPS, eps)), 1e-9);
    }
    // every row moves by 0.1 at eps 0.05 (below the tolerance 0.15) and by 0.2 at eps 0.1 (above it)
    assertEquals(0.0, value(r, "shift_rate", Subject.eps(0.05)));
    assertEquals(1.0, value(r, "shift_rate", Subject.eps(0.1)));
    assertTrue(r.summary().contains("MAE") && !r.summary().contains("accuracy"), r.summary());
  }

  @Test
  void minShiftEpsilonIsTauOverTheL1NormPerGroup() {
    Table t = table(120);
    double tau = 0.3;
    double truth = tau / L1_MUTABLE;
    MinShiftCheck check = new MinShiftCheck(AttackSpec.fgsm(Norm.LINF), tau, 1.0, 12, 500, List.of(), 30, 0.95);
    CheckResult r = run(new LinearRegressor(W, 0), t, CheckSpec.of("min", check, MetricCondition.atLeast("median_min_shift_eps", 0.01)));
    assertEquals(Outcome.PASS, r.outcome(), () -> r.error() + " " + r.findings());
    double resolution = 1.0 / (1 << 12);
    double median = value(r, "median_min_shift_eps", Subject.all());
    assertTrue(median >= truth - 1e-12 && median <= truth + resolution, median + " vs " + truth);
    for (String g : new String[] {"a", "b"}) {
      double gm = value(r, "group_median_min_shift_eps", Subject.slice("group", g));
      assertTrue(gm >= truth - 1e-12 && gm <= truth + resolution, g + ": " + gm);
    }
    assertEquals(1.0, value(r, "shift_rate", Subject.all()));
    assertEquals(1.0, value(r, "min_shift_eps_group_ratio", Subject.feature("group")), 2 * resolution / truth);
  }

  @Test
  void yamlTypesAndTheirRefusals() {
    var types = new SuiteLoader().checkTypes();
    ShiftCheck s = (ShiftCheck) types.get("adversarial.shift")
        .create(ConfigNode.parse("suite.yaml", "{attack: simba, queryBudget: 50, epsilons: [0.1], tolerance: 500}"), schema());
    assertEquals(AttackKind.SIMBA, s.attack().kind());
    assertEquals(ShiftObjective.ERROR, s.objective());
    UsageException apgd = assertThrows(UsageException.class,
        () -> types.get("adversarial.shift").create(ConfigNode.parse("suite.yaml", "{attack: apgd-ce}"), schema()));
    assertTrue(apgd.getMessage().contains("suite.yaml:1:") && apgd.getMessage().contains("no regression form"), apgd.getMessage());
    UsageException noTau = assertThrows(UsageException.class,
        () -> types.get("adversarial.min-shift").create(ConfigNode.parse("suite.yaml", "{attack: pgd}"), schema()));
    assertTrue(noTau.getMessage().contains("needs 'tolerance'"), noTau.getMessage());
    UsageException negative = assertThrows(UsageException.class,
        () -> types.get("adversarial.min-shift").create(ConfigNode.parse("suite.yaml", "{attack: pgd, tolerance: -1}"), schema()));
    assertTrue(negative.getMessage().contains("tolerance"), negative.getMessage());
  }
}

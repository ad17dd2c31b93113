package dev.gauntlet.suites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.attacks.adversarial.AttackSpec;
import dev.gauntlet.attacks.adversarial.MinShiftCheck;
import dev.gauntlet.attacks.adversarial.Norm;
import dev.gauntlet.attacks.adversarial.ShiftCheck;
import dev.gauntlet.attacks.perturbation.PerturbationCheck;
import dev.gauntlet.attacks.perturbation.Property;
import dev.gauntlet.drift.FeatureDriftCheck;
import dev.gauntlet.drift.RegressionDecayCheck;
import dev.gauntlet.drift.RegressionShiftSimulationCheck;
import dev.gauntlet.drift.simulate.Shift;
import dev.gauntlet.drift.simulate.ValueShift;
import dev.gauntlet.drift.stats.MultipleTesting;
import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.fairness.RegressionSliceCheck;
import dev.gauntlet.fairness.SliceConfig;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.performance.RegressionPerformanceCheck;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 from Java: one regression audit built with {@link Suite#builder} through every trial
 * (performance, fairness, drift, perturbation, adversarial) on a {@link FunctionModel#regression}
 * linear model f = 3 x1 - 2 x2 + 1 that ignores sex. The data are built so each trial has a value
 * known by hand: the errors are +-1 in January and +-2 in February (MAE 1.5 overall, a rise of 1),
 * alike for women and men (MAE ratio 1), swapping sex changes nothing, and the linear model's
 * largest move in the L-inf ball is eps * ||w||_1 = 5 eps (so the smallest eps moving it by tau is tau / 5).
 */
class RegressionJavaSuiteTest {
  static final String SCHEMA = """
      name: lin
      columns:
        - {name: date, type: timestamp, role: time}
        - {name: x1, type: numeric, role: feature, range: [-100, 100], encoding: none}
        - {name: x2, type: numeric, role: feature, range: [-100, 100], encoding: none}
        - {name: sex, type: binary, roles: [feature, protected], categories: [F, M], mutable: false}
        - {name: y, type: numeric, role: label}
      """;

  static double f(double x1, double x2) {
    return 3 * x1 - 2 * x2 + 1;
  }

  /** 40 rows a month for two months; sex F for i % 4 in {0, 1}; error +e for even i, -e for odd (e = 1, then 2). */
  static Table table() {
    List<String[]> rows = new ArrayList<>();
    for (int m = 0; m < 2; m++) {
      for (int i = 0; i < 40; i++) {
        double x1 = (i % 10) - 4.5;
        double x2 = ((i * 7) % 13) / 4.0 - 1.5;
        double e = (i % 2 == 0 ? 1 : -1) * (m == 0 ? 1.0 : 2.0);
        // the label is the prediction minus the error (error = prediction - label)
        rows.add(new String[] {"2024-0" + (m + 1) + "-" + (10 + i % 15), Double.toString(x1), Double.toString(x2), i % 4 < 2 ? "F" : "M",
            Double.toString(f(x1, x2) - e)});
      }
    }
    Schema s = SchemaLoader.parse(ConfigNode.parse("lin.schema.yaml", SCHEMA));
    return TableLoader.fromRows(s, new String[] {"date", "x1", "x2", "sex", "y"}, rows, "rows");
  }

  static double value(CheckResult c, String metric, Subject s) {
    return c.measurements().stream().filter(m -> m.metric().equals(metric) && m.subject().equals(s)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + "[" + s + "] in " + c.measurements())).value();
  }

  static CheckResult check(SuiteResult r, String id) {
    return r.checks().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no check " + id));
  }

  /**
   * Runs the suite and asserts that its gate fails, that every trial ran, and that each check has the
   * outcome {@code expected} gives its id.
   */
  static SuiteResult runFailing(Suite s, Function<String, Outcome> expected) {
    SuiteResult r = new SuiteRunner(null, null, null).run(s);
    assertFalse(r.verdict().passed(), () -> r.checks().toString());
    Set<Trial> trials = EnumSet.noneOf(Trial.class);
    for (CheckResult c : r.checks()) {
      trials.add(c.trial());
      assertEquals(expected.apply(c.id()), c.outcome(), c::toString);
    }
    assertEquals(EnumSet.of(Trial.PERFORMANCE, Trial.FAIRNESS, Trial.DRIFT, Trial.PERTURBATION, Trial.ADVERSARIAL), trials);
    return r;
  }

  /**
   * The checks the two fixture audits (ONNX, XGBoost) share on their data (z0, z1, z2, group a/b,
   * 24 months): holdout error, the gap of group b against a, the error decay after a 12-month
   * reference, a covariate shift on z0, and feature drift.
   */
  static Suite.Builder monthlyFixtureChecks(Suite.Builder b) {
    WindowSpec months = new WindowSpec("date", WindowUnit.MONTH, 0, 12, WindowSpec.Origin.FIXED, 30);
    return b
        .check(CheckSpec.of("error", new RegressionPerformanceCheck(), MetricCondition.atMost("mae", 1.0)))
        .check(CheckSpec.of("fair", new RegressionSliceCheck(List.of(SliceConfig.Attribute.categorical("group")), 1, 30, Map.of("group", "a"), 200, 0.95,
            0.05, RegressionSliceCheck.Loss.MAE), MetricCondition.between("mean_error_diff", -0.25, 0.25).forSubject("group=b")))
        .check(CheckSpec.of("decay", new RegressionDecayCheck(months, List.of("group"), 0.5, 12, 200, 0.95),
            MetricCondition.atMost("last_window_mae_rise", 0.5)))
        .check(CheckSpec.of("covariate", new RegressionShiftSimulationCheck("covariate shift on z0", x -> new ValueShift.Covariate(new Shift.Covariate("z0", null)),
            new double[] {0, 0.5, 1}, null, 0.5, 0.1, 1.0, 100, 200, 0.95), MetricCondition.atMost("max_mae_rise", 1.0)))
        .check(CheckSpec.of("features", new FeatureDriftCheck(months, List.of(), 10, 0.05, MultipleTesting.BH, Double.NaN, 3, true),
            MetricCondition.atMost("last_window_drifted_share", 0.5)));
  }

  /** An attack's error at eps 0.05 is at least the clean error, and at eps 0.1 at least that at 0.05. */
  static void assertErrorGrowsWithEps(CheckResult attack) {
    double clean = value(attack, "clean_mae", Subject.all());
    assertTrue(value(attack, "robust_mae", Subject.eps(0.05)) >= clean && value(attack, "robust_mae", Subject.eps(0.1)) >= value(attack, "robust_mae", Subject.eps(0.05)),
        attack::toString);
  }

  @Test
  void aJavaRegressionSuiteRunsEveryTrialWithValuesKnownByHand() {
    Table t = table();
    assertEquals(3, new Encoder(t.schema()).width(), "x1, x2 and the sex column");
    FunctionModel model = FunctionModel.regression("linear", 3, x -> {
      double[] v = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        v[i] = f(x[i][0], x[i][1]);
      }
      return v;
    });
    Suite s = Suite.builder("linear-regression").seed(3).model(model).data(t)
        .check(CheckSpec.of("error", new RegressionPerformanceCheck(), MetricCondition.atMost("mae", 1.6)))
        .check(CheckSpec.of("fair", new RegressionSliceCheck(List.of(SliceConfig.Attribute.categorical("sex")), 1, 10, Map.of("sex", "M"), 200, 0.95, 0.05,
            RegressionSliceCheck.Loss.MAE), MetricCondition.between("mae_ratio", 0.8, 1.25).forSubject("sex=F")))
        .check(CheckSpec.of("decay", new RegressionDecayCheck(new WindowSpec("date", WindowUnit.MONTH, 0, 1, WindowSpec.Origin.FIXED, 2), List.of("sex"),
            0.2, 12, 200, 0.95), MetricCondition.atMost("last_window_mae_rise", 0.5)))
        .check(CheckSpec.of("swap-sex", new PerturbationCheck(Property.counterfactual("sex", 0.01).withCases(100)), MetricCondition.atMost("failure_rate", 0)))
        .check(CheckSpec.of("shift", ShiftCheck.of(AttackSpec.simba(Norm.LINF, 20), 0.1).maximisingShift(),
            MetricCondition.atMost("max_shift", 1.0).forSubject("eps=0.1")))
        .check(CheckSpec.of("min-shift", MinShiftCheck.of(AttackSpec.simba(Norm.LINF, 20), 0.5, 1.0), MetricCondition.atLeast("median_min_shift_eps", 0.05)))
        .build();
    // the drift check fails the gate (the error doubled in February); every other check passes
    SuiteResult r = runFailing(s, id -> id.equals("decay") ? Outcome.FAIL : Outcome.PASS);

    // performance: |error| 1 on 40 rows and 2 on 40 rows
    assertEquals(1.5, value(check(r, "error"), "mae", Subject.all()), 1e-9);
    // fairness: women and men have the same errors
    assertEquals(1.0, value(check(r, "fair"), "mae_ratio", Subject.slice("sex", "F")), 1e-9);
    assertEquals(0.0, value(check(r, "fair"), "mean_error_diff", Subject.slice("sex", "F")), 1e-9);
    // drift: MAE 1 in the reference month, 2 in the last
    assertEquals(1.0, value(check(r, "decay"), "last_window_mae_rise", Subject.all()), 1e-9);
    // perturbation: the model ignores sex
    assertEquals(0.0, value(check(r, "swap-sex"), "failure_rate", Subject.all()), 0);
    assertEquals(0.0, value(check(r, "swap-sex"), "max_abs_prediction_change", Subject.all()), 0);
    // adversarial: eps * ||w||_1 = 0.1 * 5, for every row; the smallest eps moving it by 0.5 is 0.5 / 5
    assertEquals(0.5, value(check(r, "shift"), "mean_shift", Subject.eps(0.1)), 1e-9);
    assertEquals(0.5, value(check(r, "shift"), "max_shift", Subject.eps(0.1)), 1e-9);
    assertEquals(0.1, value(check(r, "min-shift"), "median_min_shift_eps", Subject.all()), 1.0 / 256 + 1e-9);
  }
}

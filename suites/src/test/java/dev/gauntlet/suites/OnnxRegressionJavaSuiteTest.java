package dev.gauntlet.suites;

import static dev.gauntlet.suites.RegressionJavaSuiteTest.check;
import static dev.gauntlet.suites.RegressionJavaSuiteTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.attacks.adversarial.AttackSpec;
import dev.gauntlet.attacks.adversarial.MinShiftCheck;
import dev.gauntlet.attacks.adversarial.Norm;
import dev.gauntlet.attacks.adversarial.ShiftCheck;
import dev.gauntlet.attacks.perturbation.Perturbation;
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
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.Task;
import dev.gauntlet.harness.performance.RegressionPerformanceCheck;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import dev.gauntlet.models.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 from Java with a PyTorch model exported to ONNX: fixtures/onnx-regression audited with
 * {@link Suite#builder} on {@link OnnxModel#load} through every trial, white-box attacks on the graph
 * rebuilt in SameDiff. The MAE is computed again here from the CSV's rows (the four model inputs as
 * the file has them, group b as 1) and the model's predictions; the planted bias (labels 0.5 lower for
 * group b in training) and the drift after month 12 fail the gate; FGSM and PGD, white-box, never
 * lower the error of the rows they attack (a seeded sample of the data).
 */
class OnnxRegressionJavaSuiteTest {
  static final Path DIR = Path.of("../fixtures/onnx-regression");

  @Test
  void aJavaAuditOfTheOnnxRegressionModelRunsEveryTrial() throws Exception {
    assumeTrue(Files.isRegularFile(DIR.resolve("model.onnx")), DIR + "/model.onnx absent; skipping");
    Schema schema = SchemaLoader.load(DIR.resolve("regression.schema.yaml"));
    Table t = TableLoader.load(DIR.resolve("data.csv"), schema);
    OnnxModel model = OnnxModel.load(DIR.resolve("model.onnx"), "regression-mlp", OptionalInt.of(4),
        OnnxModel.Settings.defaults().withTask(Task.REGRESSION), s -> { });
    assertEquals(Task.REGRESSION, model.task());
    assertTrue(model.gradients().isPresent(), "the graph is rebuilt in SameDiff: white-box");

    // the MAE by hand from the file's rows
    List<String> lines = Files.readAllLines(DIR.resolve("data.csv"));
    double[][] x = new double[lines.size() - 1][];
    double[] y = new double[x.length];
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      x[i - 1] = new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]), f[5].equals("b") ? 1 : 0};
      y[i - 1] = Double.parseDouble(f[6]);
    }
    double[] p = model.predictValues(x);
    double mae = 0;
    for (int i = 0; i < y.length; i++) {
      mae += Math.abs(p[i] - y[i]) / y.length;
    }

    WindowSpec months = new WindowSpec("date", WindowUnit.MONTH, 0, 12, WindowSpec.Origin.FIXED, 30);
    Suite s = Suite.builder("onnx-regression-java").seed(14).model(model).data(t)
        .check(CheckSpec.of("error", new RegressionPerformanceCheck(), MetricCondition.atMost("mae", 1.0)))
        .check(CheckSpec.of("fair", new RegressionSliceCheck(List.of(SliceConfig.Attribute.categorical("group")), 1, 30, Map.of("group", "a"), 200, 0.95,
            0.05, RegressionSliceCheck.Loss.MAE), MetricCondition.between("mean_error_diff", -0.25, 0.25).forSubject("group=b")))
        .check(CheckSpec.of("decay", new RegressionDecayCheck(months, List.of("group"), 0.5, 12, 200, 0.95),
            MetricCondition.atMost("last_window_mae_rise", 0.5)))
        .check(CheckSpec.of("covariate", new RegressionShiftSimulationCheck("covariate shift on z0", x0 -> new ValueShift.Covariate(new Shift.Covariate("z0", null)),
            new double[] {0, 0.5, 1}, null, 0.5, 0.1, 1.0, 100, 200, 0.95), MetricCondition.atMost("max_mae_rise", 1.0)))
        .check(CheckSpec.of("features", new FeatureDriftCheck(months, List.of(), 10, 0.05, MultipleTesting.BH, Double.NaN, 3, true),
            MetricCondition.atMost("last_window_drifted_share", 0.5)))
        .check(CheckSpec.of("noise", new PerturbationCheck(Property.tolerance(0.5, new Perturbation.Noise(Perturbation.Distribution.GAUSSIAN, 0.05, List.of(), 1))
            .withCases(300)), MetricCondition.atMost("failure_rate", 0.05)))
        .check(CheckSpec.of("fgsm", ShiftCheck.of(AttackSpec.fgsm(Norm.LINF), 0.05, 0.1).withTolerance(0.5), MetricCondition.atMost("robust_mae", 1.5).forSubject("eps=0.1")))
        .check(CheckSpec.of("pgd", ShiftCheck.of(AttackSpec.pgd(Norm.LINF, 10, 1), 0.05, 0.1).withTolerance(0.5), MetricCondition.atMost("robust_mae", 1.5).forSubject("eps=0.1")))
        .check(CheckSpec.of("min-shift", MinShiftCheck.of(AttackSpec.fgsm(Norm.LINF), 0.5, 1.0), MetricCondition.atLeast("median_min_shift_eps", 0.01)))
        .build();
    SuiteResult r = new SuiteRunner(null, null, null).run(s);

    assertFalse(r.verdict().passed(), () -> r.checks().toString());
    Set<Trial> trials = EnumSet.noneOf(Trial.class);
    for (CheckResult c : r.checks()) {
      trials.add(c.trial());
      Outcome o = switch (c.id()) {
        case "fair", "decay" -> Outcome.FAIL; // the planted bias and the drift
        default -> Outcome.PASS;
      };
      assertEquals(o, c.outcome(), c::toString);
    }
    assertEquals(EnumSet.of(Trial.PERFORMANCE, Trial.FAIRNESS, Trial.DRIFT, Trial.PERTURBATION, Trial.ADVERSARIAL), trials);
    assertEquals(mae, value(check(r, "error"), "mae", Subject.all()), 1e-9, "the MAE of the file's rows");
    double diff = value(check(r, "fair"), "mean_error_diff", Subject.slice("group", "b"));
    assertTrue(diff < -0.3 && diff > -0.8, "the planted 0.5 bias against group b: mean_error_diff " + diff);
    for (String id : List.of("fgsm", "pgd")) {
      CheckResult a = check(r, id);
      double clean = value(a, "clean_mae", Subject.all());
      assertTrue(value(a, "robust_mae", Subject.eps(0.05)) >= clean && value(a, "robust_mae", Subject.eps(0.1)) >= value(a, "robust_mae", Subject.eps(0.05)),
          a::toString);
    }
  }
}

package dev.gauntlet.suites;

import static dev.gauntlet.suites.RegressionJavaSuiteTest.assertErrorGrowsWithEps;
import static dev.gauntlet.suites.RegressionJavaSuiteTest.check;
import static dev.gauntlet.suites.RegressionJavaSuiteTest.monthlyFixtureChecks;
import static dev.gauntlet.suites.RegressionJavaSuiteTest.runFailing;
import static dev.gauntlet.suites.RegressionJavaSuiteTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.attacks.adversarial.AttackSpec;
import dev.gauntlet.attacks.adversarial.MinShiftCheck;
import dev.gauntlet.attacks.adversarial.Norm;
import dev.gauntlet.attacks.adversarial.ShiftCheck;
import dev.gauntlet.attacks.perturbation.Perturbation;
import dev.gauntlet.attacks.perturbation.PerturbationCheck;
import dev.gauntlet.attacks.perturbation.Property;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.Task;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.models.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
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

    Suite s = monthlyFixtureChecks(Suite.builder("onnx-regression-java").seed(14).model(model).data(t))
        .check(CheckSpec.of("noise", new PerturbationCheck(Property.tolerance(0.5, new Perturbation.Noise(Perturbation.Distribution.GAUSSIAN, 0.05, List.of(), 1))
            .withCases(300)), MetricCondition.atMost("failure_rate", 0.05)))
        .check(CheckSpec.of("fgsm", ShiftCheck.of(AttackSpec.fgsm(Norm.LINF), 0.05, 0.1).withTolerance(0.5), MetricCondition.atMost("robust_mae", 1.5).forSubject("eps=0.1")))
        .check(CheckSpec.of("pgd", ShiftCheck.of(AttackSpec.pgd(Norm.LINF, 10, 1), 0.05, 0.1).withTolerance(0.5), MetricCondition.atMost("robust_mae", 1.5).forSubject("eps=0.1")))
        .check(CheckSpec.of("min-shift", MinShiftCheck.of(AttackSpec.fgsm(Norm.LINF), 0.5, 1.0), MetricCondition.atLeast("median_min_shift_eps", 0.01)))
        .build();
    SuiteResult r = runFailing(s, id -> switch (id) {
      case "fair", "decay" -> Outcome.FAIL; // the planted bias and the drift
      default -> Outcome.PASS;
    });
    assertEquals(mae, value(check(r, "error"), "mae", Subject.all()), 1e-9, "the MAE of the file's rows");
    double diff = value(check(r, "fair"), "mean_error_diff", Subject.slice("group", "b"));
    assertTrue(diff < -0.3 && diff > -0.8, "the planted 0.5 bias against group b: mean_error_diff " + diff);
    for (String id : List.of("fgsm", "pgd")) {
      assertErrorGrowsWithEps(check(r, id));
    }
  }
}

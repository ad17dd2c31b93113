package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Task;
import dev.gauntlet.models.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: white-box attacks on an ONNX regression model exported from PyTorch
 * (fixtures/onnx/regression-linear*.onnx, y = 0.5 x0 - 2 x1 + 1.25 x2 + 3, made by
 * fixtures/scripts/make_onnx_regression.py), through the graph rebuilt in SameDiff: FGSM under L-inf
 * moves the prediction by exactly eps * ||w||_1 = 3.75 eps, and the minimal shifting epsilon is
 * tau / ||w||_1. A graph the translator cannot rebuild is attacked black-box only, with the reason.
 */
class OnnxShiftTest {
  private static final double L1 = 0.5 + 2 + 1.25;
  private static final InputSpace BOX = InputSpace.box(3, -100, 100);

  private static Path file(String name) {
    Path p = Path.of("../fixtures/onnx").resolve(name);
    assumeTrue(Files.isRegularFile(p), p + " is absent; skipping");
    return p;
  }

  private static OnnxModel model(String name) {
    return OnnxModel.load(file(name), name, OptionalInt.of(3), OnnxModel.Settings.defaults().withTask(Task.REGRESSION), m -> { });
  }

  private static double[][] rows(int n) {
    SplittableRandom r = new SplittableRandom(11);
    double[][] x = new double[n][3];
    for (double[] row : x) {
      for (int j = 0; j < 3; j++) {
        row[j] = r.nextDouble(-2, 2);
      }
    }
    return x;
  }

  @Test
  void fgsmMovesTheOnnxLinearPredictionByEpsTimesTheL1NormOfW() {
    for (String f : new String[] {"regression-linear.onnx", "regression-linear-flat.onnx"}) {
      try (OnnxModel m = model(f)) {
        double[][] x = rows(16);
        double[] eps = new double[x.length];
        Arrays.fill(eps, 0.2);
        ShiftAttack.Outcome o = ShiftAttack.run(m, BOX, AttackSpec.fgsm(Norm.LINF), ShiftObjective.SHIFT, x, null, eps, 1);
        for (int i = 0; i < x.length; i++) {
          assertEquals(0.2 * L1, o.shift(i), 1e-4, f + " row " + i); // float32 graph
          double s = Math.signum(o.after()[i] - o.before()[i]);
          double[] w = {0.5, -2, 1.25};
          for (int j = 0; j < 3; j++) {
            assertEquals(x[i][j] + s * 0.2 * Math.signum(w[j]), o.adversarial()[i][j], 1e-9, f + " the corner along sign(w), row " + i);
          }
        }
        double tau = 1.5;
        double[] found = MinShiftCheck.search(m, BOX, AttackSpec.fgsm(Norm.LINF), x, tau, 1, 12, 7, msg -> { });
        for (int i = 0; i < x.length; i++) {
          assertEquals(tau / L1, found[i], 1.0 / (1 << 12) + 1e-6, f + " row " + i);
        }
      }
    }
  }

  @Test
  void aGraphWithoutGradientsIsRefusedWhiteBoxAndAttackedBlackBox() {
    try (OnnxModel m = model("regression-abs.onnx")) {
      double[][] x = rows(4);
      double[] eps = new double[x.length];
      Arrays.fill(eps, 0.1);
      String msg = assertThrows(UsageException.class,
          () -> ShiftAttack.run(m, BOX, AttackSpec.fgsm(Norm.LINF), ShiftObjective.SHIFT, x, null, eps, 1)).getMessage();
      assertTrue(msg.contains("needs the gradient") && msg.contains("operator Abs") && msg.contains("simba or noise"), msg);
      // |w.x| + 3 is linear with slope +-w away from w.x = 0: coordinate search at the corners reaches 0.1 ||w||_1 where w.x stays one-signed
      ShiftAttack.Outcome o = ShiftAttack.run(m, BOX, AttackSpec.simba(Norm.LINF, 100), ShiftObjective.SHIFT, x, null, eps, 2);
      for (int i = 0; i < x.length; i++) {
        assertTrue(o.shift(i) <= 0.1 * L1 + 1e-4 && o.shift(i) > 0, "row " + i + " shift " + o.shift(i));
      }
    }
  }
}

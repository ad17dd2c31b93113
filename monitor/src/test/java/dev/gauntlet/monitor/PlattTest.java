package dev.gauntlet.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.run.CheckResult;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Platt scaling ({@code calibration: platt}) against scikit-learn (src/test/resources/dev/gauntlet/monitor/platt_literals.py). */
class PlattTest {
  @TempDir
  Path dir;

  static final double[] X = {0.05, 0.12, 0.2, 0.31, 0.33, 0.4, 0.47, 0.55, 0.61, 0.7, 0.78, 0.86, 0.9, 0.97};
  static final int[] Y = {0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1};

  @Test
  void theSigmoidMatchesScikitLearn() {
    boolean[] pos = new boolean[Y.length];
    for (int i = 0; i < Y.length; i++) {
      pos[i] = Y[i] == 1;
    }
    Calibrator c = Calibrator.platt(X, pos);
    double[] ab = c.plattParameters();
    // sklearn.calibration._sigmoid_calibration stops at L-BFGS's default tolerance: agreement to 1e-4
    assertEquals(-1.9412007044270814, ab[0], 1e-4);
    assertEquals(0.7114604259691357, ab[1], 1e-4);
    // the same loss minimised tightly by SciPy (BFGS, gtol 1e-12; gradient there below 4e-8)
    assertEquals(-1.941212135465181, ab[0], 1e-6);
    assertEquals(0.7114637862001499, ab[1], 1e-6);
    double[] q = {0.0, 0.1, 0.25, 0.5, 0.65, 0.88, 1.0};
    double[] sklearn = {0.32927621978231086, 0.3734743575334815, 0.4436997059841512, 0.5644248548822949, 0.634209837671771, 0.7304282060194359,
        0.7737731136923814};
    double[] tight = {0.329275477664323, 0.37347383874523493, 0.44369958195897785, 0.564425433928447, 0.6342107818482242, 0.7304295250857845,
        0.7737745264701763};
    for (int i = 0; i < q.length; i++) {
      assertEquals(sklearn[i], c.apply(q[i]), 1e-5, "at " + q[i]);
      assertEquals(tight[i], c.apply(q[i]), 1e-7, "at " + q[i]);
    }
  }

  @Test
  void aSuiteCanChoosePlattAndAnUnknownCalibrationIsRefusedAtItsKey() throws Exception {
    Path s = Tiny.write(dir, Tiny.PREDICTIONS, Tiny.LABELS, Tiny.SUITE.replace("calibration: none", "calibration: platt"));
    CheckResult c = MonitorCheckTest.run(s, dir.resolve("out"));
    assertNull(c.error(), c.error());
    // the Tiny reference: scores 0.9 yes, 0.2 no, 0.7 yes, 0.4 no, 0.6 no, 0.3 yes; the estimate is no longer the raw scores' 0.75
    double est = MonitorCheckTest.find(c, "estimated_accuracy", Subject.window("2024-01")).value();
    assertTrue(est > 0.5 && est < 0.75, "Platt on 6 reference rows flattens the scores: " + est);
    Path bad = Tiny.write(dir, Tiny.PREDICTIONS, Tiny.LABELS, Tiny.SUITE.replace("calibration: none", "calibration: beta"));
    UsageException e = assertThrows(UsageException.class, () -> new SuiteLoader().load(bad, OptionalLong.empty(), null));
    assertTrue(e.getMessage().contains("calibration must be isotonic, platt or none") && e.getMessage().contains("suite.yaml:"), e.getMessage());
  }
}

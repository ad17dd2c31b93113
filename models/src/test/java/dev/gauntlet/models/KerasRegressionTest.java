package dev.gauntlet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Task;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a Keras 2 HDF5 regression model (fixtures/onnx/regression-mlp.h5, 3 -> Dense(5, relu) ->
 * Dense(1, linear), written with h5py by fixtures/scripts/make_keras_regression.py, which also printed
 * these literals from numpy) loads through the keras model type as a regression model and predicts
 * what numpy computes from its weights.
 */
class KerasRegressionTest {
  // printed by make_keras_regression.py
  static final double[][] X = {{0.0, 0.0, 0.0}, {1.0, 2.0, 3.0}, {-1.5, 0.25, 4.0}, {10.0, -3.0, 0.5}, {0.3, -0.7, -2.2}};
  static final double[] EXPECTED = {0.3604650608596067, 0.9994666770569651, 4.990165396472445, -7.069847438975829, -0.3576161985469568};

  @Test
  void aKerasDenseRegressionLoadsAndPredictsWhatNumpyComputes() {
    KerasModel m = KerasModel.load(Fixture.file("regression-mlp.h5"), "keras-regression", OptionalInt.of(3));
    assertEquals(Task.REGRESSION, m.task());
    assertEquals(0, m.classCount());
    double[] v = m.predictValues(X);
    for (int i = 0; i < X.length; i++) {
      assertEquals(EXPECTED[i], v[i], 1e-5, "row " + i);
    }
    assertThrows(UnsupportedOperationException.class, () -> m.predict(X));
    // white-box: the squared-error gradient against targets one above the prediction is -2 grad f; check it against
    // central differences of the predictions (the ReLU net is piecewise linear, so they are exact away from a kink)
    assertTrue(m.can(Capability.LOSS_GRADIENT));
    double[] t = new double[X.length];
    for (int i = 0; i < X.length; i++) {
      t[i] = v[i] + 1;
    }
    double[][] g = m.gradients().orElseThrow().lossGradient(X, t);
    double h = 1e-3;
    for (int i = 0; i < X.length; i++) {
      for (int j = 0; j < 3; j++) {
        double[][] up = {X[i].clone()};
        double[][] down = {X[i].clone()};
        up[0][j] += h;
        down[0][j] -= h;
        double slope = (m.predictValues(up)[0] - m.predictValues(down)[0]) / (2 * h);
        assertEquals(-2 * slope, g[i][j], 1e-3, "row " + i + " dim " + j);
      }
    }
  }
}

package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The in-place batch projection against the per-row double projection, element by element. */
class InputSpaceBatchTest {

  @Test
  void batchRelaxationEqualsRowRelaxationForBothNormsAndBoundKinds() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(2);
    for (InputSpace space : new InputSpace[] {InputSpace.box(6, 0, 1), InputSpace.of(new dev.gauntlet.harness.data.Encoder(TabularFixture.schema()))}) {
      int d = space.width();
      int n = 9;
      double[][] x0 = new double[n][d];
      double[][] x = new double[n][d];
      double[] eps = new double[n];
      dev.gauntlet.harness.data.Table t = TabularFixture.rows(n, 5);
      double[][] enc = new dev.gauntlet.harness.data.Encoder(t.schema()).encode(t);
      for (int i = 0; i < n; i++) {
        eps[i] = r.nextDouble(0.05, 1.5);
        for (int j = 0; j < d; j++) {
          x0[i][j] = d == 6 ? r.nextDouble() : enc[i][j];
          x[i][j] = x0[i][j] + r.nextDouble(-2, 2);
        }
      }
      for (Norm norm : Norm.values()) {
        INDArray bx = Nd4j.create(x).castTo(DataType.DOUBLE);
        space.relaxInPlace(bx, Nd4j.create(x0), Nd4j.create(eps, new long[] {n, 1}, 'c'), norm);
        double[][] got = bx.toDoubleMatrix();
        for (int i = 0; i < n; i++) {
          double[] want = x[i].clone();
          space.relax(want, x0[i], eps[i], norm);
          for (int j = 0; j < d; j++) {
            assertEquals(want[j], got[i][j], 1e-12, norm + " row " + i + " dim " + j);
          }
        }
      }
    }
  }
}

package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.models.Dl4jModel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Rows that reach the goal leave the working set, so later steps compute no gradient for them,
 * and the attack is still the same attack: a row's iterate depends on its own row only, so every
 * row of a batch ends where the same attack on that row alone ends (the reference: 1-row batches,
 * which nothing can compact), and the batch needs fewer gradient rows than rows x steps.
 */
class ActiveRowsTest {
  private static final int N = 48;
  private static final int D = 8;
  private static final int K = 3;
  private static final int STEPS = 10;

  /** Counts the rows each gradient call is asked for. */
  private static final class Counting implements GradientPass {
    final GradientPass inner;
    long rows;

    Counting(GradientPass inner) {
      this.inner = inner;
    }

    @Override
    public INDArray gradient(INDArray x, INDArray y) {
      rows += x.rows();
      return inner.gradient(x, y);
    }

    @Override
    public INDArray lastOutput() {
      return inner.lastOutput();
    }

    @Override
    public INDArray output(INDArray x) {
      return inner.output(x);
    }

    @Override
    public DataType dataType() {
      return inner.dataType();
    }
  }

  private static void check(Norm norm) {
    Dl4jModel model = Dl4jModel.of(Nets.mlp(11, DataType.DOUBLE, D, K, Activation.TANH, 12), "m");
    InputSpace space = InputSpace.box(D, -3, 3);
    DecisionRule rule = new DecisionRule(1, 0.5);
    SplittableRandom r = new SplittableRandom(5);
    double[][] x = new double[N][D];
    double[] e = new double[N];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < D; j++) {
        x[i][j] = r.nextDouble(-1, 1);
      }
      e[i] = (norm == Norm.LINF ? 0.6 : 1.6) * (i + 1) / N; // from a radius no row breaks at to one most rows break at, early or late
    }
    double[][] p = model.predict(x);
    int[] ref = new int[N];
    for (int i = 0; i < N; i++) {
      ref[i] = rule.decide(p[i]);
    }
    AttackSpec spec = AttackSpec.bim(norm, STEPS);
    Counting pass = new Counting(GradientPass.of(model));
    INDArray batch = GradientAttack.perturb(pass, space, rule, spec, Nd4j.create(x), Nets.oneHot(ref, K, DataType.DOUBLE),
        Nd4j.create(e, new long[] {N, 1}), Double.NaN, new GradientAttack.Goal(ref, false), true, 1, null);
    double[][] got = batch.toDoubleMatrix();
    long single = 0;
    int broken = 0;
    for (int i = 0; i < N; i++) {
      Counting one = new Counting(GradientPass.of(model));
      INDArray alone = GradientAttack.perturb(one, space, rule, spec, Nd4j.create(new double[][] {x[i]}), Nets.oneHot(new int[] {ref[i]}, K, DataType.DOUBLE),
          Nd4j.create(new double[] {e[i]}, new long[] {1, 1}), e[i], new GradientAttack.Goal(new int[] {ref[i]}, false), true, 1, null);
      single += one.rows;
      broken += one.rows < STEPS ? 1 : 0;
      double[] want = alone.toDoubleMatrix()[0];
      for (int j = 0; j < D; j++) {
        assertEquals(want[j], got[i][j], 1e-12, norm + ": row " + i + " input " + j + " ends where the attack on that row alone ends");
      }
    }
    assertTrue(broken >= N / 4 && broken < N, norm + ": the radii make some rows stop early and some run every step (" + broken + " of " + N + " stopped early)");
    assertTrue(pass.rows < (long) N * STEPS, norm + ": compaction skips frozen rows (" + pass.rows + " gradient rows, not " + N * STEPS + ")");
    assertTrue(pass.rows >= single, norm + ": no row is skipped before it is frozen (" + pass.rows + " >= " + single + ")");
  }

  @Test
  void linfRowsEndAsAloneWithFewerGradientRows() {
    check(Norm.LINF);
  }

  @Test
  void l2RowsEndAsAloneWithFewerGradientRows() {
    check(Norm.L2);
  }
}

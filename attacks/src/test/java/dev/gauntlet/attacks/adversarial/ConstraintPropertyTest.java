package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.models.Dl4jModel;
import dev.gauntlet.harness.model.FunctionModel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Property: for every attack, norm, seed and row, the output stays in the epsilon ball and the
 * schema's ranges, leaves immutable features alone, keeps integer features whole and one-hot groups
 * one-hot. Checked by {@link TabularFixture#invalid}, written from the schema and not from
 * {@link InputSpace}. Also the projection that every evaluated point goes through, on arbitrary
 * (garbage) inputs.
 */
class ConstraintPropertyTest {

  @Test
  void everyAttackOutputIsValidOverManySeeds() {
    Table t = TabularFixture.rows(24, 3);
    Encoder enc = new Encoder(t.schema());
    double[][] x0 = enc.encode(t);
    int[] labels = t.labels();
    InputSpace space = InputSpace.of(enc);
    Dl4jModel white = Dl4jModel.of(Nets.mlp(5, DataType.DOUBLE, enc.width(), 2, Activation.TANH, 12), "mlp");
    FunctionModel black = new FunctionModel("fn", enc.width(), 2, ConstraintPropertyTest::javaModel);
    List<String> classes = List.of("no", "yes");
    int checked = 0;
    int flipped = 0;
    int categoryChanges = 0;
    for (int seed = 0; seed < 25; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      Norm norm = r.nextBoolean() ? Norm.LINF : Norm.L2;
      double[] eps = new double[x0.length];
      for (int i = 0; i < eps.length; i++) {
        eps[i] = r.nextInt(4) == 0 ? r.nextDouble(1, 2.5) : r.nextDouble(0.01, 1);
      }
      AttackSpec[] specs = {
          AttackSpec.fgsm(norm), AttackSpec.bim(norm, 3), AttackSpec.pgd(norm, 3, 2),
          AttackSpec.pgd(norm, 2, 1).targeting("yes"), AttackSpec.simba(norm, 25), AttackSpec.noise(norm, 5),
          AttackSpec.apgdCe(norm, 3, 2), AttackSpec.apgdCe(norm, 3, 1).targeting("yes"), AttackSpec.square(25),
          AttackSpec.autoattack(norm, 3, 20)};
      if (seed % 3 != 0) {
        specs = java.util.Arrays.copyOf(specs, 6); // the APGD, Square and autoattack runs on every third seed (9 seeds)
      }
      for (AttackSpec spec : specs) {
        Attacker a = Attacker.of(spec.kind().whiteBox() ? white : black, space, new DecisionRule(1, 0.5), classes);
        AttackResult res = a.attack(spec, x0, labels, eps, seed);
        for (int i = 0; i < x0.length; i++) {
          String bad = TabularFixture.invalid(enc, res.adversarial()[i], x0[i], eps[i], spec.norm());
          String where = spec.describe() + ", seed " + seed + ", row " + i;
          assertNull(bad, () -> where + " produced an invalid point");
          checked++;
          flipped += res.success()[i] ? 1 : 0;
          for (Encoder.Dim d : enc.dims()) {
            if (d.group() >= 0 && res.adversarial()[i][d.index()] != x0[i][d.index()]) {
              categoryChanges++;
            }
          }
        }
      }
    }
    assertEquals((25 * 6 + 9 * 4) * 24, checked);
    assertTrue(flipped > 0, "the attacks must flip some rows, or the property is vacuous");
    assertTrue(categoryChanges > 0, "some one-hot changes must happen at eps >= 1.5, or the one-hot rule is untested");
  }

  /** A fixed non-linear scorer in plain Java, so the black-box attacks cost no native calls. */
  static double[][] javaModel(double[][] x) {
    double[][] p = new double[x.length][2];
    for (int i = 0; i < x.length; i++) {
      double z = 0.3;
      for (int j = 0; j < x[i].length; j++) {
        z += Math.tanh((j % 2 == 0 ? 1.3 : -0.9) * x[i][j] + 0.1 * j) * (1 + j % 3);
      }
      p[i][1] = 1 / (1 + Math.exp(-z));
      p[i][0] = 1 - p[i][1];
    }
    return p;
  }

  @Test
  void projectionMakesArbitraryPointsValid() {
    Table t = TabularFixture.rows(10, 4);
    Encoder enc = new Encoder(t.schema());
    double[][] x0 = enc.encode(t);
    InputSpace space = InputSpace.of(enc);
    for (int seed = 0; seed < 500; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      int i = r.nextInt(x0.length);
      Norm norm = r.nextBoolean() ? Norm.LINF : Norm.L2;
      double eps = r.nextDouble(0.001, 3);
      double[] x = new double[x0[i].length];
      for (int j = 0; j < x.length; j++) {
        x[j] = x0[i][j] + r.nextDouble(-5, 5);
      }
      space.project(x, x0[i], eps, norm);
      assertNull(TabularFixture.invalid(enc, x, x0[i], eps, norm), "seed " + seed);
    }
  }
}

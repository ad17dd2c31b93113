package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.fixtures.DemoInputs;
import dev.gauntlet.fixtures.DemoModels;
import dev.gauntlet.fixtures.LendingData;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.models.Dl4jModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * APGD is at least as strong as PGD-10 where it must be: at every epsilon of a sweep on the digits
 * MLP and on the demo's model and data (whose schema pins age, sex and region), and on a linear
 * model it reaches the closed-form minimum (a flip exists iff eps exceeds the distance to the
 * hyperplane, |w.x + b| / ||w||_1 under L-inf, / ||w||_2 under L2).
 */
class ApgdStrengthTest {
  private static final double[] W = {1.2, -0.8, 0.5, 2.0};
  private static final double B = -0.3;

  @TempDir
  Path dir;

  @Test
  void linearModelFlipsExactlyBeyondTheClosedFormDistance() {
    Dl4jModel model = Dl4jModel.of(Nets.logistic(W, B), "logreg");
    DecisionRule rule = new DecisionRule(1, 0.5);
    Attacker attacker = Attacker.of(model, InputSpace.box(W.length, -100, 100), rule, List.of("neg", "pos"));
    SplittableRandom r = new SplittableRandom(8);
    int n = 40;
    double[][] x = new double[n][W.length];
    for (double[] row : x) {
      for (int j = 0; j < W.length; j++) {
        row[j] = r.nextDouble(-1.5, 1.5);
      }
    }
    int[] clean = rule.decide(model.predict(x));
    for (Norm norm : Norm.values()) {
      double dual = 0;
      for (double w : W) {
        dual += norm == Norm.LINF ? Math.abs(w) : w * w;
      }
      dual = norm == Norm.LINF ? dual : Math.sqrt(dual);
      double[] above = new double[n];
      double[] below = new double[n];
      for (int i = 0; i < n; i++) {
        double z = B;
        for (int j = 0; j < W.length; j++) {
          z += W[j] * x[i][j];
        }
        double truth = Math.abs(z) / dual;
        above[i] = truth * 1.001 + 1e-9;
        below[i] = truth * 0.999;
      }
      for (AttackSpec spec : new AttackSpec[] {AttackSpec.apgdCe(norm, 10, 1)}) {
        AttackResult hi = attacker.attack(spec, x, clean, above, 3);
        AttackResult lo = attacker.attack(spec, x, clean, below, 3);
        for (int i = 0; i < n; i++) {
          assertTrue(hi.success()[i], spec.describe() + " row " + i + " flips at 1.001 x the closed-form distance " + above[i]);
          assertFalse(lo.success()[i], spec.describe() + " row " + i + " cannot flip below the closed-form distance");
        }
      }
    }
  }

  @Test
  void dlrNeedsThreeClasses() {
    Dl4jModel model = Dl4jModel.of(Nets.logistic(W, B), "logreg");
    Attacker attacker = Attacker.of(model, InputSpace.box(W.length, -100, 100), new DecisionRule(1, 0.5), List.of("neg", "pos"));
    UsageException e = assertThrows(UsageException.class,
        () -> attacker.attack(AttackSpec.apgdDlr(Norm.LINF, 10, 1), new double[][] {{0, 0, 0, 0}}, new int[] {0}, new double[] {0.1}, 1));
    assertTrue(e.getMessage().contains("at least 3 classes") && e.getMessage().contains("apgd-ce"), e.getMessage());
  }

  /** Robust accuracy of the check's primary attack and of PGD-10 (compared), per epsilon; asserts APGD <= PGD. */
  private static void atMostPgd(String what, CheckValue v, double[] eps) {
    StringBuilder sb = new StringBuilder(what + ": clean " + ImageSetOrderingTest.value(v, "clean_accuracy", ""));
    for (double e : eps) {
      double apgd = ImageSetOrderingTest.value(v, "robust_accuracy", Subject.eps(e).toString());
      double pgd = ImageSetOrderingTest.value(v, "attack_robust_accuracy", Subject.attack("pgd-linf").with(Subject.Dim.EPS, e).toString());
      sb.append(String.format("; eps %s: apgd-ce %.4f, pgd-10 %.4f", e, apgd, pgd));
      assertTrue(apgd <= pgd, what + " at eps " + e + ": APGD-CE robust accuracy " + apgd + " must not exceed PGD-10's " + pgd);
    }
    System.out.println(sb);
  }

  @Test
  void atOrBelowPgdOnTheDigitsModel() throws Exception {
    Path csv = Path.of(getClass().getResource("digits.csv").toURI());
    Schema schema = ImageSetOrderingTest.schema();
    Table all = TableLoader.load(csv, schema);
    Table train = all.select(java.util.stream.IntStream.range(0, 1300).toArray());
    Table test = all.select(java.util.stream.IntStream.range(1300, all.rowCount()).toArray());
    dev.gauntlet.harness.data.Encoder enc = new dev.gauntlet.harness.data.Encoder(schema);
    MultiLayerNetwork net = Nets.mlp(7, DataType.FLOAT, 64, 10, Activation.RELU, 32);
    DataSet ds = new DataSet(Nd4j.create(enc.encode(train)).castTo(DataType.FLOAT), Nets.oneHot(train.labels(), 10, DataType.FLOAT));
    for (int epoch = 0; epoch < 40; epoch++) {
      net.fit(ds);
    }
    Dl4jModel model = Dl4jModel.of(net, "digits-mlp");
    double[] eps = {0.02, 0.04, 0.08, 0.15};
    CheckContext ctx = new CheckContext(model, false, test, null, 99, 0.5, null, dir, new CheckContext.Cache());
    for (int steps : new int[] {10, 100}) {
      RobustnessCheck check = RobustnessCheck.of(AttackSpec.apgdCe(Norm.LINF, steps, 1), eps).comparedWith(AttackSpec.pgd(Norm.LINF, 10, 1));
      atMostPgd("digits, apgd-ce " + steps + " steps", check.run(ctx), eps);
    }
  }

  @Test
  void atOrBelowPgdOnTheDemoModel() throws Exception {
    Schema schema = LendingData.schema();
    Path train = dir.resolve("train.csv");
    Path eval = dir.resolve("lending.csv");
    Files.writeString(train, LendingData.toCsv(LendingData.generate(DemoInputs.TRAIN_SEED, 0, LendingData.DRIFT_MONTH, DemoInputs.PER_MONTH, "T")));
    Files.writeString(eval, LendingData.toCsv(LendingData.generate(DemoInputs.DATA_SEED, 0, 24, DemoInputs.PER_MONTH, "A")));
    MultiLayerNetwork net = DemoModels.mlp(TableLoader.load(train, schema), DemoInputs.MODEL_SEED, 30);
    Dl4jModel model = Dl4jModel.of(net, "demo-mlp");
    double[] eps = {0.02, 0.05, 0.1, 0.2};
    CheckContext ctx = new CheckContext(model, false, TableLoader.load(eval, schema), null, 42, 0.5, null, dir, new CheckContext.Cache());
    RobustnessCheck check = new RobustnessCheck(AttackSpec.apgdCe(Norm.LINF, 100, 1), List.of(AttackSpec.pgd(Norm.LINF, 10, 1)), eps, 500,
        List.of(), 30, 5, null, null);
    atMostPgd("demo, apgd-ce 100 steps", check.run(ctx), eps);
  }
}

package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.models.Dl4jModel;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Square Attack and the autoattack ensemble on the digits MLP (8x8 images, so Square draws square
 * windows): the ensemble breaks every row its APGD-CE stage breaks (same seed: the per-row minimum),
 * its robust accuracy is at or below PGD-10's, APGD-CE's and Square's at every epsilon, and Square
 * (score-based, 300 queries) sits between the white-box attacks and the noise baseline.
 */
class EnsembleTest {
  private static Dl4jModel model;
  private static Table test;
  private static double[][] x0;

  @TempDir
  Path dir;

  @BeforeAll
  static void train() throws Exception {
    Path csv = Path.of(EnsembleTest.class.getResource("digits.csv").toURI());
    Schema schema = ImageSetOrderingTest.schema();
    Table all = TableLoader.load(csv, schema);
    Table train = all.select(java.util.stream.IntStream.range(0, 1300).toArray());
    test = all.select(java.util.stream.IntStream.range(1300, 1500).toArray());
    Encoder enc = new Encoder(schema);
    MultiLayerNetwork net = Nets.mlp(7, DataType.FLOAT, 64, 10, Activation.RELU, 32);
    DataSet ds = new DataSet(Nd4j.create(enc.encode(train)).castTo(DataType.FLOAT), Nets.oneHot(train.labels(), 10, DataType.FLOAT));
    for (int epoch = 0; epoch < 40; epoch++) {
      net.fit(ds);
    }
    model = Dl4jModel.of(net, "digits-mlp");
    x0 = enc.encode(test);
  }

  @Test
  void theEnsembleBreaksEveryRowItsFirstStageBreaks() {
    Attacker a = Attacker.of(model, InputSpace.box(64, 0, 1), new DecisionRule(1, 0.5), List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    int[] y = test.labels();
    double[] eps = new double[x0.length];
    java.util.Arrays.fill(eps, 0.08);
    AttackResult ce = a.attack(AttackSpec.apgdCe(Norm.LINF, 20, 1), x0, y, eps, 5);
    AttackResult auto = a.attack(AttackSpec.autoattack(Norm.LINF, 20, 300), x0, y, eps, 5);
    int ceBroken = 0;
    int autoBroken = 0;
    for (int i = 0; i < x0.length; i++) {
      assertTrue(!ce.success()[i] || auto.success()[i], "row " + i + ": broken by APGD-CE, so by the ensemble");
      ceBroken += ce.success()[i] ? 1 : 0;
      autoBroken += auto.success()[i] ? 1 : 0;
    }
    System.out.printf("digits eps 0.08: apgd-ce broke %d of %d rows, autoattack %d (queries %d)%n", ceBroken, x0.length, autoBroken, auto.queries());
  }

  @Test
  void robustAccuracyOrdering() {
    double[] eps = {0.08, 0.15};
    CheckContext ctx = new CheckContext(model, false, test, null, 99, 0.5, null, dir, new CheckContext.Cache());
    RobustnessCheck check = RobustnessCheck.of(AttackSpec.autoattack(Norm.LINF, 20, 300), eps)
        .comparedWith(AttackSpec.pgd(Norm.LINF, 10, 1), AttackSpec.apgdCe(Norm.LINF, 20, 1), AttackSpec.square(300), AttackSpec.noise(Norm.LINF, 20))
        .withMaxRows(200);
    CheckValue v = check.run(ctx);
    StringBuilder sb = new StringBuilder("digits: clean " + ImageSetOrderingTest.value(v, "clean_accuracy", ""));
    for (double e : eps) {
      double auto = ImageSetOrderingTest.value(v, "robust_accuracy", Subject.eps(e).toString());
      double pgd = other(v, "pgd-linf", e);
      double apgd = other(v, "apgd-ce-linf", e);
      double square = other(v, "square-linf", e);
      double noise = other(v, "noise-linf", e);
      sb.append(String.format("; eps %s: autoattack %.3f, apgd-ce-20 %.3f, pgd-10 %.3f, square-300 %.3f, noise %.3f", e, auto, apgd, pgd, square, noise));
      assertTrue(auto <= pgd && auto <= apgd && auto <= square, "at eps " + e + " the ensemble is the strongest: " + sb);
      assertTrue(square <= noise, "at eps " + e + " square is at least as strong as noise: " + sb);
    }
    System.out.println(sb);
    assertTrue(v.summary().contains("square 300 queries") && v.summary().contains("apgd-dlr targeted at 9 classes x 20 steps"), v.summary());
  }

  private static double other(CheckValue v, String attack, double e) {
    return ImageSetOrderingTest.value(v, "attack_robust_accuracy", Subject.attack(attack).with(Subject.Dim.EPS, e).toString());
  }
}

package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.models.Dl4jModel;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.gauntlet.harness.metric.Subject;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * On sklearn's 8x8 digits (converted by {@code attacks/scripts/digits_to_csv.py}), a small MLP
 * trained here shows the expected ordering of robust accuracy, noise >= FGSM >= PGD at every
 * epsilon, and robust accuracy falling as epsilon grows; the check also shows image triplets and
 * exports its examples.
 */
class ImageSetOrderingTest {

  @TempDir
  Path out;

  static Schema schema() {
    StringBuilder sb = new StringBuilder("name: digits\ncolumns:\n");
    for (int i = 0; i < 64; i++) {
      sb.append("  - {name: p").append(i).append(", type: numeric, role: feature, range: [0, 16], encoding: {scale: minmax, min: 0, max: 16}}\n");
    }
    sb.append("  - {name: label, type: categorical, role: label, categories: [\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}\n");
    return SchemaLoader.parse(ConfigNode.parse("digits.yaml", sb.toString()));
  }

  @Test
  void noiseFgsmPgdOrderingAndFallingCurve() throws Exception {
    Path csv = Path.of(getClass().getResource("digits.csv").toURI());
    Schema schema = schema();
    Table all = TableLoader.load(csv, schema);
    int n = all.rowCount();
    int[] trainRows = java.util.stream.IntStream.range(0, 1300).toArray();
    int[] testRows = java.util.stream.IntStream.range(1300, n).toArray();
    Table train = all.select(trainRows);
    Table test = all.select(testRows);
    dev.gauntlet.harness.data.Encoder enc = new dev.gauntlet.harness.data.Encoder(schema);
    MultiLayerNetwork net = Nets.mlp(7, DataType.FLOAT, 64, 10, Activation.RELU, 32);
    DataSet ds = new DataSet(Nd4j.create(enc.encode(train)).castTo(DataType.FLOAT), Nets.oneHot(train.labels(), 10, DataType.FLOAT));
    for (int epoch = 0; epoch < 40; epoch++) {
      net.fit(ds);
    }
    Dl4jModel model = Dl4jModel.of(net, "digits-mlp");
    double[] eps = {0.04, 0.08, 0.15};
    RobustnessCheck check = new RobustnessCheck(AttackSpec.pgd(Norm.LINF, 10, 1), List.of(AttackSpec.fgsm(Norm.LINF), AttackSpec.noise(Norm.LINF, 5)),
        eps, 1000, List.of(), 30, 5, "digits-adv.csv", null);
    CheckContext ctx = new CheckContext(model, false, test, null, 99, 0.5, null, out, new CheckContext.Cache());
    CheckValue v = check.run(ctx);
    double clean = value(v, "clean_accuracy", "");
    assertTrue(clean > 0.85, "the MLP must learn the digits first; clean accuracy " + clean);
    double previous = clean;
    for (double e : eps) {
      String s = Subject.eps(e).toString();
      double pgd = value(v, "robust_accuracy", s);
      double fgsm = value(v, "attack_robust_accuracy", Subject.attack("fgsm-linf").with(Subject.Dim.EPS, e).toString());
      double noise = value(v, "attack_robust_accuracy", Subject.attack("noise-linf").with(Subject.Dim.EPS, e).toString());
      assertTrue(noise >= fgsm && fgsm >= pgd, "at " + s + ": noise " + noise + " >= fgsm " + fgsm + " >= pgd " + pgd);
      assertTrue(pgd <= previous, "robust accuracy must not rise with epsilon: " + pgd + " after " + previous);
      previous = pgd;
    }
    assertTrue(value(v, "robust_accuracy", "eps=0.15") < clean - 0.3, "PGD at 0.15 must break many digits");
    assertTrue(value(v, "attack_robust_accuracy", "attack=noise-linf&eps=0.15") > clean - 0.1, "noise at 0.15 barely hurts");
    Evidence.Images images = v.evidence().stream().filter(e -> e instanceof Evidence.Images).map(e -> (Evidence.Images) e).findFirst().orElseThrow();
    assertTrue(images.width() == 8 && images.height() == 8 && images.images().size() % 3 == 0 && !images.images().isEmpty());
    List<String> lines = Files.readAllLines(out.resolve("digits-adv.csv"));
    assertTrue(lines.get(0).startsWith("row,label,clean_prediction,clean_probability,adversarial_prediction,adversarial_probability,"
        + "flipped,attack_success,epsilon,attack,clean_p0,adversarial_p0,"), lines.get(0));
    assertTrue(lines.size() > 100, "attacked examples are exported");
  }

  static double value(CheckValue v, String metric, String subject) {
    for (Measurement m : v.measurements()) {
      if (m.metric().equals(metric) && m.subject().equals(Subject.parse(subject))) {
        return m.value();
      }
    }
    throw new AssertionError("no " + metric + "[" + subject + "] in " + v.measurements());
  }
}

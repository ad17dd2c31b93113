package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.ParamException;
import dev.gauntlet.models.Dl4jModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gradient-masking tests flag a model whose gradients vanish (a logistic model with its weights
 * scaled by 1,000: the sigmoid saturates to exactly 0 or 1, so the input gradient is 0 and BIM
 * cannot move, while random noise still flips rows) and stay quiet on the same model unscaled.
 */
class MaskingTest {
  private static final double[] W = {1.2, -0.8, 0.5, 2.0};
  private static final double B = -0.3;

  @TempDir
  Path dir;

  private Table data(Dl4jModel model) throws Exception {
    StringBuilder schema = new StringBuilder("name: lin\ncolumns:\n");
    for (int j = 0; j < W.length; j++) {
      schema.append("  - {name: f").append(j).append(", type: numeric, role: feature, range: [-1.5, 1.5]}\n");
    }
    schema.append("  - {name: y, type: binary, role: label, categories: [\"neg\", \"pos\"]}\n");
    Schema s = SchemaLoader.parse(ConfigNode.parse("lin.yaml", schema.toString()));
    SplittableRandom r = new SplittableRandom(4);
    StringBuilder csv = new StringBuilder("f0,f1,f2,f3,y\n");
    for (int i = 0; i < 200; i++) {
      double[] x = new double[W.length];
      for (int j = 0; j < x.length; j++) {
        x[j] = r.nextDouble(-1.5, 1.5);
      }
      int y = new DecisionRule(1, 0.5).decide(model.predict(new double[][] {x})[0]); // labels = clean decisions
      for (double v : x) {
        csv.append(v).append(',');
      }
      csv.append(y == 1 ? "pos" : "neg").append('\n');
    }
    Path p = dir.resolve("lin.csv");
    Files.writeString(p, csv);
    return TableLoader.load(p, s);
  }

  private CheckValue run(double scale) throws Exception {
    double[] w = W.clone();
    for (int j = 0; j < w.length; j++) {
      w[j] *= scale;
    }
    Dl4jModel model = Dl4jModel.of(Nets.logistic(w, B * scale), "logreg x" + scale);
    RobustnessCheck check = RobustnessCheck.of(AttackSpec.bim(Norm.LINF, 8), 0.3, 1.0, 3.5)
        .comparedWith(AttackSpec.fgsm(Norm.LINF), AttackSpec.noise(Norm.LINF, 50)).withMaskingSteps(16);
    return check.run(new CheckContext(model, false, data(model), null, 11, 0.5, null, dir, new CheckContext.Cache()));
  }

  private static Evidence.Table table(CheckValue v) {
    return v.evidence().stream().filter(e -> e instanceof Evidence.Table t && t.title().startsWith("Gradient-masking"))
        .map(e -> (Evidence.Table) e).findFirst().orElseThrow();
  }

  @Test
  void vanishingGradientsAreFlagged() throws Exception {
    CheckValue v = run(1000);
    double violations = ImageSetOrderingTest.value(v, "masking_violations", "");
    System.out.println("masked: " + table(v).rows() + " | " + v.summary());
    assertTrue(violations >= 2, "black-box beats white-box and robust accuracy stays above chance at eps 3.5: " + table(v).rows());
    assertTrue(v.summary().contains("Gradient masking suspected") && v.summary().contains("may be inflated"), v.summary());
    List<List<String>> rows = table(v).rows();
    assertEquals("VIOLATION", rows.get(1).get(1), "chance at a covering eps: " + rows.get(1));
    assertEquals("VIOLATION", rows.get(2).get(1), "black-box beats white-box: " + rows.get(2));
  }

  @Test
  void aHealthyModelPasses() throws Exception {
    CheckValue v = run(1);
    System.out.println("healthy: " + table(v).rows());
    assertEquals(0.0, ImageSetOrderingTest.value(v, "masking_violations", ""), table(v).rows().toString());
    assertTrue(!v.summary().contains("masking"), v.summary());
  }

  @Test
  void maskingStepsIsValidated() {
    ParamException same = assertThrows(ParamException.class, () -> RobustnessCheck.of(AttackSpec.pgd(Norm.LINF, 10, 1), 0.1).withMaskingSteps(10));
    assertTrue(same.getMessage().contains("must differ"), same.getMessage());
    ParamException black = assertThrows(ParamException.class, () -> RobustnessCheck.of(AttackSpec.noise(Norm.LINF, 5), 0.1).withMaskingSteps(10));
    assertTrue(black.getMessage().contains("iterative white-box"), black.getMessage());
  }
}

package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import dev.gauntlet.models.XgboostModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Attacks on a real XGBoost tree ensemble (fixtures/xgboost/lending-xgb.ubj, binary:logistic,
 * trained by python3-xgboost on the lending fixture): HopSkipJump flips rows, every flip confirmed
 * by calling the model again on the adversarial point; white-box attacks end as ERROR saying trees
 * have no useful gradient.
 */
class XgboostAttackTest {
  private static final List<String> CLASSES = List.of("no", "yes");

  private static Path fixtures() {
    Path d = Path.of("../fixtures");
    assumeTrue(Files.isDirectory(d.resolve("xgboost")) && Files.isDirectory(d.resolve("onnx")), "fixtures/xgboost is absent; skipping");
    return d;
  }

  private static Schema schema() {
    return SchemaLoader.load(fixtures().resolve("onnx/lending.schema.yaml"));
  }

  private static Table rows(int n) {
    Table t = TableLoader.load(fixtures().resolve("onnx/eval.csv"), schema());
    return t.select(IntStream.range(0, n).map(i -> i * 7).toArray());
  }

  private static XgboostModel model() {
    return XgboostModel.load(fixtures().resolve("xgboost/lending-xgb.ubj"), "lending-xgb", OptionalInt.of(9));
  }

  @Test
  void hopSkipJumpFlipsRowsOfTheTreeEnsemble() {
    Table t = rows(40);
    Encoder enc = new Encoder(t.schema());
    double[][] x0 = enc.encode(t);
    XgboostModel m = model();
    DecisionRule rule = new DecisionRule(1, 0.5);
    InputSpace space = InputSpace.of(enc);
    int[] clean = rule.decide(m.predict(x0));
    double[] eps = new double[x0.length];
    Arrays.fill(eps, 0.5);
    AttackResult r = Attacker.of(m, space, rule, CLASSES).attack(AttackSpec.hsj(Norm.LINF, 300), x0, clean, eps, 11);
    int[] again = rule.decide(m.predict(r.adversarial()));
    int flipped = 0;
    for (int i = 0; i < x0.length; i++) {
      assertNull(space.violation(r.adversarial()[i], x0[i], eps[i], Norm.LINF), "row " + i + " left the schema's constraints");
      if (r.success()[i]) {
        assertNotEquals(clean[i], again[i], "row " + i + ": the flip must hold when the model is called again");
        flipped++;
      }
    }
    System.out.printf("hsj-linf 300 queries, eps 0.5, on lending-xgb: %d of %d rows flipped, %d queries per row%n", flipped, x0.length,
        (r.queries() - x0.length) / x0.length);
    assertTrue(flipped >= 10, "HopSkipJump flipped only " + flipped + " of " + x0.length + " rows");
    assertTrue((r.queries() - x0.length) / x0.length <= 300, "budget respected");
  }

  @Test
  void blackBoxAttacksRunWithTheirBudgetsAndWhiteBoxOnesAreRefusedWithTheReason() {
    Table t = rows(60);
    XgboostModel m = model();
    double[] eps = {0.1, 0.5};
    Suite suite = Suite.builder("xgb").seed(3).model(m).data(t)
        .check(CheckSpec.of("fgsm", RobustnessCheck.of(AttackSpec.fgsm(Norm.LINF), eps), MetricCondition.atLeast("robust_accuracy", 0.0).forSubject("eps=0.5")))
        .check(CheckSpec.of("square", RobustnessCheck.of(AttackSpec.square(200), eps).comparedWith(AttackSpec.simba(Norm.LINF, 100), AttackSpec.hsj(Norm.LINF, 200)),
            MetricCondition.atLeast("robust_accuracy", 0.0).forSubject("eps=0.5")))
        .build();
    SuiteResult res = new SuiteRunner(null, null, null).run(suite);
    CheckResult fgsm = res.checks().get(0);
    assertEquals(Outcome.ERROR, fgsm.outcome());
    assertTrue(fgsm.error().contains("no useful gradient") && fgsm.error().contains("simba, square or hsj"), fgsm.error());
    CheckResult sq = res.checks().get(1);
    assertEquals(Outcome.PASS, sq.outcome(), () -> sq.error() + " " + sq.findings());
    assertTrue(sq.summary().contains("200 queries"), sq.summary());
    double small = value(sq, "robust_accuracy", Subject.eps(0.1));
    double hsj = value(sq, "attack_robust_accuracy", Subject.parse("attack=hsj-linf&eps=0.5"));
    double square = value(sq, "robust_accuracy", Subject.eps(0.5));
    System.out.printf("lending-xgb: robust accuracy at eps 0.1 %.3f; at eps 0.5 square %.3f, hsj %.3f%n", small, square, hsj);
    assertTrue(square < value(sq, "clean_accuracy", Subject.all()), "square must break some rows at eps 0.5");
  }

  /** The committed regression fixture's data: 400 rows of the generator the model was trained on. */
  private static Table regressionRows(int n) {
    Schema schema = SchemaLoader.load(fixtures().resolve("xgboost/regression.schema.yaml"));
    Table t = TableLoader.load(fixtures().resolve("xgboost/regression-eval.csv"), schema);
    return t.select(IntStream.range(0, n).toArray());
  }

  @Test
  void regressionTreesAreAttackedBlackBoxAndWhiteBoxIsRefusedWithTheReason() {
    Table t = regressionRows(120);
    XgboostModel m = XgboostModel.load(fixtures().resolve("xgboost/regression.ubj"), "reg-xgb", OptionalInt.of(4));
    double[] eps = {0.1, 0.3};
    Suite suite = Suite.builder("xgb-reg").seed(4).model(m).data(t)
        .check(CheckSpec.of("fgsm", ShiftCheck.of(AttackSpec.fgsm(Norm.LINF), eps), MetricCondition.atMost("robust_mae", 100.0).forSubject("eps=0.3")))
        .check(CheckSpec.of("simba", ShiftCheck.of(AttackSpec.simba(Norm.LINF, 64), eps), MetricCondition.atMost("robust_mae", 100.0).forSubject("eps=0.3")))
        .check(CheckSpec.of("noise", ShiftCheck.of(AttackSpec.noise(Norm.LINF, 64), eps), MetricCondition.atMost("robust_mae", 100.0).forSubject("eps=0.3")))
        .build();
    SuiteResult res = new SuiteRunner(null, null, null).run(suite);
    CheckResult fgsm = res.checks().get(0);
    assertEquals(Outcome.ERROR, fgsm.outcome());
    assertTrue(fgsm.error().contains("no useful gradient") && fgsm.error().contains("simba or noise"), fgsm.error());
    CheckResult simba = res.checks().get(1);
    CheckResult noise = res.checks().get(2);
    assertEquals(Outcome.PASS, simba.outcome(), () -> simba.error() + " " + simba.findings());
    double clean = value(simba, "clean_mae", Subject.all());
    for (double e : eps) {
      double s = value(simba, "robust_mae", Subject.eps(e));
      double nz = value(noise, "robust_mae", Subject.eps(e));
      System.out.printf("reg-xgb eps %.1f: MAE clean %.4f, simba (64 queries) %.4f, noise (64 draws) %.4f; max shift simba %.4f%n", e, clean, s, nz,
          value(simba, "max_shift", Subject.eps(e)));
      assertTrue(s > clean && s >= nz, "simba must raise the error at least as much as noise at eps " + e + ": " + s + " vs " + nz);
    }
    assertTrue(simba.summary().contains("MAE") && simba.summary().contains("model calls per row"), simba.summary());
  }

  private static double value(CheckResult r, String metric, Subject subject) {
    return r.measurements().stream().filter(x -> x.metric().equals(metric) && x.subject().equals(subject)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + "[" + subject + "]")).value();
  }
}

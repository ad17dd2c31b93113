package dev.gauntlet.harness.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.config.CheckType;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.performance.PerformanceCheck;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.RunFixtures;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, the task in the model and the schema: a numeric label makes a regression suite, models
 * give one number per row, and every mismatch (a classifier against a numeric label, a regression
 * model against classes, a classification check in a regression suite, a NaN prediction) is refused
 * with both shapes named.
 */
class RegressionTaskTest {
  static final String SCHEMA = """
      name: r
      columns:
        - {name: x, type: numeric, role: feature, range: [0, 10000]}
        - {name: pred, type: numeric, role: prediction}
        - {name: y, type: numeric, role: label}
      """;

  @TempDir
  Path dir;

  static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("r.schema.yaml", SCHEMA));
  }

  /** Rows x = 0..n-1, y = 2x + 1, pred = y + (row even ? +1 : -3). */
  static Table table(int n) {
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double y = 2.0 * i + 1;
      rows.add(new String[] {Integer.toString(i), Double.toString(y + (i % 2 == 0 ? 1 : -3)), Double.toString(y)});
    }
    return TableLoader.fromRows(schema(), new String[] {"x", "pred", "y"}, rows, "rows");
  }

  /** A regression check for the test: the mean absolute error of the model's values (never a classification check). */
  record MaeCheck() implements dev.gauntlet.harness.check.Check<CheckValue> {
    static final MetricSet METRICS = MetricSet.of(MetricDecl.of("mae", Direction.LOWER_IS_BETTER, "mean absolute error"));

    @Override public MetricSet metrics() { return METRICS; }
    @Override public String title() { return "MAE"; }
    @Override public Trial trial() { return Trial.PERFORMANCE; }
    @Override public String description() { return "mean absolute error"; }
    @Override public Set<Capability> requires() { return Set.of(); }
    @Override public Set<Task> tasks() { return Set.of(Task.REGRESSION); }

    @Override
    public CheckValue run(CheckContext ctx) {
      double[] v = ctx.predictions(ctx.data()).values();
      double[] y = ctx.data().numeric(ctx.label().name());
      double s = 0;
      for (int i = 0; i < v.length; i++) {
        s += Math.abs(v[i] - y[i]);
      }
      return new CheckValue(List.of(Measurement.of("mae", Subject.all(), s / v.length, v.length)), List.of(), "mae");
    }
  }

  static FunctionModel line(String name, Function<Double, Double> f) {
    return FunctionModel.regression(name, 1, x -> {
      double[] v = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        v[i] = f.apply(x[i][0]);
      }
      return v;
    });
  }

  @Test
  void theTaskFollowsTheLabelColumn() {
    assertEquals(Task.REGRESSION, Task.of(schema()).orElseThrow());
    assertEquals(Task.CLASSIFICATION, Task.of(RunFixtures.schema()).orElseThrow());
    Schema unlabelled = SchemaLoader.parse(ConfigNode.parse("u.yaml", "columns:\n  - {name: x, type: numeric, role: feature}\n"));
    assertTrue(Task.of(unlabelled).isEmpty());
    String m = assertThrows(UsageException.class, () -> SchemaLoader.parse(ConfigNode.parse("b.yaml",
        "columns:\n  - {name: y, type: numeric, role: label, categories: [a, b]}\n"))).getMessage();
    assertTrue(m.startsWith("b.yaml:2:") && m.contains("a numeric label (a regression suite) has no categories"), m);
    m = assertThrows(UsageException.class, () -> SchemaLoader.parse(ConfigNode.parse("c.yaml",
        "columns:\n  - {name: y, type: timestamp, role: label}\n"))).getMessage();
    assertTrue(m.contains("c.yaml:2:") && m.contains("or numeric (a regression suite)"), m);
  }

  @Test
  void aRegressionFunctionModelGivesOneNumberPerRowAndNoProbabilities() {
    FunctionModel m = line("lin", x -> 2 * x + 1);
    assertEquals(Task.REGRESSION, m.task());
    assertEquals(0, m.classCount());
    assertArrayEquals(new double[] {1, 7}, m.predictValues(new double[][] {{0}, {3}}), 0);
    assertThrows(UnsupportedOperationException.class, () -> m.predict(new double[][] {{0}}));
    FunctionModel classifier = RunFixtures.good("c");
    assertEquals(Task.CLASSIFICATION, classifier.task());
    assertThrows(UnsupportedOperationException.class, () -> classifier.predictValues(new double[][] {{0, 0}}));
  }

  @Test
  void aNanOrInfinitePredictionIsRefusedNamingTheModelAndTheRow() {
    Table t = table(5000);
    FunctionModel nan = line("nanny", x -> x == 4321 ? Double.NaN : x);
    CheckContext ctx = new CheckContext(nan, false, t, null, 1, 0.5, null, null, new CheckContext.Cache());
    String m = assertThrows(UsageException.class, () -> ctx.predictions(t)).getMessage();
    // row 4321 lies in the second batch of 4,096 rows: the row number is the table's, not the batch's
    assertTrue(m.contains("model 'nanny' predicted NaN for row 4321"), m);
    assertTrue(m.startsWith("rows:4323:"), "names the row's line (after the header): " + m);
    Table small = table(3);
    FunctionModel inf = line("inf", x -> x == 2 ? Double.POSITIVE_INFINITY : x);
    CheckContext ictx = new CheckContext(inf, false, small, null, 1, 0.5, null, null, new CheckContext.Cache());
    m = assertThrows(UsageException.class, () -> ictx.predictions(small)).getMessage();
    assertTrue(m.contains("model 'inf' predicted Infinity for row 2"), m);
    FunctionModel shortOut = FunctionModel.regression("short", 1, x -> new double[x.length - 1]);
    CheckContext sctx = new CheckContext(shortOut, false, small, null, 1, 0.5, null, null, new CheckContext.Cache());
    m = assertThrows(UsageException.class, () -> sctx.predictions(small)).getMessage();
    assertTrue(m.contains("returned 2 values for 3 inputs"), m);
    assertThrows(UsageException.class, () -> Models.checkValues("m", new double[] {1, Double.NEGATIVE_INFINITY}, 2));
  }

  @Test
  void regressionPredictionsCarryValuesAndRefuseDecisions() {
    Table t = table(4);
    CheckContext ctx = new CheckContext(line("lin", x -> 2 * x + 1), false, t, null, 1, 0.5, null, null, new CheckContext.Cache());
    Predictions p = ctx.predictions(t);
    assertEquals(Task.REGRESSION, p.task());
    assertArrayEquals(new double[] {1, 3, 5, 7}, p.values(), 0);
    assertArrayEquals(new double[] {3, 7}, p.select(new int[] {1, 3}).values(), 0);
    String m = assertThrows(UsageException.class, p::decisions).getMessage();
    assertTrue(m.contains("the model is a regression model"), m);
    Predictions c = Predictions.fromProbabilities(new double[][] {{0.2, 0.8}}, 1, 0.5);
    assertThrows(UsageException.class, c::values);
    assertThrows(IllegalArgumentException.class, () -> new Predictions(new int[1], null, null, false, Double.NaN, new double[1]));
  }

  @Test
  void aClassifierInARegressionSuiteOrTheReverseIsRefusedWithBothShapes() {
    CheckSpec<?> mae = CheckSpec.of("mae", new MaeCheck(), MetricCondition.atMost("mae", 1));
    String m = assertThrows(IllegalArgumentException.class, () -> Suite.builder("r").data(table(10))
        .model(new FunctionModel("clf", 1, 2, x -> new double[x.length][2])).check(mae).build()).getMessage();
    assertTrue(m.contains("model 'clf' is a classifier (2 class probabilities per row)")
        && m.contains("the label 'y' is numeric (a regression suite: one number per row)"), m);
    m = assertThrows(IllegalArgumentException.class, () -> RunFixtures.suite(RunFixtures.table(10, false),
        FunctionModel.regression("reg", RunFixtures.width(), x -> new double[x.length])).build()).getMessage();
    assertTrue(m.contains("model 'reg' is a regression model (one number per row)")
        && m.contains("the label 'y' has 2 classes [no, yes] (a classification suite)"), m);
    // the baseline too
    m = assertThrows(IllegalArgumentException.class, () -> Suite.builder("r").data(table(10)).model(line("a", x -> x))
        .baseline(new FunctionModel("old", 1, 2, x -> new double[x.length][2])).check(mae).build()).getMessage();
    assertTrue(m.contains("model 'old' is a classifier"), m);
  }

  @Test
  void aClassificationCheckInARegressionSuiteIsRefusedAndTheReverse() {
    String m = assertThrows(IllegalArgumentException.class, () -> Suite.builder("r").data(table(10)).model(line("a", x -> x))
        .check(CheckSpec.of("perf", new PerformanceCheck(), MetricCondition.atLeast("accuracy", 0.8))).build()).getMessage();
    assertTrue(m.contains("check 'perf' (") && m.contains("applies to classification suites, but the label 'y' is numeric"), m);
    m = assertThrows(IllegalArgumentException.class, () -> Suite.builder("c").data(RunFixtures.table(10, false)).model(RunFixtures.good("g"))
        .check(CheckSpec.of("mae", new MaeCheck(), MetricCondition.atMost("mae", 1))).build()).getMessage();
    assertTrue(m.contains("check 'mae' (MAE) applies to regression suites, but the label 'y' has 2 classes"), m);
  }

  @Test
  void aRegressionSuiteRunsAJavaModelAndIsDeterministicByTheProbe() {
    Table t = table(50);
    // y = 2x + 1; the model is off by exactly 0.5 on every row: MAE 0.5 by hand
    Suite s = Suite.builder("r").data(t).model(line("lin", x -> 2 * x + 1.5))
        .check(CheckSpec.of("mae", new MaeCheck(), MetricCondition.atMost("mae", 0.6))).build();
    SuiteResult r = new SuiteRunner(null, null, null).run(s);
    assertTrue(r.verdict().passed(), () -> r.checks().toString());
    CheckResult c = r.checks().stream().filter(x -> x.id().equals("mae")).findFirst().orElseThrow();
    assertEquals(0.5, c.findings().get(0).value(), 1e-12);
    assertTrue(r.checks().stream().noneMatch(x -> x.id().equals("model-determinism")), "a deterministic model passes the probe");
    // a model that differs between calls is caught by the probe, in the words of a regression model
    SplittableRandom rng = new SplittableRandom(3);
    Suite noisy = Suite.builder("r").data(t).model(line("dice", x -> x + rng.nextDouble()))
        .check(CheckSpec.of("mae", new MaeCheck(), MetricCondition.atMost("mae", 100))).build();
    SuiteResult nr = new SuiteRunner(null, null, null).run(noisy);
    CheckResult probe = nr.checks().stream().filter(x -> x.id().equals("model-determinism")).findFirst().orElseThrow();
    assertEquals(Outcome.ERROR, probe.outcome());
    assertTrue(probe.findings().get(0).sentence().contains("the predicted value differs by up to"), probe.findings().get(0).sentence());
  }

  SuiteLoader loader() {
    SuiteLoader l = new SuiteLoader();
    l.register(CheckType.of("test.mae", "test", MaeCheck.METRICS, List.of(), (p, s) -> new MaeCheck()));
    return l;
  }

  Path write(String model, String checks) throws Exception {
    Files.writeString(dir.resolve("r.schema.yaml"), SCHEMA);
    StringBuilder csv = new StringBuilder("x,pred,y\n");
    Table t = table(6);
    for (int i = 0; i < 6; i++) {
      csv.append(i).append(',').append(t.numeric("pred")[i]).append(',').append(t.numeric("y")[i]).append('\n');
    }
    Files.writeString(dir.resolve("d.csv"), csv.toString());
    Path suite = dir.resolve("suite.yaml");
    Files.writeString(suite, "name: r\nmodel: " + model + "\ndata: {path: d.csv, schema: r.schema.yaml}\nchecks:\n" + checks);
    return suite;
  }

  @Test
  void aPrecomputedNumericPredictionColumnIsARegressionModelFromYaml() throws Exception {
    Path suite = write("{type: precomputed, prediction: pred}", "  - {type: test.mae, conditions: [{metric: mae, atMost: 2.5}]}\n");
    Suite s = loader().load(suite, OptionalLong.empty(), null);
    assertEquals(Task.REGRESSION, s.model().task());
    SuiteResult r = new SuiteRunner(null, null, null).run(s);
    // errors +1, -3, +1, -3, +1, -3 by construction: MAE = 2 by hand
    assertEquals(2.0, r.checks().stream().filter(x -> x.id().equals("test.mae")).findFirst().orElseThrow().findings().get(0).value(), 1e-12);
    assertTrue(r.verdict().passed());
  }

  @Test
  void aClassificationCheckOrModelInARegressionYamlSuiteIsExit2AtItsLine() throws Exception {
    Path suite = write("{type: precomputed, prediction: pred}", "  - type: performance\n    conditions: [{metric: accuracy, atLeast: 0.8}]\n");
    UsageException e = assertThrows(UsageException.class, () -> loader().load(suite, OptionalLong.empty(), null));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("suite.yaml:5:") && e.getMessage().contains("applies to classification suites, but the label 'y' is numeric"),
        e.getMessage());
    // a score with a threshold is a classifier's output: refused against a numeric label
    Path scored = write("{type: precomputed, score: pred, threshold: 3}", "  - {type: test.mae, conditions: [{metric: mae, atMost: 2.5}]}\n");
    String m = assertThrows(UsageException.class, () -> loader().load(scored, OptionalLong.empty(), null)).getMessage();
    assertTrue(m.contains("suite.yaml:2:") && m.contains("the label 'y' is numeric") && m.contains("a regression suite needs a numeric 'prediction:' column"), m);
  }

  @Test
  void aNumericPredictionColumnAgainstClassesIsRefused() {
    Schema s = SchemaLoader.parse(ConfigNode.parse("s.yaml", """
        columns:
          - {name: p, type: numeric, role: prediction}
          - {name: y, type: binary, role: label, categories: ["no", "yes"]}
        """));
    String m = assertThrows(UsageException.class, () -> PrecomputedModel.ofValues("p", "p").validate(s)).getMessage();
    assertTrue(m.contains("is numeric (a regression model: one number per row) but the label 'y' has 2 classes [no, yes]"), m);
  }
}

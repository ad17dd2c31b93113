package dev.gauntlet.bench.perturbation;

import dev.gauntlet.attacks.perturbation.Counterexample;
import dev.gauntlet.attacks.perturbation.Perturbation;
import dev.gauntlet.attacks.perturbation.PerturbationResult;
import dev.gauntlet.attacks.perturbation.Property;
import dev.gauntlet.attacks.perturbation.PropertyAssert;
import dev.gauntlet.fixtures.DemoInputs;
import dev.gauntlet.fixtures.LendingData;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.models.Dl4jModel;
import dev.gauntlet.harness.model.FunctionModel;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times perturbation properties of 10,000 cases on the demo model (the lending MLP, 9 inputs,
 * 16-16 hidden) on the demo data (9,600 rows). For each property: the median time to generate and
 * evaluate the cases with the engine's batched model calls (no shrinking), the median time with
 * shrinking of 3 counterexamples, and, as the baseline measured in the same run, the same engine
 * calling the model once per row (no shrinking), with the ratio of the medians.
 *
 * <p>Arguments: {@code [cases] [repetitions] [baseline repetitions] [demo dir]}, default
 * {@code 10000 5 3 bench/target/demo}. The baseline runs on the first property only (it is slow).
 */
public final class PerturbationBench {
  private PerturbationBench() {}

  public static void main(String[] args) {
    int cases = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int baselineReps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path dir = Path.of(args.length > 3 ? args[3] : "bench/target/demo");
    DemoInputs.materialize(dir, System.out::println);
    Table data = TableLoader.load(dir.resolve("lending.csv"), LendingData.schema());
    Dl4jModel model = Dl4jModel.load(dir.resolve("model.zip"), "lending-mlp");
    ModelUnderTest oneRowPerCall = new FunctionModel("lending-mlp, one row per call", model.inputWidth().getAsInt(), 2, x -> {
      double[][] out = new double[x.length][];
      for (int i = 0; i < x.length; i++) {
        out[i] = model.predict(new double[][] {x[i]})[0];
      }
      return out;
    });
    System.out.printf(Locale.ROOT, "demo data: %d rows; model: %s; cases per property: %d; repetitions: %d (baseline %d); OMP_NUM_THREADS=%s; cores=%d%n",
        data.rowCount(), model.name(), cases, reps, baselineReps, System.getenv("OMP_NUM_THREADS"), Runtime.getRuntime().availableProcessors());

    List<Property> properties = List.of(
        Property.invariance(Perturbation.noise(0.1)).withCases(cases),
        Property.counterfactual("sex").withCases(cases),
        Property.directional(Property.Direction.UP, Perturbation.monotone(0.5)).withTolerance(0.005).withCases(cases));
    PropertyAssert.given(model, data).run(properties.get(0).withCases(2000)); // warm-up: JIT and ND4J
    PropertyAssert.given(oneRowPerCall, data).run(properties.get(0).withCases(200).withShrinking(0, 0));

    System.out.println();
    System.out.println("| property | failures | evaluate, batched (s) | evaluate + shrink 3, batched (s) | shrink model calls | evaluate, one row per call (s) | speed-up of batching |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (int k = 0; k < properties.size(); k++) {
      Property p = properties.get(k);
      double[] evaluate = new double[reps];
      double[] withShrink = new double[reps];
      PerturbationResult last = null;
      for (int r = 0; r < reps; r++) {
        long t0 = System.nanoTime();
        PropertyAssert.given(model, data).seed(42 + r).run(p.withShrinking(0, 0));
        evaluate[r] = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        last = PropertyAssert.given(model, data).seed(42 + r).run(p);
        withShrink[r] = (System.nanoTime() - t1) / 1e9;
      }
      String single = "-";
      String ratio = "-";
      if (k == 0 && baselineReps > 0) {
        double[] one = new double[baselineReps];
        for (int r = 0; r < baselineReps; r++) {
          long t0 = System.nanoTime();
          PropertyAssert.given(oneRowPerCall, data).seed(42 + r).run(p.withShrinking(0, 0));
          one[r] = (System.nanoTime() - t0) / 1e9;
        }
        single = String.format(Locale.ROOT, "%.3f", median(one));
        ratio = String.format(Locale.ROOT, "%.0fx", median(one) / median(evaluate));
      }
      int calls = last.counterexamples().stream().mapToInt(Counterexample::shrinkSteps).sum();
      System.out.printf(Locale.ROOT, "| %s | %d of %d | %.3f | %.3f | %d | %s | %s |%n", p.name(), last.failures(), last.cases(),
          median(evaluate), median(withShrink), calls, single, ratio);
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}

package dev.gauntlet.harness.report;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Outcome;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.data.DataSource;
import dev.gauntlet.harness.model.Artifact;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Finding;
import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.DeterminismProbe;
import dev.gauntlet.harness.run.Provenance;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.metric.MetricId;
import dev.gauntlet.harness.metric.Subject;
import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic suite results for report tests: every evidence kind the trials produce (robustness
 * curve, slice bars with whiskers and a band, decay over time, drift heat map, images, tables,
 * notes), every outcome, and hostile strings. The real trials land on other branches; these stand
 * in for them. Which checks stop promotion is stated here by hand, not computed.
 */
public final class ReportFixtures {
  /** A string that would break the page if it were not escaped; contains a control character. */
  public static final String HOSTILE = "sex=<b>F</b> & \"x\" 'y' \u0001</td></table><script>alert(1)</script>";

  /** Checks of {@link #rich} that stop promotion under the standard gate, by hand. */
  public static final List<String> RICH_BLOCKING = List.of("robustness", "slice-rates", "flip-noise", "small-slices");

  /** Checks of {@link #rich} that stop promotion when warnings fail the gate, by hand. */
  public static final List<String> RICH_BLOCKING_FAIL_ON_WARN = List.of("robustness", "slice-rates", "decay", "drift-map", "flip-noise", "small-slices");

  private ReportFixtures() {}

  /** A fixture's subject: the canonical grammar, or one attribute {@code slice} holding free (hostile) text. */
  static Subject subject(String text) {
    try {
      return Subject.parse(text);
    } catch (IllegalArgumentException e) {
      return Subject.slice("slice", text);
    }
  }

  static dev.gauntlet.harness.metric.Interval wilson(double lo, double hi) {
    return dev.gauntlet.harness.metric.Interval.of(lo, hi, 0.95, dev.gauntlet.harness.metric.Interval.Method.WILSON);
  }

  static Finding finding(String condition, String subject, Outcome o, String sentence, double value, double baseline) {
    String metric = condition.split("[ \\[]")[0];
    return Finding.of(condition, subject.isEmpty() ? MetricId.of(metric) : MetricId.of(metric, subject(subject)), o, sentence, value, baseline);
  }

  static CheckResult check(String id, String title, Trial trial, boolean required, List<Finding> findings, List<Measurement> ms,
      List<Measurement> base, List<Evidence> evidence, String error, long millis) {
    Outcome worst = Outcome.PASS;
    for (Finding f : findings) {
      worst = worst.worse(f.outcome());
    }
    return new CheckResult(id, title, trial, "Plain-words description of " + title + ".", required, worst, "Summary of " + title + ".",
        findings.stream().map(Finding::condition).distinct().toList(), findings, ms, base, evidence, error, null, millis);
  }

  /** The robustness curve: robust accuracy against epsilon, candidate and baseline, with a missing point. */
  static Evidence.Chart robustnessCurve() {
    List<Evidence.Point> cand = List.of(
        new Evidence.Point(null, 0.0, 0.84, 0.82, 0.86), new Evidence.Point(null, 0.05, 0.74, 0.71, 0.77),
        new Evidence.Point(null, 0.1, 0.61, 0.58, 0.64), new Evidence.Point(null, 0.15, Double.NaN, Double.NaN, Double.NaN),
        new Evidence.Point(null, 0.2, 0.40, 0.36, 0.44));
    List<Evidence.Point> base = List.of(Evidence.Point.of(0.0, 0.86), Evidence.Point.of(0.05, 0.80), Evidence.Point.of(0.1, 0.72),
        Evidence.Point.of(0.15, 0.66), Evidence.Point.of(0.2, Double.POSITIVE_INFINITY));
    return new Evidence.Chart("Robust accuracy against epsilon", Evidence.ChartKind.LINE, "epsilon (L-inf, encoded units)", "robust accuracy (fraction)",
        List.of(new Evidence.Series("candidate", cand), new Evidence.Series("baseline", base)), new Evidence.Band("required", 0.7, 1.0),
        "Robust accuracy falls from 0.84 at epsilon 0 to 0.40 at epsilon 0.2; it leaves the required band above epsilon 0.05.");
  }

  /** Slice bars: selection-rate ratio per slice with intervals, two slices outside the four-fifths band. */
  static Evidence.Chart sliceBars() {
    List<Evidence.Point> pts = List.of(
        Evidence.Point.bar("sex=F", 0.62, 0.55, 0.70), Evidence.Point.bar("sex=M", 1.0, 0.95, 1.05),
        Evidence.Point.bar("region=north", 0.95, 0.85, 1.06), Evidence.Point.bar("region=south", 1.31, 1.20, 1.43),
        Evidence.Point.bar("region=east", 0.91, 0.80, 1.02), Evidence.Point.bar(HOSTILE, 1.02, Double.NaN, Double.NaN));
    return new Evidence.Chart("Selection-rate ratio by slice", Evidence.ChartKind.BAR, "slice", "selection-rate ratio (to reference)",
        List.of(new Evidence.Series("candidate", pts)), new Evidence.Band("four-fifths band", 0.8, 1.25),
        "Two slices fall outside the four-fifths band: sex=F at 0.62 and region=south at 1.31.");
  }

  /** Decay: accuracy per month over 12 months, a label per point. */
  static Evidence.Chart decay() {
    List<Evidence.Point> pts = new ArrayList<>();
    for (int m = 0; m < 12; m++) {
      double acc = m < 6 ? 0.85 : 0.85 - 0.03 * (m - 5);
      pts.add(new Evidence.Point(String.format("2024-%02d", m + 1), m, acc, acc - 0.02, acc + 0.02));
    }
    return new Evidence.Chart("Accuracy by month", Evidence.ChartKind.LINE, "month of application", "accuracy (fraction)",
        List.of(new Evidence.Series("candidate", pts)), new Evidence.Band("warn level", 0.75, 1.0),
        "Accuracy holds at 0.85 for six months, then falls by 0.03 a month to 0.67 in 2024-12.");
  }

  /** Drift heat map: PSI per feature per month, one missing cell. */
  static Evidence.Heatmap driftMap() {
    List<String> features = List.of("income", "debt_ratio", "loan_amount", "age", "region");
    List<String> months = new ArrayList<>();
    List<List<Double>> values = new ArrayList<>();
    for (int m = 0; m < 12; m++) {
      months.add(String.format("2024-%02d", m + 1));
    }
    for (int f = 0; f < features.size(); f++) {
      List<Double> row = new ArrayList<>();
      for (int m = 0; m < 12; m++) {
        row.add(f == 3 && m == 4 ? Double.NaN : (f == 0 ? 0.02 * m : 0.01 * f));
      }
      values.add(row);
    }
    return new Evidence.Heatmap("Population stability index by feature and month", "feature", "month", features, months, values, "PSI",
        "Income drifts steadily, reaching PSI 0.22 in 2024-12; the other features stay below 0.05.");
  }

  static Evidence.Images images() {
    List<Double> orig = new ArrayList<>();
    List<Double> delta = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      orig.add(i % 9 == 0 ? 1.0 : 0.0);
      delta.add(i % 2 == 0 ? 0.1 : -0.1);
    }
    List<Double> adv = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      adv.add(Math.max(0, Math.min(1, orig.get(i) + delta.get(i))));
    }
    return new Evidence.Images("Counterexample: original, perturbation, adversarial", 8, 8,
        List.of(new Evidence.Image("original: class 3", orig, false), new Evidence.Image("perturbation", delta, true),
            new Evidence.Image("adversarial: class 8", adv, false)));
  }

  static Evidence.Table sliceTable() {
    return new Evidence.Table("Slices", List.of("slice", "n", "selection rate"),
        List.of(List.of("sex=F", "412", "0.31"), List.of("sex=M", "588", "0.50"), List.of(HOSTILE, "3", "1")), 7,
        List.of(new Evidence.Cell(0, 2)));
  }

  static Provenance provenance(boolean baseline, String command) {
    return new Provenance("0.1.0-test", "17.0.15 (Test JDK)", "Linux 6", "amd64", 2, "2", 4242L, "candidate-mlp",
        new Artifact("model.zip", "a".repeat(64), 4801), baseline ? "champion-logit" : null, baseline ? new Artifact("baseline.zip", "b".repeat(64), 1157) : null,
        new DataSource("data/lending.csv", "c".repeat(64), 479776, List.of("note about " + HOSTILE)), null, new Artifact("schema.yaml", "d".repeat(64), 1129),
        "suite.yaml", "name: rich\nseed: 4242\nchecks:\n  - id: robustness # " + HOSTILE + "\n", command, 1800,
        List.of(new DeterminismProbe("candidate", "candidate-mlp", true, "deterministic", 64, 0, -1, "the same predictions twice on the first 64 rows")),
        "2026-01-02T03:04:05Z", 98_760, "in-process, 1 partition");
  }

  /** Every evidence kind and every outcome. */
  public static List<CheckResult> richChecks() {
    List<CheckResult> cs = new ArrayList<>();
    cs.add(check("accuracy", "Holdout performance", Trial.PERFORMANCE, true,
        List.of(finding("accuracy >= 0.75", "", Outcome.PASS, "Accuracy is 0.8 (95% CI 0.78 to 0.82), which meets the minimum 0.75.", 0.8, Double.NaN),
            finding("accuracy at most 0.1 below the baseline", "", Outcome.PASS, "Accuracy is 0.8 against the baseline's 0.85: a drop of 0.05, within the allowed 0.1.", 0.8, 0.85)),
        List.of(Measurement.of("accuracy", Subject.all(), 0.8, wilson(0.78, 0.82), 9600)), List.of(Measurement.of("accuracy", Subject.all(), 0.85, wilson(0.83, 0.87), 9600)),
        List.of(new Evidence.Table("Confusion matrix", List.of("true \\ predicted", "no", "yes"), List.of(List.of("no", "4754", "1358"), List.of("yes", "235", "3253")))),
        null, 1234));
    cs.add(check("robustness", "Robust accuracy (PGD)", Trial.ADVERSARIAL, true,
        List.of(finding("robust_accuracy >= 0.7", "eps=0.1", Outcome.FAIL, "Robust_accuracy for eps=0.1 is 0.61 (95% CI 0.58 to 0.64), which is below the minimum 0.7.", 0.61, Double.NaN),
            finding("robust_accuracy >= 0.7", "eps=0.05", Outcome.PASS, "Robust_accuracy for eps=0.05 is 0.74, which meets the minimum 0.7.", 0.74, Double.NaN)),
        List.of(Measurement.of("robust_accuracy", Subject.eps(0.1), 0.61, wilson(0.58, 0.64), 500), Measurement.of("robust_accuracy", Subject.eps(0.05), 0.74, wilson(0.71, 0.77), 500)),
        List.of(), List.of(robustnessCurve(), images(), new Evidence.Note("Replay", "./gauntlet audit --suite suite.yaml --seed 4242 --only robustness")), null, 20_500));
    cs.add(check("slice-rates", "Selection-rate ratio by slice", Trial.FAIRNESS, true,
        List.of(finding("selection_rate_ratio within [0.8, 1.25]", "sex=F", Outcome.FAIL, "Selection_rate_ratio for sex=F is 0.62 (95% CI 0.55 to 0.7), which is outside the band [0.8, 1.25].", 0.62, Double.NaN),
            finding("selection_rate_ratio within [0.8, 1.25]", "region=south", Outcome.FAIL, "Selection_rate_ratio for region=south is 1.31, which is outside the band [0.8, 1.25].", 1.31, Double.NaN),
            finding("selection_rate_ratio within [0.8, 1.25]", HOSTILE, Outcome.PASS, "Selection_rate_ratio for " + HOSTILE + " is 1.02.", 1.02, Double.NaN)),
        List.of(Measurement.of("selection_rate_ratio", Subject.slice("sex", "F"), 0.62, wilson(0.55, 0.70), 412), Measurement.of("selection_rate_ratio", Subject.slice("region", "south"), 1.31, wilson(1.20, 1.43), 250),
            Measurement.of("selection_rate_ratio", subject(HOSTILE), 1.02, 3)),
        List.of(), List.of(sliceBars(), sliceTable()), null, 3_000));
    cs.add(check("decay", "Decay over time", Trial.DRIFT, false,
        List.of(finding("accuracy[2024-12] >= 0.75", "2024-12", Outcome.FAIL, "Accuracy for 2024-12 is 0.67, which is below the minimum 0.75.", 0.67, Double.NaN)),
        List.of(Measurement.of("accuracy", Subject.window("2024-12"), 0.67, 400)), List.of(), List.of(decay()), null, 700));
    cs.add(check("drift-map", "Feature drift", Trial.DRIFT, true,
        List.of(finding("psi <= 0.25 (warn above 0.1)", "income", Outcome.WARN, "Psi for income is 0.22, which is above the warning level 0.1.", 0.22, Double.NaN),
            finding("psi <= 0.25 (warn above 0.1)", "age", Outcome.PASS, "Psi for age is 0.03, which is within the maximum 0.25.", 0.03, Double.NaN)),
        List.of(Measurement.of("psi", Subject.feature("income"), 0.22, 800), Measurement.of("psi", Subject.feature("age"), 0.03, 800)), List.of(), List.of(driftMap()), null, 900));
    cs.add(check("flip-noise", "Small noise must not flip decisions", Trial.PERTURBATION, true,
        List.of(finding("the check must run", "", Outcome.ERROR, "The check could not run: the model has no gradients.", Double.NaN, Double.NaN)),
        List.of(), List.of(), List.of(), "the model has no gradients", 12));
    cs.add(check("small-slices", "Tiny intersectional slices", Trial.FAIRNESS, true,
        List.of(finding("tpr_ratio within [0.8, 1.25]", "sex=F,region=west", Outcome.INCONCLUSIVE, "Tpr_ratio for sex=F,region=west cannot be judged: 12 rows, fewer than the minimum 30.", Double.NaN, Double.NaN)),
        List.of(Measurement.inconclusive("tpr_ratio", Subject.slice("sex", "F").and("region", "west"), Double.NaN, 12, "12 rows, fewer than the minimum 30")), List.of(), List.of(), null, 40));
    return cs;
  }

  /** {@link #richChecks()} judged by {@code gate}, with a baseline and a reproduce command. */
  public static SuiteResult rich(Gate gate) {
    List<CheckResult> cs = richChecks();
    return SuiteResult.decided(SuiteResult.SCHEMA_VERSION, "rich", gate, cs, provenance(true, "./gauntlet audit --suite suite.yaml --seed 4242"));
  }

  /** Two passing checks, no baseline, no command (a run started from Java). */
  public static SuiteResult allPass() {
    List<CheckResult> cs = new ArrayList<>();
    cs.add(richChecks().get(0));
    cs.add(check("psi", "Feature drift", Trial.DRIFT, true,
        List.of(finding("psi <= 0.25", "income", Outcome.PASS, "Psi for income is 0.02, which is within the maximum 0.25.", 0.02, Double.NaN)),
        List.of(Measurement.of("psi", Subject.feature("income"), 0.02, 800)), List.of(), List.of(driftMap()), null, 10));
    return SuiteResult.decided(SuiteResult.SCHEMA_VERSION, "calm", Gate.standard(), cs, provenance(false, null));
  }
}

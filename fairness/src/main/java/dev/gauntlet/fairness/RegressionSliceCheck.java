package dev.gauntlet.fairness;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.ParamDecl;
import dev.gauntlet.harness.metric.ParamException;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import dev.gauntlet.harness.metric.SubjectShape;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.model.Task;
import dev.gauntlet.harness.performance.RegressionErrors;
import dev.gauntlet.harness.performance.RegressionSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Slice fairness of a regression model ({@code fairness.regression}): per slice and intersection
 * the MAE, RMSE and mean error (prediction - label; the bias) with bootstrap intervals; the
 * differences and ratios of MAE and RMSE and the difference of the mean error against the reference
 * slice, with paired bootstrap intervals; Welch tests of the MAE and mean-error gaps with
 * Benjamini-Hochberg control over every comparison; the KS statistic between the predictions of a
 * slice and of the rest; and the bounded group loss, the worst slice's loss. Slices below
 * {@code minSize} are INCONCLUSIVE, never dropped. Computed from a {@link RegressionSliceSummary},
 * so every number is the same however the rows are split.
 *
 * @param attributes the attributes whose values form slices
 * @param depth the largest intersection measured (1 = attributes alone)
 * @param minSize slices with fewer rows are INCONCLUSIVE
 * @param references the reference value per attribute; a slicing's reference is its largest slice
 *     among those with every configured value
 * @param bootstrap Poisson bootstrap resamples for every interval
 * @param confidence the level of every interval
 * @param alpha the Benjamini-Hochberg false discovery rate
 * @param loss the loss of the bounded group loss ({@code worst_slice_loss})
 */
public record RegressionSliceCheck(List<SliceConfig.Attribute> attributes, int depth, int minSize, Map<String, String> references,
    int bootstrap, double confidence, double alpha, Loss loss) implements Check<CheckValue> {

  /** The loss whose worst slice value is bounded. */
  public enum Loss {
    MAE, RMSE;

    String metric() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final SubjectShape SLICE = SubjectShape.of(Dim.SLICE);

  /** The metrics, published with the {@code fairness.regression} type. */
  public static final MetricSet METRICS = MetricSet.of(
      MetricDecl.of("n", Direction.NEUTRAL, "rows in the slice (or in the whole data)").about(SLICE, SubjectShape.NONE),
      MetricDecl.of("mae", Direction.LOWER_IS_BETTER, "mean absolute error of the slice (or the whole data), with a bootstrap interval")
          .withInterval().about(SLICE, SubjectShape.NONE),
      MetricDecl.of("rmse", Direction.LOWER_IS_BETTER, "root mean squared error of the slice, with a bootstrap interval").withInterval().about(SLICE, SubjectShape.NONE),
      MetricDecl.of("mean_error", Direction.TARGET, "mean of prediction - label in the slice (its bias: positive = predicted too high), with a bootstrap interval")
          .withInterval().about(SLICE, SubjectShape.NONE),
      MetricDecl.of("mae_diff", Direction.TARGET, "MAE of the slice minus the reference slice's, with a paired bootstrap interval").withInterval().about(SLICE),
      MetricDecl.of("mae_ratio", Direction.TARGET, "MAE of the slice over the reference slice's, with a paired bootstrap interval").withInterval().about(SLICE),
      MetricDecl.of("rmse_diff", Direction.TARGET, "RMSE of the slice minus the reference slice's, with a paired bootstrap interval").withInterval().about(SLICE),
      MetricDecl.of("rmse_ratio", Direction.TARGET, "RMSE of the slice over the reference slice's, with a paired bootstrap interval").withInterval().about(SLICE),
      MetricDecl.of("mean_error_diff", Direction.TARGET, "mean error of the slice minus the reference slice's (how much more the model over-predicts"
          + " for it), with a paired bootstrap interval").withInterval().about(SLICE),
      MetricDecl.of("mae_p", Direction.NEUTRAL, "Welch t-test p-value of the slice's mean absolute error against the reference slice's").about(SLICE),
      MetricDecl.of("mae_q", Direction.NEUTRAL, "Benjamini-Hochberg q-value of mae_p").about(SLICE),
      MetricDecl.of("mean_error_p", Direction.NEUTRAL, "Welch t-test p-value of the slice's mean error against the reference slice's").about(SLICE),
      MetricDecl.of("mean_error_q", Direction.NEUTRAL, "Benjamini-Hochberg q-value of mean_error_p").about(SLICE),
      MetricDecl.of("significant_disparities", Direction.LOWER_IS_BETTER, "gap tests (MAE and mean error) whose q-value is at most alpha"),
      MetricDecl.of("prediction_ks", Direction.LOWER_IS_BETTER, "two-sample KS statistic D between the predictions of the slice and of the rest").about(SLICE),
      MetricDecl.of("worst_slice_loss", Direction.LOWER_IS_BETTER,
          "bounded group loss: the largest params.loss (MAE or RMSE) over the slices of at least minSize rows; judge with atMost: <bound>"));

  /** The parameters, published with the {@code fairness.regression} type. */
  public static final List<ParamDecl> PARAMS = List.of(
      ParamDecl.of("attributes", "list of columns, or {name: column, bands: [cut, ...]} for a numeric one", "the schema's protected columns",
          "the attributes whose values form slices"),
      ParamDecl.of("intersections", "integer in [1, number of attributes]", "1", "the largest number of attributes combined into one slice"),
      ParamDecl.of("minSize", "integer in [1, 1000000000]", Integer.toString(SliceConfig.DEFAULT_MIN_SIZE), "slices with fewer rows are INCONCLUSIVE"),
      ParamDecl.of("reference", "mapping attribute: value", "the largest slice", "the reference slice gaps are measured against"),
      ParamDecl.of("bootstrap", "integer in [100, 100000]", "1000", "Poisson bootstrap resamples for every interval"),
      ParamDecl.of("confidence", "number in [0.5, 0.999]", "0.95", "level of every interval"),
      ParamDecl.of("alpha", "number in (0, 1)", "0.05", "Benjamini-Hochberg false discovery rate of the gap tests"),
      ParamDecl.of("loss", "mae | rmse", "mae", "the loss of worst_slice_loss (bounded group loss)"));

  /** Validates every parameter; the one validator for Java and YAML. */
  public RegressionSliceCheck {
    SliceConfig sc = SliceConfig.of(attributes).withDepth(depth); // validates attributes and depth
    attributes = sc.attributes();
    ParamException.inRange("minSize", minSize, 1, 1_000_000_000);
    references = Map.copyOf(Objects.requireNonNull(references, "references"));
    for (String a : references.keySet()) {
      ParamException.require(attributes.stream().anyMatch(x -> x.name().equals(a)), "reference",
          "reference names '" + a + "', which is not a sliced attribute " + attributes.stream().map(SliceConfig.Attribute::name).toList());
    }
    ParamException.inRange("bootstrap", bootstrap, 100, 100_000);
    ParamException.inRange("confidence", confidence, 0.5, 0.999);
    ParamException.inOpen("alpha", alpha, 0, 1);
    ParamException.require(loss != null, "loss", "loss must be mae or rmse");
  }

  /** Defaults: no intersections, min size 30, the largest slice as reference, 1,000 resamples, 95%, FDR 0.05, MAE. */
  public static RegressionSliceCheck of(List<SliceConfig.Attribute> attributes) {
    return new RegressionSliceCheck(attributes, 1, SliceConfig.DEFAULT_MIN_SIZE, Map.of(), 1000, 0.95, 0.05, Loss.MAE);
  }

  SliceConfig sliceConfig() {
    return SliceConfig.of(attributes).withDepth(depth);
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
  }

  @Override
  public Set<Task> tasks() {
    return Set.of(Task.REGRESSION);
  }

  @Override
  public String title() {
    return "Slice fairness (errors)";
  }

  @Override
  public Trial trial() {
    return Trial.FAIRNESS;
  }

  @Override
  public String description() {
    return "Whether the model's predictions are further off, or biased up or down, for some groups of people ("
        + String.join(", ", attributes.stream().map(SliceConfig.Attribute::name).toList())
        + (depth > 1 ? " and their intersections" : "") + "), and whether each gap is larger than chance explains.";
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  /** The summariser: the slices of the analysed table on the driver, a partition's own elsewhere; serialises as the config and the label. */
  private static final class SliceErrors implements dev.gauntlet.harness.summary.ShippableSummarizer<RegressionSliceSummary> {
    private static final long serialVersionUID = 1L;
    private final SliceConfig sc;
    private final String label;
    private final transient Table analysed;
    private final transient Slices slices;

    SliceErrors(SliceConfig sc, String label, Table analysed, Slices slices) {
      this.sc = sc;
      this.label = label;
      this.analysed = analysed;
      this.slices = slices;
    }

    @Override
    public RegressionSliceSummary summarize(dev.gauntlet.harness.summary.Partition part) {
      return RegressionSliceSummary.of(slices != null && part.data() == analysed ? slices : Slices.of(part.data(), sc), part, label);
    }
  }

  /** One tested gap, for the multiple-testing control. */
  private record Gap(int slicing, int slice, String metric, double p) {}

  @Override
  public CheckValue run(CheckContext ctx) {
    String label = ctx.label().name();
    Table t = ctx.data();
    Predictions p = ctx.predictions(t);
    SliceConfig sc = sliceConfig();
    Slices slices = Slices.of(t, sc);
    RegressionSliceSummary sum = ctx.engine().summarize(t, p, new SliceErrors(sc, label, t, slices));
    SplittableRandom rng = ctx.random();
    String level = Interval.of(0, 0, confidence, Interval.Method.BOOTSTRAP).levelText();
    List<Measurement> ms = new ArrayList<>();
    List<Evidence> evidence = new ArrayList<>();
    // the whole data: the slices of the first slicing together
    RegressionSummary whole = sum.errors[0][0];
    for (int g = 1; g < sum.errors[0].length; g++) {
      whole = whole.merge(sum.errors[0][g]);
    }
    RegressionErrors.Estimate we = RegressionErrors.of(whole, 0.9, RegressionErrors.replicates(whole, 0.9, bootstrap, rng), confidence);
    ms.add(Measurement.of("n", Subject.all(), whole.n(), whole.n()));
    addErrors(ms, Subject.all(), we, null);

    List<Gap> gaps = new ArrayList<>();
    List<List<Measurement>> gapMeasurements = new ArrayList<>();
    double worst = Double.NaN;
    String worstSlice = null;
    String biggestBias = null;
    double biggestBiasValue = 0;
    List<Evidence.Point> biasPoints = new ArrayList<>();
    for (int s = 0; s < slices.slicings.size(); s++) {
      Slices.Slicing sl = slices.slicings.get(s);
      ctx.progress("Bootstrapping " + sl.name() + " (" + bootstrap + " resamples)");
      int groups = sl.groups();
      RegressionSummary[] cells = sum.errors[s];
      int ref = slices.reference(sl, references, h -> cells[h].n());
      RegressionErrors.Estimate[] est = new RegressionErrors.Estimate[groups];
      double[][][] reps = new double[groups][][];
      for (int g = 0; g < groups; g++) {
        reps[g] = RegressionErrors.replicates(sum.errors[s][g], 0.9, bootstrap, rng);
        est[g] = RegressionErrors.of(sum.errors[s][g], 0.9, reps[g], confidence);
      }
      long refN = sum.errors[s][ref].n();
      Subject refSubject = sl.subjects().get(ref);
      List<List<String>> rows = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        Subject subj = sl.subjects().get(g);
        long n = sum.errors[s][g].n();
        String small = n < minSize ? subj.display() + " has " + n + " rows, below the minimum of " + minSize + " (params.minSize)" : null;
        ms.add(Measurement.of("n", subj, n, n));
        addErrors(ms, subj, est[g], small);
        double lossValue = est[g].value(loss == Loss.MAE ? RegressionErrors.MAE : RegressionErrors.RMSE);
        if (small == null && (Double.isNaN(worst) || lossValue > worst)) {
          worst = lossValue;
          worstSlice = subj.display();
        }
        double ks = RegressionSliceSummary.ks(sum.predictions[s][g], RegressionSliceSummary.rest(sum.predictions[s], g));
        ms.add(small != null || Double.isNaN(ks) ? Measurement.inconclusive("prediction_ks", subj, ks, n,
            small != null ? small : "the rest of the data is empty") : Measurement.of("prediction_ks", subj, ks, n));
        List<String> row = new ArrayList<>(List.of(subj.display() + (g == ref ? " (reference)" : ""), Long.toString(n),
            MetricCondition.fmt(est[g].value(RegressionErrors.MAE)), MetricCondition.fmt(est[g].value(RegressionErrors.MEAN_ERROR))));
        if (g == ref) {
          row.addAll(List.of("", "", "", MetricCondition.fmt(ks)));
          rows.add(row);
          continue;
        }
        String why = small != null ? small
            : refN < minSize ? "the reference slice " + refSubject.display() + " has " + refN + " rows, below the minimum of " + minSize : null;
        double[] maeDiff = gap(reps[g][RegressionErrors.MAE], reps[ref][RegressionErrors.MAE], false);
        double[] biasDiff = gap(reps[g][RegressionErrors.MEAN_ERROR], reps[ref][RegressionErrors.MEAN_ERROR], false);
        addGap(ms, "mae_diff", subj, est[g].value(RegressionErrors.MAE) - est[ref].value(RegressionErrors.MAE), maeDiff, n, why);
        addGap(ms, "mae_ratio", subj, est[g].value(RegressionErrors.MAE) / est[ref].value(RegressionErrors.MAE),
            gap(reps[g][RegressionErrors.MAE], reps[ref][RegressionErrors.MAE], true), n, why);
        addGap(ms, "rmse_diff", subj, est[g].value(RegressionErrors.RMSE) - est[ref].value(RegressionErrors.RMSE),
            gap(reps[g][RegressionErrors.RMSE], reps[ref][RegressionErrors.RMSE], false), n, why);
        addGap(ms, "rmse_ratio", subj, est[g].value(RegressionErrors.RMSE) / est[ref].value(RegressionErrors.RMSE),
            gap(reps[g][RegressionErrors.RMSE], reps[ref][RegressionErrors.RMSE], true), n, why);
        double bias = est[g].value(RegressionErrors.MEAN_ERROR) - est[ref].value(RegressionErrors.MEAN_ERROR);
        addGap(ms, "mean_error_diff", subj, bias, biasDiff, n, why);
        if (why == null) {
          biasPoints.add(Evidence.Point.bar(subj.display(), bias, biasDiff[0], biasDiff[1]));
          if (biggestBias == null || Math.abs(bias) > Math.abs(biggestBiasValue)) {
            biggestBias = subj.display() + " against " + refSubject.display();
            biggestBiasValue = bias;
          }
          for (String metric : List.of("mae", "mean_error")) {
            double pv = welch(sum.errors[s][g], sum.errors[s][ref], metric.equals("mae"));
            if (Double.isNaN(pv)) {
              ms.add(Measurement.inconclusive(metric + "_p", subj, Double.NaN, n, "a Welch test needs at least 2 rows in each slice"));
              ms.add(Measurement.inconclusive(metric + "_q", subj, Double.NaN, n, "a Welch test needs at least 2 rows in each slice"));
            } else {
              gaps.add(new Gap(s, g, metric, pv));
            }
          }
        } else {
          ms.add(Measurement.inconclusive("mae_p", subj, Double.NaN, n, why));
          ms.add(Measurement.inconclusive("mae_q", subj, Double.NaN, n, why));
          ms.add(Measurement.inconclusive("mean_error_p", subj, Double.NaN, n, why));
          ms.add(Measurement.inconclusive("mean_error_q", subj, Double.NaN, n, why));
        }
        row.addAll(List.of(MetricCondition.fmt(bias), MetricCondition.fmt(biasDiff[0]) + " to " + MetricCondition.fmt(biasDiff[1]),
            MetricCondition.fmt(maeDiff[0]) + " to " + MetricCondition.fmt(maeDiff[1]), MetricCondition.fmt(ks)));
        rows.add(row);
      }
      evidence.add(new Evidence.Table("Errors by " + sl.name() + " (error = prediction - label; " + level + " bootstrap intervals, "
          + bootstrap + " resamples; reference " + refSubject.display() + ")",
          List.of("slice", "rows", "MAE", "mean error", "mean error minus reference", level + " interval", "MAE minus reference " + level + " interval",
              "KS of predictions vs rest"), rows));
    }
    double[] q = Significance.benjaminiHochberg(gaps.stream().mapToDouble(Gap::p).toArray());
    int significant = 0;
    for (int k = 0; k < gaps.size(); k++) {
      Gap gp = gaps.get(k);
      Subject subj = slices.slicings.get(gp.slicing()).subjects().get(gp.slice());
      long n = sum.errors[gp.slicing()][gp.slice()].n();
      ms.add(Measurement.of(gp.metric() + "_p", subj, gp.p(), n));
      ms.add(Measurement.of(gp.metric() + "_q", subj, q[k], n));
      significant += q[k] <= alpha ? 1 : 0;
    }
    ms.add(Measurement.of("significant_disparities", Subject.all(), significant, gaps.size()));
    ms.add(worstSlice == null ? Measurement.inconclusive("worst_slice_loss", Subject.all(), Double.NaN, 0,
        "no slice has at least " + minSize + " rows (params.minSize)") : Measurement.of("worst_slice_loss", Subject.all(), worst, whole.n()));
    if (!biasPoints.isEmpty()) {
      evidence.add(0, new Evidence.Chart("Mean error of each slice minus its reference slice's (" + level + " bootstrap intervals)",
          Evidence.ChartKind.BAR, "slice", "mean error difference", List.of(new Evidence.Series("mean error difference", biasPoints)), null,
          "Bar chart of how much higher (positive) or lower (negative) the model's predictions are, relative to the truth, for each slice than for"
              + " its reference slice, with intervals."));
    }
    String summary = (biggestBias == null ? "No slice could be compared with its reference (too few rows)."
        : "The largest bias gap: " + biggestBias + ", predictions " + MetricCondition.fmt(Math.abs(biggestBiasValue))
            + (biggestBiasValue >= 0 ? " higher" : " lower") + " relative to the truth; " + significant + " of " + gaps.size()
            + " gap tests significant at a false discovery rate of " + MetricCondition.fmt(alpha) + ".")
        + (worstSlice == null ? "" : " Worst slice " + loss.metric().toUpperCase(Locale.ROOT) + " " + MetricCondition.fmt(worst) + " (" + worstSlice + ").");
    return new CheckValue(ms, evidence, summary);
  }

  private static void addErrors(List<Measurement> ms, Subject subj, RegressionErrors.Estimate e, String why) {
    int[] idx = {RegressionErrors.MAE, RegressionErrors.RMSE, RegressionErrors.MEAN_ERROR};
    String[] names = {"mae", "rmse", "mean_error"};
    for (int k = 0; k < idx.length; k++) {
      double v = e.value(idx[k]);
      if (why != null || e.n() == 0) {
        ms.add(Measurement.inconclusive(names[k], subj, v, e.n(), why != null ? why : subj.display() + " has no rows"));
      } else {
        ms.add(e.measurement(names[k], subj, idx[k]));
      }
    }
  }

  private double[] gap(double[] a, double[] b, boolean ratio) {
    double[] d = new double[a.length];
    for (int r = 0; r < a.length; r++) {
      d[r] = ratio ? a[r] / b[r] : a[r] - b[r];
    }
    return RegressionErrors.percentile(d, confidence);
  }

  private void addGap(List<Measurement> ms, String metric, Subject subj, double v, double[] ci, long n, String why) {
    if (why != null || !Double.isFinite(v)) {
      ms.add(Measurement.inconclusive(metric, subj, v, n, why != null ? why : "undefined: the reference slice's error is 0"));
    } else {
      ms.add(Measurement.of(metric, subj, v, Interval.of(ci[0], ci[1], confidence, Interval.Method.BOOTSTRAP), n));
    }
  }

  /**
   * Welch's two-sample t-test (unequal variances) of the mean absolute error ({@code absolute}) or
   * of the mean error of two slices, from their summaries; two-sided p-value.
   */
  static double welch(RegressionSummary a, RegressionSummary b, boolean absolute) {
    long n1 = a.n();
    long n2 = b.n();
    if (n1 < 2 || n2 < 2) {
      return Double.NaN;
    }
    double m1 = (absolute ? a.sumAbsError() : a.sumError()) / n1;
    double m2 = (absolute ? b.sumAbsError() : b.sumError()) / n2;
    double v1 = variance(a, absolute, m1);
    double v2 = variance(b, absolute, m2);
    double se2 = v1 / n1 + v2 / n2;
    if (se2 == 0) {
      return m1 == m2 ? 1 : 0;
    }
    double tStat = (m1 - m2) / Math.sqrt(se2);
    double df = se2 * se2 / ((v1 / n1) * (v1 / n1) / (n1 - 1) + (v2 / n2) * (v2 / n2) / (n2 - 1));
    TDistribution t = new TDistribution(null, df);
    return 2 * t.cumulativeProbability(-Math.abs(tStat));
  }

  /** The sample variance (n - 1) of |e| or e, two-pass over the distinct pairs. */
  private static double variance(RegressionSummary s, boolean absolute, double mean) {
    double ss = 0;
    for (int i = 0; i < s.distinct(); i++) {
      double v = absolute ? Math.abs(s.error(i)) : s.error(i);
      ss += s.count(i) * (v - mean) * (v - mean);
    }
    return ss / (s.n() - 1);
  }
}

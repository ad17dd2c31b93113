package dev.gauntlet.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.PrecomputedModel;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.summary.InProcessEngine;
import dev.gauntlet.harness.summary.MergeLaws;
import dev.gauntlet.harness.summary.RandomSplitEngine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * fairness.slices is computed from mergeable summaries: for random splits of the rows into 1 to 8
 * partitions (random sizes, empty ones included, rows shuffled, merged in random order), every
 * measurement (metric, subject, value, interval, n, inconclusive reason), every piece of evidence
 * and the summary equal the unsplit run's exactly; the bootstrap (seeded, resampling the merged
 * slice cells) included. And the merge of the counts is associative and commutative.
 */
class SplitPropertyTest {
  static final String SCHEMA = """
      name: split
      columns:
        - {name: sex, type: categorical, categories: [F, M], role: protected}
        - {name: region, type: categorical, categories: [north, south, east], role: protected}
        - {name: age, type: numeric, role: protected}
        - {name: score, type: numeric, role: score}
        - {name: approved, type: categorical, categories: ["no", "yes"], role: label}
      """;

  /** Rows with a bias by sex and region; {@code coarse} scores are deciles 1..10 (ties), else probabilities. */
  static Table table(long seed, int n, boolean coarse) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String[]> rows = new ArrayList<>();
    String[] regions = {"north", "south", "east"};
    for (int i = 0; i < n; i++) {
      boolean f = r.nextInt(5) < 2;
      String region = regions[r.nextInt(r.nextBoolean() ? 3 : 2)];
      double p = 0.3 + (f ? 0.15 : 0) + (region.equals("east") ? 0.2 : 0);
      boolean y = r.nextDouble() < p;
      double s = Math.min(0.999, Math.max(0.001, p + (y ? 0.2 : -0.1) + (r.nextDouble() - 0.5) * 0.5));
      String score = coarse ? Integer.toString(1 + (int) (s * 10)) : Double.toString(s);
      rows.add(new String[] {f ? "F" : "M", region, Integer.toString(18 + r.nextInt(60)), score, y ? "yes" : "no"});
    }
    Schema schema = SchemaLoader.parse(ConfigNode.parse("split-schema.yaml", SCHEMA));
    return TableLoader.fromRows(schema, new String[] {"sex", "region", "age", "score", "approved"}, rows, "split");
  }

  static SliceCheck check(String yaml) {
    return (SliceCheck) new FairnessChecks().types().get(0).create(ConfigNode.parse("suite.yaml", yaml),
        SchemaLoader.parse(ConfigNode.parse("split-schema.yaml", SCHEMA)));
  }

  @Test
  void everyMeasurementIsTheSameOnEverySplit() {
    List<SliceCheck> checks = List.of(
        check("attributes: [sex, region, {name: age, bands: [30, 50]}]\nintersections: 2\nbootstrap: 200\nminSize: 8\nreference: {sex: M}"),
        check("attributes: [sex, region]\nbootstrap: 0\nminSize: 5\nthreshold: 0.45"));
    for (long seed = 1; seed <= 6; seed++) {
      boolean coarse = seed % 2 == 0;
      Table t = table(seed, 150 + (int) seed * 37, coarse);
      ModelUnderTest model = PrecomputedModel.ofScores("m", "score", coarse ? 6 : 0.5, !coarse);
      for (SliceCheck check : checks) {
        if (coarse && !Double.isNaN(check.config().threshold())) {
          continue;
        }
        CheckContext ctx = new CheckContext(model, false, t, null, 100 + seed, 0.5, null, null, new CheckContext.Cache());
        CheckValue whole = check.run(ctx);
        // The run exercises what must merge exactly: bootstrap intervals, Brier sums, calibration bins.
        if (check.config().bootstrap() > 0) {
          org.junit.jupiter.api.Assertions.assertTrue(whole.measurements().stream()
              .anyMatch(m -> m.interval() != null && m.interval().method() == dev.gauntlet.harness.metric.Interval.Method.BOOTSTRAP));
        }
        org.junit.jupiter.api.Assertions.assertTrue(whole.measurements().stream().anyMatch(m -> m.metric().equals("calibration_error")));
        org.junit.jupiter.api.Assertions.assertEquals(!coarse, whole.measurements().stream().anyMatch(m -> m.metric().equals("brier")));
        for (int k = 1; k <= 8; k++) {
          CheckValue split = check.run(ctx.withEngine(new RandomSplitEngine(k, seed * 97 + k)));
          String where = "seed " + seed + ", " + k + " partitions";
          assertEquals(whole.measurements(), split.measurements(), where);
          assertEquals(String.valueOf(whole.evidence()), String.valueOf(split.evidence()), where);
          assertEquals(whole.summary(), split.summary(), where);
        }
        assertEquals(whole.measurements(), check.run(ctx.withEngine(InProcessEngine.partitions(5))).measurements());
      }
    }
  }

  @Test
  void countsMergeAssociativelyAndCommutatively() throws IOException {
    for (long seed = 1; seed <= 8; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      Table t = table(seed, 120, false);
      SliceConfig cfg = check("attributes: [sex, region]\nintersections: 2").config();
      Slices slices = Slices.of(t, cfg);
      Predictions p = PrecomputedModel.ofScores("m", "score", 0.5, true).precomputed().get().predictionsFor(t);
      int n = t.rowCount();
      boolean[] positive = new boolean[n];
      boolean[] decided = new boolean[n];
      for (int i = 0; i < n; i++) {
        positive[i] = t.labels()[i] == 1;
        decided[i] = p.decisions()[i] == 1;
      }
      ScoreBins bins = ScoreBins.of(p.scores(), true);
      int a = r.nextInt(0, n + 1);
      int b = r.nextInt(a, n + 1);
      SliceCounts[] c = new SliceCounts[3];
      int[][] ranges = {{0, a}, {a, b}, {b, n}};
      for (int j = 0; j < 3; j++) {
        c[j] = SliceCounts.countRange(slices, positive, decided, p.scores(), true, bins.reliabilityEdges(), bins.thresholds(), ranges[j][0], ranges[j][1]);
      }
      SliceCounts all = SliceCounts.countRange(slices, positive, decided, p.scores(), true, bins.reliabilityEdges(), bins.thresholds(), 0, n);
      MergeLaws.assertLaws(c[0], c[1], c[2], all, SliceCounts::decode);
      ScoreRange[] s = new ScoreRange[3];
      for (int j = 0; j < 3; j++) {
        s[j] = ScoreRange.of(p.scores(), ranges[j][0], ranges[j][1]);
      }
      MergeLaws.assertLaws(s[0], s[1], s[2], ScoreRange.of(p.scores(), 0, n), ScoreRange::decode);
    }
  }
}

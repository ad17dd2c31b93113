package dev.gauntlet.fairness.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.PrecomputedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Slice discovery on COMPAS (ProPublica's filters, decile score >= 5 as the positive decision,
 * two-year recidivism as the label), target FPR: the slices where defendants who did not reoffend
 * were flagged most. The largest reported slices are checked against an independent group-by,
 * {@code fairness/src/test/resources/dev/gauntlet/fairness/discover/compas_groupby.py}, whose
 * printed values are the literals below:
 *
 * <pre>
 * python3 fairness/src/test/resources/dev/gauntlet/fairness/discover/compas_groupby.py ../shared/datasets/compas-scores-two-years.csv
 * </pre>
 *
 * Skipped, with a message, when the datasets folder is absent (set -Dgauntlet.datasets=DIR).
 */
class CompasDiscoveryTest {

  private static final String SCHEMA = """
      name: compas
      columns:
        - {name: race, type: categorical, role: protected,
           categories: [African-American, Asian, Caucasian, Hispanic, Native American, Other]}
        - {name: sex, type: categorical, categories: [Female, Male], role: protected}
        - {name: age, type: numeric, role: feature}
        - {name: priors_count, type: numeric, role: feature}
        - {name: c_charge_degree, type: categorical, categories: [F, M, O], role: feature}
        - {name: decile_score, type: numeric, role: score}
        - {name: two_year_recid, type: categorical, categories: ["0", "1"], role: label, positive: "1"}
        - {name: days_b_screening_arrest, type: text, role: ignore}
        - {name: is_recid, type: text, role: ignore}
        - {name: score_text, type: text, role: ignore}
      """;

  @Test
  void findsTheSlicesWhereNonReoffendersAreFlaggedAndAGroupByAgrees() {
    Path dir = Path.of(System.getProperty("gauntlet.datasets", "../../shared/datasets"));
    Path file = dir.resolve("compas-scores-two-years.csv");
    Assumptions.assumeTrue(Files.isRegularFile(file), "COMPAS is absent at " + file.toAbsolutePath() + "; skipping (set -Dgauntlet.datasets=DIR)");
    Schema schema = SchemaLoader.parse(ConfigNode.parse("compas-schema.yaml", SCHEMA));
    Table all = TableLoader.load(file, schema);
    int[] rows = java.util.stream.IntStream.range(0, all.rowCount()).filter(i -> {
      String days = all.column("days_b_screening_arrest").format(i);
      return !days.isEmpty() && Math.abs(Integer.parseInt(days)) <= 30 && !all.column("is_recid").format(i).equals("-1")
          && !all.column("c_charge_degree").format(i).equals("O") && !all.column("score_text").format(i).equals("N/A");
    }).toArray();
    Table t = all.select(rows);
    assertEquals(6172, t.rowCount());
    DiscoveryConfig cfg = DiscoveryConfig.defaults().withTarget(Target.FPR).withDepth(2);
    SliceDiscoveryCheck check = new SliceDiscoveryCheck(cfg, schema);
    SliceDiscoveryCheck.Discovery v = check.run(new CheckContext(PrecomputedModel.ofScores("compas", "decile_score", 5, false), false, t, null, 1, 0.5,
        null, null, new CheckContext.Cache()));
    // The group-by's output: all 3363 negatives, 1018 flagged (FPR 0.3027).
    assertEquals(3363, v.rows());
    assertEquals(1018.0 / 3363, v.wholeRate(), 1e-12);
    // Found (8 slices, 143 tested): race=African-American&priors_count>=4, priors_count>=4, age<25,
    // race=African-American&age<25, race=African-American, age<25&priors_count in [1,4),
    // age in [25,31)&priors_count>=4, age in [25,31)&c_charge_degree=F.
    assertEquals(8, v.slices().size(), v.slices().toString());
    assertEquals(143, v.family());
    Subject black = Subject.slice("race", "African-American");
    assertSlice(v, black, 1514, 641);
    assertSlice(v, Subject.slice("priors_count", ">=4"), 602, 347);
    assertSlice(v, Subject.slice("age", "<25"), 593, 317);
    assertSlice(v, black.and("priors_count", ">=4"), 383, 251);
    assertEquals(black.and("priors_count", ">=4"), v.slices().get(0).subject(), "ranked first by score");
    assertTrue(v.slices().stream().allMatch(s -> s.q() <= cfg.fdr() && s.effect() > cfg.effect()));
    assertTrue(v.yaml().contains("{name: priors_count, bands: [1, 4]}"), v.yaml());
  }

  private static void assertSlice(SliceDiscoveryCheck.Discovery v, Subject subject, long negatives, long flagged) {
    SliceDiscoveryCheck.Slice s = v.slices().stream().filter(x -> x.subject().equals(subject)).findFirst()
        .orElseThrow(() -> new AssertionError(subject + " not reported: " + v.slices()));
    assertEquals(negatives, s.size(), subject.toString());
    assertEquals(flagged, s.bad(), subject.toString());
    assertTrue(s.interval().lower() < s.rate() && s.rate() < s.interval().upper());
  }
}

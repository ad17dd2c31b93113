package dev.gauntlet.harness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gauntlet.harness.config.SuiteLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ProPublica's COMPAS filters and a 2013 time range written in a suite, on the real data. Expected
 * counts are independent: harness/src/test/scripts/compas_counts.py prints
 * {@code total 7214 kept 6172 {'2013': 4345, '2014': 1827}}, and so does
 * {@code awk -F, 'NR>1 && $16!="" && $16>=-30 && $16<=30 && $25!=-1 && $23!="O" && $41!="N/A" {n++; y[substr($5,1,4)]++}
 * END {print n, y["2013"], y["2014"]}' compas-scores-two-years.csv} (6172 4345 1827). 6,172 is ProPublica's published count.
 */
class CompasSelectionTest {
  /** The committed COMPAS example's schema (fixtures/compas), shared by the COMPAS tests of every module. */
  static final Path SCHEMA = Path.of("../fixtures/compas/compas.schema.yaml");
  static final String PROPUBLICA = "days_b_screening_arrest >= -30 and days_b_screening_arrest <= 30"
      + " and is_recid != -1 and c_charge_degree != 'O' and score_text != 'N/A'";

  @Test
  void propublicaFiltersAndThe2013RangeInASuite(@TempDir Path dir) throws Exception {
    Path csv = Path.of(System.getProperty("gauntlet.datasets", "../shared/datasets")).resolve("compas-scores-two-years.csv");
    Assumptions.assumeTrue(Files.isRegularFile(csv), csv + " absent (set -Dgauntlet.datasets); skipping the COMPAS selection test");
    Files.copy(SCHEMA, dir.resolve("compas.schema.yaml"));
    Path suite = dir.resolve("suite.yaml");
    Files.writeString(suite, """
        name: compas
        model: {type: precomputed, score: decile_score, threshold: 5}
        data:
          path: %s
          schema: compas.schema.yaml
          where: "%s"
          from: 2013-01-01
          to: 2013-12-31
        reference:
          path: %s
          where: "%s"
        checks:
          - {id: perf, type: performance, conditions: [{metric: accuracy, atLeast: 0.5}]}
        """.formatted(csv, PROPUBLICA, csv, PROPUBLICA));
    var s = new SuiteLoader().load(suite, OptionalLong.empty(), null);
    assertEquals(4345, s.data().rowCount(), "2013 after ProPublica's filters");
    assertEquals(6172, s.reference().rowCount(), "ProPublica's published count");
    assertEquals(7214, s.data().source().selection().ofRows());
    assertEquals(4345, s.data().source().selection().keptRows());
  }
}

package dev.gauntlet.drift;

import static dev.gauntlet.drift.TemporalHoldoutCheckTest.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.drift.window.WindowUnit;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.PrecomputedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import org.junit.jupiter.api.Test;

/**
 * The temporal holdout by quarter on ProPublica's COMPAS data (screening dates 2013-2014), auditing
 * the vendor's decile score as a precomputed model (decile >= 5 is the positive decision).
 */
class CompasTemporalTest {
  static final String SCHEMA = """
      name: compas
      columns:
        - {name: compas_screening_date, type: timestamp, role: time}
        - {name: sex, type: categorical, roles: [feature, protected], categories: [Male, Female]}
        - {name: race, type: categorical, roles: [feature, protected],
           categories: [African-American, Caucasian, Hispanic, Other, Asian, Native American]}
        - {name: age, type: numeric, role: feature}
        - {name: priors_count, type: numeric, role: feature}
        - {name: decile_score, type: numeric, role: score}
        - {name: two_year_recid, type: binary, role: label, categories: ['0', '1']}
      """;

  @Test
  void quarterlyHoldoutOnCompas() throws Exception {
    Path dir = Path.of(System.getProperty("gauntlet.datasets", "../shared/datasets"));
    Path csv = dir.resolve("compas-scores-two-years.csv");
    Assumptions.assumeTrue(Files.isRegularFile(csv), csv + " absent; skipping the COMPAS temporal holdout");
    Schema schema = SchemaLoader.parse(ConfigNode.parse("compas-schema.yaml", SCHEMA));
    Table t = TableLoader.load(csv, schema);
    CheckContext ctx = new CheckContext(PrecomputedModel.ofScores("COMPAS decile", "decile_score", 5, false), false, t, null, 7, 0.5, null, null,
        new CheckContext.Cache());
    CheckValue v = new TemporalHoldoutCheck(new WindowSpec("compas_screening_date", WindowUnit.QUARTER, 0, 2, WindowSpec.Origin.FIXED, 30),
        List.of("sex", "race"), 0.03, 8).run(ctx);
    List<String> quarters = v.measurements().stream().filter(m -> m.metric().equals("accuracy_drop")).map(m -> m.subject().get(dev.gauntlet.harness.metric.Subject.Dim.WINDOW)).toList();
    assertEquals(List.of("2013Q3", "2013Q4", "2014Q1", "2014Q2", "2014Q3", "2014Q4"), quarters, "reference 2013Q1-Q2, six later quarters");
    // Independent count over the raw file: rows screened in 2014Q1, and how often decile >= 5 matches the outcome.
    List<String> lines = Files.readAllLines(csv);
    List<String> header = List.of(lines.get(0).split(","));
    int date = header.indexOf("compas_screening_date");
    int decile = header.indexOf("decile_score");
    int recid = header.indexOf("two_year_recid");
    long n = 0;
    long ok = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = fields(line);
      assertEquals(header.size(), f.length, line);
      String d = f[date];
      if (d.compareTo("2014-01-01") >= 0 && d.compareTo("2014-04-01") < 0) {
        n++;
        ok += (Integer.parseInt(f[decile]) >= 5 ? 1 : 0) == Integer.parseInt(f[recid]) ? 1 : 0;
      }
    }
    Measurement q1 = find(v, "accuracy", Subject.window("2014Q1"));
    assertEquals(n, q1.n());
    assertEquals((double) ok / n, q1.value(), 1e-12);
    assertTrue(q1.value() > 0.55 && q1.value() < 0.75, "COMPAS accuracy is about 0.65 (ProPublica): " + q1.value());
    assertTrue(v.measurements().stream().anyMatch(m -> m.metric().equals("accuracy") && m.subject().equals(Subject.slice("race", "African-American").with(Dim.WINDOW, "2014Q4"))));
  }

  /** Splits one CSV line, keeping commas inside double quotes (charge descriptions have them). */
  static String[] fields(String line) {
    List<String> out = new java.util.ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char ch : line.toCharArray()) {
      if (ch == '"') {
        quoted = !quoted;
      } else if (ch == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    out.add(cur.toString());
    return out.toArray(String[]::new);
  }
}

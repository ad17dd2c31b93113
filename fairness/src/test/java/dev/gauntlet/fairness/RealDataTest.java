package dev.gauntlet.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.PrecomputedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every per-slice rate and every disparity on COMPAS and Adult against an independent computation
 * written here: the CSV is parsed by hand, filtered, and the confusion cells counted row by row,
 * without the module's slicing or counting code.
 */
class RealDataTest {
  private static final double EPS = 1e-12;

  private static Path datasets() {
    String p = System.getProperty("gauntlet.datasets", "../../shared/datasets");
    Path dir = Path.of(p);
    Assumptions.assumeTrue(Files.isDirectory(dir), "datasets folder " + dir.toAbsolutePath() + " is absent; skipping");
    return dir;
  }

  // ---------------------------------------------------------------- COMPAS

  private static final String COMPAS_SCHEMA = """
      name: compas
      columns:
        - {name: race, type: categorical, role: protected,
           categories: [African-American, Asian, Caucasian, Hispanic, Native American, Other]}
        - {name: sex, type: categorical, categories: [Female, Male], role: protected}
        - {name: decile_score, type: numeric, role: score}
        - {name: two_year_recid, type: categorical, categories: ["0", "1"], role: label, positive: "1"}
        - {name: days_b_screening_arrest, type: text, role: ignore}
        - {name: is_recid, type: text, role: ignore}
        - {name: c_charge_degree, type: text, role: ignore}
        - {name: score_text, type: text, role: ignore}
      """;

  /** A CSV line split at commas outside double quotes. */
  private static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /** ProPublica's filters from the raw text of a COMPAS row. */
  private static boolean propublica(String days, String isRecid, String degree, String scoreText) {
    return !days.isEmpty() && Math.abs(Integer.parseInt(days)) <= 30 && !isRecid.equals("-1") && !degree.equals("O") && !scoreText.equals("N/A");
  }

  @Test
  void compasPerRaceSexAndTheirIntersectionMatchAHandCount() throws IOException {
    Path file = datasets().resolve("compas-scores-two-years.csv");
    // Independent count: cells [tn, fp, fn, tp] per subject, decile >= 5 positive, two_year_recid label.
    List<String> lines = Files.readAllLines(file);
    List<String> header = split(lines.get(0));
    int race = header.indexOf("race");
    int sex = header.indexOf("sex");
    int decile = header.indexOf("decile_score");
    int label = header.indexOf("two_year_recid");
    int days = header.indexOf("days_b_screening_arrest");
    int isRecid = header.indexOf("is_recid");
    int degree = header.indexOf("c_charge_degree");
    int scoreText = header.indexOf("score_text");
    Map<Subject, long[]> expected = new LinkedHashMap<>();
    int kept = 0;
    for (String line : lines.subList(1, lines.size())) {
      if (line.isEmpty()) {
        continue;
      }
      List<String> f = split(line);
      if (!propublica(f.get(days), f.get(isRecid), f.get(degree), f.get(scoreText))) {
        continue;
      }
      kept++;
      int cell = 2 * Integer.parseInt(f.get(label)) + (Integer.parseInt(f.get(decile)) >= 5 ? 1 : 0);
      Subject r = Subject.slice("race", f.get(race));
      Subject x = Subject.slice("sex", f.get(sex));
      for (Subject subject : List.of(r, x, r.and(x))) {
        expected.computeIfAbsent(subject, k -> new long[4])[cell]++;
      }
    }
    assertEquals(6172, kept, "ProPublica's filters keep 6,172 of 7,214 rows (their published count)");

    Schema schema = SchemaLoader.parse(ConfigNode.parse("compas-schema.yaml", COMPAS_SCHEMA));
    Table all = TableLoader.load(file, schema);
    int[] rows = java.util.stream.IntStream.range(0, all.rowCount())
        .filter(i -> propublica(all.column("days_b_screening_arrest").format(i), all.column("is_recid").format(i),
            all.column("c_charge_degree").format(i), all.column("score_text").format(i)))
        .toArray();
    Table t = all.select(rows);
    SliceCheck check = (SliceCheck) new FairnessChecks().types().get(0).create(ConfigNode.parse("suite.yaml",
        "attributes: [race, sex]\nintersections: 2\nreference: {race: Caucasian, sex: Male}\nbootstrap: 200"), schema);
    CheckValue v = Fixtures.run(check, t, PrecomputedModel.ofScores("compas", "decile_score", 5, false), 11);

    assertSlices(v, expected, Map.of("race", Subject.slice("race", "Caucasian"), "sex", Subject.slice("sex", "Male"),
        "race&sex", Subject.slice("race", "Caucasian").and("sex", "Male")), 30);
    // ProPublica's headline: Black defendants who did not reoffend were flagged far more often.
    assertTrue(Fixtures.find(v, "fpr", Subject.slice("race", "African-American")).value() > 1.8 * Fixtures.find(v, "fpr", Subject.slice("race", "Caucasian")).value());
    assertTrue(Fixtures.find(v, "fpr_q", Subject.slice("race", "African-American")).value() < 1e-6);
    // Native American (18 rows before filtering) is too small: measured as inconclusive, not dropped.
    assertNotNull(Fixtures.find(v, "selection_rate", Subject.slice("race", "Native American")).inconclusive());
    assertNotNull(Fixtures.find(v, "disparate_impact", Subject.slice("race", "Native American")).inconclusive());
    // The threshold sweep at the decision threshold 5 agrees with the selection rate.
    Evidence.Chart sweep = (Evidence.Chart) v.evidence().stream()
        .filter(e -> e.title().startsWith("Selection rate as the threshold moves - race")).findFirst().orElseThrow();
    Evidence.Point at5 = sweep.series().stream().filter(s -> s.name().equals(Subject.slice("race", "African-American").toString())).findFirst().orElseThrow()
        .points().stream().filter(p -> p.x() == 5).findFirst().orElseThrow();
    long[] black = expected.get(Subject.slice("race", "African-American"));
    assertEquals((double) (black[1] + black[3]) / (black[0] + black[1] + black[2] + black[3]), at5.y(), EPS);
  }

  // ---------------------------------------------------------------- Adult

  private static final String ADULT_SCHEMA = """
      name: adult
      columns:
        - {name: age, type: numeric, role: protected}
        - {name: race, type: categorical, role: protected,
           categories: [Amer-Indian-Eskimo, Asian-Pac-Islander, Black, Other, White]}
        - {name: sex, type: categorical, categories: [Female, Male], role: protected}
        - {name: score, type: numeric, role: score, range: [0, 1]}
        - {name: income, type: categorical, categories: ["<=50K", ">50K"], role: label}
      """;

  /** A fixed scoring rule standing in for a model: a logistic function of education, hours and capital gain. */
  private static double score(double educationNum, double hours, double capitalGain) {
    double z = 0.45 * (educationNum - 12) + 0.04 * (hours - 40) + (capitalGain > 5000 ? 2.5 : 0) - 0.6;
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void adultWithAgeBandsScoresAndASetThresholdMatchesAHandCount() throws IOException {
    Path file = datasets().resolve("adult.data");
    double threshold = 0.4;
    List<String[]> rows = new ArrayList<>();
    Map<Subject, long[]> expected = new LinkedHashMap<>();
    Map<Subject, double[]> brier = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(", ");
      double age = Double.parseDouble(f[0]);
      double s = score(Double.parseDouble(f[4]), Double.parseDouble(f[12]), Double.parseDouble(f[10]));
      String sScore = Double.toString(s);
      rows.add(new String[] {f[0], f[8], f[9], sScore, f[14]});
      double sc = Double.parseDouble(sScore);
      int y = f[14].equals(">50K") ? 1 : 0;
      int cell = 2 * y + (sc >= threshold ? 1 : 0);
      Subject band = Subject.slice("age", age < 30 ? "<30" : age < 50 ? "[30,50)" : ">=50");
      Subject r = Subject.slice("race", f[8]);
      Subject x = Subject.slice("sex", f[9]);
      for (Subject subject : List.of(band, r, x, band.and(r), band.and(x), r.and(x))) {
        expected.computeIfAbsent(subject, k -> new long[4])[cell]++;
        double[] b = brier.computeIfAbsent(subject, k -> new double[2]);
        b[0] += (sc - y) * (sc - y);
        b[1]++;
      }
    }
    assertEquals(32561, rows.size());
    Schema schema = SchemaLoader.parse(ConfigNode.parse("adult-schema.yaml", ADULT_SCHEMA));
    Table t = TableLoader.fromRows(schema, new String[] {"age", "race", "sex", "score", "income"}, rows, "adult");
    SliceCheck check = (SliceCheck) new FairnessChecks().types().get(0).create(ConfigNode.parse("suite.yaml",
        "attributes: [{name: age, bands: [30, 50]}, race, sex]\nintersections: 2\nreference: {sex: Male, race: White}\n"
            + "threshold: 0.4\nbootstrap: 100\nminSize: 50"), schema);
    // The model's own threshold (0.5) is overridden by the check's 0.4.
    CheckValue v = Fixtures.run(check, t, PrecomputedModel.ofScores("rule", "score", 0.5, true), 3);

    Map<String, Subject> refs = new LinkedHashMap<>();
    refs.put("race", Subject.slice("race", "White"));
    refs.put("sex", Subject.slice("sex", "Male"));
    refs.put("race&sex", Subject.slice("race", "White").and("sex", "Male"));
    // Unconfigured attributes use their largest slice, among those with the configured values of the others.
    refs.put("age", largest(expected, "age", null, null));
    refs.put("age&race", largest(expected, "age&race", "race", "White"));
    refs.put("age&sex", largest(expected, "age&sex", "sex", "Male"));
    assertSlices(v, expected, refs, 50);
    for (Map.Entry<Subject, double[]> e : brier.entrySet()) {
      if (e.getValue()[1] >= 50) {
        assertEquals(e.getValue()[0] / e.getValue()[1], Fixtures.find(v, "brier", e.getKey()).value(), 1e-9, "Brier of " + e.getKey());
      }
    }
  }

  /** The largest slice of the slicing {@code attributes} whose attribute {@code key} (if not null) is {@code value}. */
  private static Subject largest(Map<Subject, long[]> cells, String attributes, String key, String value) {
    Subject best = null;
    long size = -1;
    for (Map.Entry<Subject, long[]> e : cells.entrySet()) {
      Subject k = e.getKey();
      boolean ok = attributeOf(k).equals(attributes) && (key == null || value.equals(k.attributes().get(key)));
      long n = e.getValue()[0] + e.getValue()[1] + e.getValue()[2] + e.getValue()[3];
      if (ok && n > size) {
        best = k;
        size = n;
      }
    }
    return best;
  }

  // ---------------------------------------------------------------- shared comparison

  /** Rates and disparities recomputed from the hand-counted cells, compared with the check's measurements. */
  private static void assertSlices(CheckValue v, Map<Subject, long[]> expected, Map<String, Subject> refs, int minSize) {
    int compared = 0;
    for (Map.Entry<Subject, long[]> e : expected.entrySet()) {
      Subject subject = e.getKey();
      long[] c = e.getValue();
      long tn = c[0];
      long fp = c[1];
      long fn = c[2];
      long tp = c[3];
      long n = tn + fp + fn + tp;
      assertEquals(n, Fixtures.find(v, "n", subject).value(), EPS, subject.toString());
      if (n < minSize) {
        assertNotNull(Fixtures.find(v, "selection_rate", subject).inconclusive(), subject.toString());
        continue;
      }
      Map<String, double[]> rates = new LinkedHashMap<>();
      rates.put("base_rate", new double[] {fn + tp, n});
      rates.put("selection_rate", new double[] {fp + tp, n});
      rates.put("accuracy", new double[] {tn + tp, n});
      rates.put("tpr", new double[] {tp, tp + fn});
      rates.put("fpr", new double[] {fp, fp + tn});
      rates.put("fnr", new double[] {fn, tp + fn});
      rates.put("tnr", new double[] {tn, fp + tn});
      rates.put("ppv", new double[] {tp, tp + fp});
      rates.put("npv", new double[] {tn, tn + fn});
      rates.put("fdr", new double[] {fp, tp + fp});
      rates.put("for", new double[] {fn, tn + fn});
      for (Map.Entry<String, double[]> r : rates.entrySet()) {
        Measurement m = Fixtures.find(v, r.getKey(), subject);
        if (r.getValue()[1] == 0) {
          assertNotNull(m.inconclusive(), r.getKey() + " of " + subject);
        } else {
          assertNull(m.inconclusive(), r.getKey() + " of " + subject);
          assertEquals(r.getValue()[0] / r.getValue()[1], m.value(), EPS, r.getKey() + " of " + subject);
          compared++;
        }
      }
      String attribute = attributeOf(subject);
      Subject ref = refs.get(attribute);
      assertNotNull(ref, "reference of " + attribute);
      if (subject.equals(ref)) {
        continue;
      }
      long[] rc = expected.get(ref);
      double selG = (double) (fp + tp) / n;
      double selR = (double) (rc[1] + rc[3]) / (rc[0] + rc[1] + rc[2] + rc[3]);
      double tprG = (double) tp / (tp + fn);
      double tprR = (double) rc[3] / (rc[3] + rc[2]);
      double fprG = (double) fp / (fp + tn);
      double fprR = (double) rc[1] / (rc[1] + rc[0]);
      double ppvG = (double) tp / (tp + fp);
      double ppvR = (double) rc[3] / (rc[3] + rc[1]);
      double accG = (double) (tn + tp) / n;
      double accR = (double) (rc[0] + rc[3]) / (rc[0] + rc[1] + rc[2] + rc[3]);
      checkDisparity(v, "demographic_parity_diff", subject, selG - selR);
      checkDisparity(v, "disparate_impact", subject, selG / selR);
      checkDisparity(v, "equal_opportunity_diff", subject, tprG - tprR);
      checkDisparity(v, "equalized_odds_diff", subject, Math.max(Math.abs(tprG - tprR), Math.abs(fprG - fprR)));
      checkDisparity(v, "predictive_parity_diff", subject, ppvG - ppvR);
      checkDisparity(v, "accuracy_diff", subject, accG - accR);
      double fnrG = (double) fn / (tp + fn);
      double fnrR = (double) rc[2] / (rc[3] + rc[2]);
      checkDisparity(v, "fpr_diff", subject, fprG - fprR);
      checkDisparity(v, "fnr_diff", subject, fnrG - fnrR);
    }
    assertTrue(compared > 50, "compared only " + compared + " rates");
  }

  private static void checkDisparity(CheckValue v, String metric, Subject subject, double expected) {
    Measurement m = Fixtures.find(v, metric, subject);
    if (!Double.isFinite(expected)) {
      assertNotNull(m.inconclusive(), metric + " of " + subject);
      return;
    }
    if (m.inconclusive() == null) {
      assertEquals(expected, m.value(), EPS, metric + " of " + subject);
      assertTrue(m.lower() <= m.value() + 1e-9 && m.value() - 1e-9 <= m.upper(), metric + " of " + subject + " outside its interval " + m);
    } else {
      // Inconclusive only when the bootstrap could not define it; the point is still reported.
      assertTrue(m.inconclusive().contains("resamples") || m.inconclusive().contains("no "), m.inconclusive());
    }
  }

  private static String attributeOf(Subject subject) {
    return String.join("&", subject.attributes().keySet());
  }
}

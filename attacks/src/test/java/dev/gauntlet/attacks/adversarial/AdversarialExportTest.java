package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.attacks.adversarial.AdversarialEvidence.Example;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.CsvReader;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Encoding;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.FunctionModel;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adversarial export holds every attacked row (broken or not) with its clean and adversarial
 * values at full precision and whether it flipped; it is RFC 4180 CSV, and text that a spreadsheet
 * would run as a formula is neutralized while numbers stay numbers.
 */
class AdversarialExportTest {
  @TempDir
  Path out;

  static final String HYPERLINK = "=HYPERLINK(\"http://evil.example/x\",\"click\")";

  /** TabularFixture's schema with a region category that is a spreadsheet formula. */
  static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("loans.yaml", TabularFixture.SCHEMA.replace("categories: [north, south, east, west]",
        "categories: ['" + HYPERLINK + "', south, east, west]")));
  }

  static final String[] IDS = {HYPERLINK, "@SUM(A1:A9)", "+1+cmd|' /C calc'!A0", "-0.5", "\tTAB", "a,\"quoted\"", "=1+1", "-2+3"};

  static Table table(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] header = {"id", "income", "debt", "age", "children", "sex", "region", "grade", "flag", "approved"};
    String[] regions = {HYPERLINK, "south", "east", "west"};
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new String[] {
          i < IDS.length ? IDS[i] : "a" + i,
          Integer.toString(r.nextInt(10_000, 150_000)),
          String.format(java.util.Locale.ROOT, "%.3f", r.nextDouble()),
          Integer.toString(r.nextInt(18, 91)),
          Integer.toString(r.nextInt(0, 11)),
          r.nextBoolean() ? "F" : "M",
          regions[i < IDS.length ? 0 : r.nextInt(4)],
          new String[] {"a", "b", "c"}[r.nextInt(3)],
          r.nextBoolean() ? "yes" : "no",
          r.nextBoolean() ? "yes" : "no"});
    }
    return TableLoader.fromRows(schema(), header, rows, "fixture");
  }

  static CheckContext context(Table t, Path dir) {
    Encoder enc = new Encoder(t.schema());
    FunctionModel model = new FunctionModel("income-logit", enc.width(), 2, AdversarialExportTest::incomeModel);
    return new CheckContext(model, false, t, null, 7, 0.5, null, dir, new CheckContext.Cache());
  }

  /** Approves on income above 50,000 (its standard-scaled input is the first), so rows lie on both sides and near the line. */
  static double[][] incomeModel(double[][] x) {
    double[][] p = new double[x.length][2];
    for (int i = 0; i < x.length; i++) {
      p[i][1] = 1 / (1 + Math.exp(-3 * x[i][0]));
      p[i][0] = 1 - p[i][1];
    }
    return p;
  }

  /** The written CSV as header-name -> column, one map per record, read back with the harness's RFC 4180 reader. */
  static List<Map<String, String>> read(Path csv) throws Exception {
    List<Map<String, String>> rows = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8); CsvReader in = new CsvReader(r, ',', csv.toString())) {
      String[] header = in.next();
      for (String[] f = in.next(); f != null; f = in.next()) {
        assertEquals(header.length, f.length, "record " + rows.size() + " has as many fields as the header");
        Map<String, String> m = new HashMap<>();
        for (int k = 0; k < header.length; k++) {
          m.put(header[k], f[k]);
        }
        rows.add(m);
      }
    }
    return rows;
  }

  @Test
  void everyAttackedRowRoundTripsExactlyAndFormulasAreNeutralized() throws Exception {
    Table t = table(40, 3);
    CheckContext ctx = context(t, out);
    AttackData d = AttackData.prepare(ctx, 1000, false);
    Encoder enc = ctx.encoder();
    double[] eps = new double[d.size()];
    for (int i = 0; i < eps.length; i++) {
      eps[i] = i % 2 == 0 ? 2.5 : 0.2;
    }
    for (int i = 0; i < eps.length; i++) {
      if (d.table.rowLabel(i).equals("a20")) {
        eps[i] = 0; // a zero radius leaves the row alone: not attacked, not exported
      }
    }
    AttackResult r = d.attacker.attack(AttackSpec.simba(Norm.LINF, 25), d.x0, d.decisions, eps, 11);
    List<Example> attacked = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      if (r.attacked()[i]) {
        attacked.add(new Example(i, eps[i], r.adversarial()[i], d.decisions[i], r.decisions()[i], r.probabilities()[i], r.success()[i]));
      }
    }
    int successes = r.successCount();
    assertTrue(successes > 0 && successes < attacked.size(), "the fixture must have broken and unbroken rows: " + successes + " of " + attacked.size());
    Evidence.Note note = AdversarialEvidence.export(ctx, "adv.csv", "simba", d, attacked);
    assertTrue(note.text().startsWith(attacked.size() + " attacked rows (" + successes + " flipped)"), note.text());

    List<Map<String, String>> rows = read(out.resolve("adv.csv"));
    assertEquals(attacked.size(), rows.size(), "one record per attacked row, successful or not");
    assertEquals(d.size() - 1, rows.size());
    int yes = 0;
    for (int k = 0; k < rows.size(); k++) {
      Map<String, String> row = rows.get(k);
      Example e = attacked.get(k);
      int i = e.row();
      String where = "record " + k + " (row " + i + ")";
      assertEquals(neutral(d.table.rowLabel(i)), row.get("row"), where);
      assertEquals(d.classes.get(d.decisions[i]), row.get("clean_prediction"), where);
      assertEquals(d.clean[i][d.decisions[i]], Double.parseDouble(row.get("clean_probability")), 0.0, where);
      assertEquals(d.classes.get(r.decisions()[i]), row.get("adversarial_prediction"), where);
      assertEquals(r.probabilities()[i][r.decisions()[i]], Double.parseDouble(row.get("adversarial_probability")), 0.0, where);
      assertEquals(r.success()[i] ? "yes" : "no", row.get("flipped"), where + ": untargeted, so flipped == success");
      assertEquals(row.get("flipped"), row.get("attack_success"), where);
      yes += row.get("flipped").equals("yes") ? 1 : 0;
      assertEquals(eps[i], Double.parseDouble(row.get("epsilon")), 0.0);
      assertEquals("simba", row.get("attack"));
      for (Encoder.Dim dim : enc.dims()) {
        ColumnSpec c = dim.column();
        if (c.encoding() instanceof Encoding.Scaled s) {
          double clean = s.invert(d.x0[i][dim.index()]);
          double adv = s.invert(r.adversarial()[i][dim.index()]);
          if (dim.mutable()) {
            assertEquals(clean, Double.parseDouble(row.get("clean_" + c.name())), 0.0, where + " clean " + c.name() + " at full precision");
            assertEquals(adv, Double.parseDouble(row.get("adversarial_" + c.name())), 0.0, where + " adversarial " + c.name());
          } else {
            assertEquals(clean, Double.parseDouble(row.get(c.name())), 0.0, where + " immutable " + c.name());
            assertEquals(clean, adv, 0.0, where + ": an immutable feature never moves");
          }
        }
      }
      assertEquals(neutral(enc.decode(d.x0[i], t.schema().column("region"))), row.get("clean_region"), where);
      assertEquals(neutral(enc.decode(r.adversarial()[i], t.schema().column("region"))), row.get("adversarial_region"), where);
    }
    assertEquals(successes, yes);

    // Formula neutralization, on the parsed values: ids and the category that start like formulas.
    assertTrue(rows.stream().noneMatch(m -> m.get("row").equals("a20")), "the row left alone is not exported");
    Map<String, String> byId = new HashMap<>();
    for (Map<String, String> row : rows) {
      byId.put(row.get("row"), row.get("clean_region"));
    }
    assertTrue(byId.containsKey("'" + HYPERLINK), "the HYPERLINK id is prefixed: " + byId.keySet());
    assertTrue(byId.containsKey("'@SUM(A1:A9)") && byId.containsKey("'+1+cmd|' /C calc'!A0") && byId.containsKey("'\tTAB")
        && byId.containsKey("'=1+1") && byId.containsKey("'-2+3"), byId.keySet().toString());
    assertTrue(byId.containsKey("-0.5"), "a plain number is written as a number, not prefixed: " + byId.keySet());
    assertTrue(byId.containsKey("a,\"quoted\""), "commas and quotes survive RFC 4180 quoting");
    assertEquals("'" + HYPERLINK, byId.get("'" + HYPERLINK), "the category value is neutralized too");
    for (Map<String, String> row : rows) {
      for (Map.Entry<String, String> cell : row.entrySet()) {
        String v = cell.getValue();
        if (!v.isEmpty() && "=+@\t\r".indexOf(v.charAt(0)) >= 0) {
          throw new AssertionError("un-neutralized cell " + cell.getKey() + " = " + v);
        }
        if (v.startsWith("-")) {
          Double.parseDouble(v); // only numbers may start with a minus sign
        }
      }
    }
    // Negative numbers are written as numbers (no quote prefix).
    assertEquals("-0.5", AdversarialEvidence.csvNumber(-0.5));
    assertEquals("-0.5", AdversarialEvidence.csvText("-0.5"));
    assertEquals("'-cmd", AdversarialEvidence.csvText("-cmd"));
    assertEquals("\"'=A1,B1\"", AdversarialEvidence.csvText("=A1,B1"));

    List<String> lines = Files.readAllLines(out.resolve("adv.csv"));
    assertTrue(lines.get(0).startsWith("row,label,clean_prediction,clean_probability,adversarial_prediction,adversarial_probability,flipped,"
        + "attack_success,epsilon,attack,clean_income,adversarial_income,clean_debt,adversarial_debt,age,"), lines.get(0));
    assertTrue(Files.readString(out.resolve("adv.csv")).contains("\r\n"), "RFC 4180 line ends");
  }

  /** What a text cell reads back as (written here independently): a quote in front when it starts like a formula. */
  static String neutral(String v) {
    boolean trigger = !v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0;
    boolean number = v.matches("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?");
    return trigger && !number ? "'" + v : v;
  }

  @Test
  void robustnessAndMinFlipExportUnbrokenRowsToo() throws Exception {
    Table t = table(40, 5);
    double[] eps = {0.2, 2.5};
    CheckValue v = new RobustnessCheck(AttackSpec.simba(Norm.LINF, 25), List.of(), eps, 1000, List.of(), 30, 5, "robust.csv", null)
        .run(context(t, out));
    List<Map<String, String>> rows = read(out.resolve("robust.csv"));
    long yes = rows.stream().filter(m -> m.get("flipped").equals("yes")).count();
    assertTrue(yes > 0 && yes < rows.size(), "broken and unbroken rows are both exported: " + yes + " of " + rows.size());
    assertEquals(0, rows.size() % eps.length, "the same attacked rows at each epsilon");
    assertEquals(rows.size() / eps.length, rows.stream().filter(m -> m.get("epsilon").equals("0.2")).count());
    assertTrue(v.evidence().stream().anyMatch(e -> e instanceof Evidence.Note n && n.text().startsWith(rows.size() + " attacked rows")));

    new MinFlipCheck(AttackSpec.simba(Norm.LINF, 25), 2.5, 4, 1000, List.of(), 30, 5, "minflip.csv", null).run(context(t, out));
    List<Map<String, String>> mf = read(out.resolve("minflip.csv"));
    assertEquals(t.rowCount(), mf.size(), "every row is attacked by an untargeted search");
    for (Map<String, String> m : mf) {
      double e = Double.parseDouble(m.get("epsilon"));
      if (m.get("flipped").equals("yes")) {
        assertTrue(e > 0 && e <= 2.5, "a flipped row at its minimal epsilon: " + e);
        assertFalse(m.get("clean_prediction").equals(m.get("adversarial_prediction")));
      } else {
        assertEquals(2.5, e, 0.0, "an unbroken row at the largest epsilon searched");
        assertEquals(m.get("clean_prediction"), m.get("adversarial_prediction"));
      }
    }
  }
}

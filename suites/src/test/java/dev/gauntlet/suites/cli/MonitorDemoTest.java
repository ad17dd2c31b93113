package dev.gauntlet.suites.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.fixtures.MonitorDemo;
import dev.gauntlet.harness.report.JsonReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's monitor fixture ({@link MonitorDemo}, {@code ./gauntlet demo --monitor}) against the
 * rules its Javadoc and the README state, counted from the files it writes: 1,000 applications a
 * month through 2024; a label arrives {@code floor(Exp(mean))} days after its application (mean 12
 * for sex=M, 30 for sex=F, 10 more in region south) unless it is one of the 3% that never arrive,
 * and only if that is by 2025-01-10, so row i is labelled with probability {@code 0.97 (1 -
 * exp(-(D_i + 1) / mean_i))}, D_i its days until 2025-01-10. The run ends with the documented
 * verdict: FAIL, exit 1.
 */
class MonitorDemoTest {
  @TempDir
  Path work;

  @Test
  void theDemoLogsFollowTheirDocumentedRulesAndTheMonitorFailsAsDocumented() throws Exception {
    Path out = work.resolve("out");
    CliTest.Run r = CliTest.cli("demo", "--monitor", "--out", out.toString(), "--history", "off", "--quiet");
    assertEquals(1, r.code(), "the demo monitor's gate fails (README: realized accuracy of sex=M in 2024-11 below 0.70)\n" + r.out() + r.err());
    JsonNode report = JsonReport.mapper().readTree(out.resolve("report.json").toFile());
    assertFalse(report.get("verdict").get("passed").asBoolean());
    assertTrue(report.get("verdict").get("reasons").get(0).asText().contains("sex=M&window=2024-11"), report.get("verdict").toString());

    Path prod = Path.of("target", "gauntlet", "demo-inputs", "production");
    List<String> preds = Files.readAllLines(prod.resolve("predictions.csv"));
    List<String> labels = Files.readAllLines(prod.resolve("labels.csv"));
    assertEquals("applicant_id,application_date,income,debt_ratio,loan_amount,age,sex,region,score,model_version", preds.get(0));
    Map<String, String> labelledOn = new HashMap<>();
    for (String l : labels.subList(1, labels.size())) {
      String[] f = l.split(",");
      labelledOn.put(f[0], f[2]);
    }
    // per month and sex: rows, labelled rows, and the expectation of the labelled count under the rules
    Map<String, double[]> cells = new HashMap<>(); // key month|sex -> {rows, labelled, expected, variance}
    int[] perMonth = new int[12];
    LocalDate asOf = MonitorDemo.AS_OF;
    for (String l : preds.subList(1, preds.size())) {
      String[] f = l.split(",");
      LocalDate day = LocalDate.parse(f[1]);
      assertEquals(2024, day.getYear(), l);
      perMonth[day.getMonthValue() - 1]++;
      String lab = labelledOn.get(f[0]);
      if (lab != null) {
        long delay = ChronoUnit.DAYS.between(day, LocalDate.parse(lab));
        assertTrue(delay >= 0 && !LocalDate.parse(lab).isAfter(asOf), l + " labelled " + lab);
      }
      double mean = ("F".equals(f[6]) ? 30 : 12) + ("south".equals(f[7]) ? 10 : 0);
      double p = 0.97 * (1 - Math.exp(-(ChronoUnit.DAYS.between(day, asOf) + 1) / mean));
      double[] c = cells.computeIfAbsent(day.getMonthValue() + "|" + f[6], k -> new double[4]);
      c[0]++;
      c[1] += lab == null ? 0 : 1;
      c[2] += p;
      c[3] += p * (1 - p);
    }
    for (int m = 0; m < 12; m++) {
      assertEquals(1000, perMonth[m], "applications in month " + (m + 1));
    }
    assertEquals(12_000, preds.size() - 1);
    for (Map.Entry<String, double[]> e : cells.entrySet()) {
      double[] c = e.getValue();
      assertTrue(Math.abs(c[1] - c[2]) <= 4 * Math.sqrt(c[3]) + 1,
          e.getKey() + ": " + c[1] + " labelled of " + c[0] + ", the rules expect " + c[2] + " +- " + Math.sqrt(c[3]));
    }
    // December: women's labels are later, so fewer are in (README: 52% for sex=F against 77% for sex=M)
    double[] f = cells.get("12|F");
    double[] m = cells.get("12|M");
    double compF = f[1] / f[0];
    double compM = m[1] / m[0];
    assertTrue(compF < compM - 0.15, "December completeness sex=F " + compF + " vs sex=M " + compM);
    assertTrue(f[2] / f[0] < 0.6 && m[2] / m[0] > 0.7, "the rules alone: F " + f[2] / f[0] + ", M " + m[2] / m[0]);
    // the monitor's own join agrees with the count from the files
    double reported = Double.NaN;
    for (JsonNode x : report.get("checks").get(0).get("measurements")) {
      if (x.get("metric").asText().equals("label_completeness") && x.get("subject").asText().equals("sex=F&window=2024-12")) {
        reported = x.get("value").asDouble();
      }
    }
    assertEquals(compF, reported, 1e-12);
  }
}

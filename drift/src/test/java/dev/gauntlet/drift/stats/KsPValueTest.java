package dev.gauntlet.drift.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.data.CsvReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two-sided KS p-value against SciPy's {@code ks_2samp(method='auto')}, to 1e-10 relative.
 *
 * <p>Every literal was printed by {@code drift/src/test/python/ks_pvalues.py} with SciPy 1.10.1 /
 * NumPy 1.24.2 (Debian python3-scipy; SciPy 1.17.1 prints the same values to within 2e-16). Its
 * output is committed beside it as {@code ks_pvalues.out}. Regenerate with
 * {@code python3 drift/src/test/python/ks_pvalues.py > drift/src/test/python/ks_pvalues.out}.
 */
@Timeout(120)
class KsPValueTest {
  static final double REL = 1e-10;

  /** {kind (0 smooth, 1 ties), n, m, s, D, p}: ks_2samp(a, b, method='auto') on the formulas below. */
  static final double[][] TWO_SAMPLE = {
      {0, 12, 15, 0.3, 0.36666666666666664, 0.26769624237654926},
      {0, 30, 30, 0.1, 0.13333333333333333, 0.9578462903438838},
      {0, 30, 30, 0.3, 0.3333333333333333, 0.07088798787114439},
      {0, 30, 30, 0.03333333333333333, 0.03333333333333333, 1.0},
      {0, 1000, 30, 0.245, 0.24566666666666667, 0.049391330745786374},
      {0, 1000, 30, 0.25, 0.25066666666666665, 0.04247284071647365},
      {0, 1000, 30, 0.2, 0.201, 0.16556785942834637},
      {0, 30, 1000, 0.25, 0.283, 0.014825629232273716},
      {0, 4345, 1827, 0.02, 0.02023011180584293, 0.6588559788463045},
      {0, 4345, 1827, 0.05, 0.05023005511875001, 0.0029081951964831008},
      {0, 4345, 1827, 0.1, 0.10023008661157941, 1.0570950407180354e-11},
      {0, 100, 100, 0.01, 0.02, 0.9999999999999999},
      {0, 100, 100, 0.5, 0.51, 3.319419024623016e-12},
      {0, 100, 100, 0.99, 0.99, 4.417521386399011e-57},
      {0, 500, 350, 0.08, 0.082, 0.11804385923588621},
      {0, 2000, 2000, 0.03, 0.0305, 0.3100757299327459},
      {0, 10000, 10000, 0.005, 0.0051, 0.9994733564875755},
      {0, 10000, 10000, 0.02, 0.0201, 0.03518876957795689},
      {0, 10000, 10000, 0.05, 0.0501, 2.4898661086617664e-11},
      {0, 10000, 9999, 0.01, 0.0100999899989999, 0.6815888351584866},
      {0, 10000, 7, 0.3, 0.3000857142857143, 0.46630359285822265},
      {0, 9973, 10000, 0.015, 0.01510026070390053, 0.20195137966699545},
      {0, 10001, 10001, 0.01, 0.010098990100989969, 0.683709453019216},
      {0, 10001, 10001, 0.03, 0.03009699030096996, 0.00022789340472096882},
      {0, 10001, 10000, 0.015, 0.0150984901509849, 0.2023784622599042},
      {0, 20000, 15000, 0.01, 0.010050000000000003, 0.349804078179889},
      {0, 20000, 15000, 0.025, 0.025050000000000017, 4.184972691536003e-05},
      {0, 10001, 50, 0.1, 0.10008999100089991, 0.6612339565706016},
      {0, 10001, 50, 0.3, 0.3000699930006999, 0.00017276881401085537},
      {0, 12000, 100, 0.12, 0.12008333333333338, 0.10590299726719458},
      {0, 50000, 3000, 0.02, 0.020020000000000003, 0.20396292111587777},
      {0, 10001, 3, 0.5, 0.5000833250008332, 0.3331389361059264},
      {0, 30000, 30000, 0.2, 0.2000333333333334, 0.0},
      {1, 400, 300, 0.8, 0.08666666666666667, 0.1447362977574377},
      {1, 400, 400, 0.3, 0.0325, 0.9843558982396782},
      {1, 1000, 30, 1.0, 0.099, 0.9108840317042424},
      {1, 5000, 4000, 0.2, 0.0296, 0.039940886066544105},
      {1, 10000, 10000, 0.1, 0.038, 1.0681231049445944e-06},
      {1, 12000, 11000, 0.1, 0.038159090909090976, 1.0700715080765275e-07},
      {1, 12000, 11000, 0.0, 0.039583333333333304, 2.997154928046046e-08},
  };

  /** {N, x, sf}: scipy.stats.kstwo.sf(x, N), the distribution of SciPy's asymptotic branch. */
  static final double[][] KSTWO = {
      {5, 0.05, 1.0},
      {5, 0.15, 0.9988},
      {5, 0.3, 0.664},
      {5, 0.45, 0.19399374999999963},
      {5, 0.6, 0.03008000000000001},
      {5, 0.85, 0.0001518750000000001},
      {29, 0.1, 0.9061876917426809},
      {29, 0.2, 0.1712352416162206},
      {29, 0.3, 0.008234924762398177},
      {29, 0.45, 7.042673716187162e-06},
      {29, 0.7, 9.083310864813364e-15},
      {140, 0.05, 0.8576480297656114},
      {140, 0.1, 0.11353657290090946},
      {140, 0.15, 0.0032495604415101703},
      {140, 0.2, 2.1981563302200222e-05},
      {140, 0.3, 1.1370251710737309e-11},
      {141, 0.05, 0.8548456930096628},
      {141, 0.1, 0.11128445516467944},
      {141, 0.2, 2.0276784223976912e-05},
      {1000, 0.01, 0.9999496745370611},
      {1000, 0.02, 0.8108971656895577},
      {1000, 0.05, 0.013012074781090332},
      {1000, 0.1, 3.703687096817711e-09},
      {1000, 0.3, 2.590715705736845e-80},
      {8571, 0.005, 0.9821919448745556},
      {8571, 0.01, 0.35577624429321764},
      {8571, 0.02, 0.002075777528008902},
      {8571, 0.05, 4.623614963013288e-19},
      {50000, 0.002, 0.9880386605338913},
      {50000, 0.005, 0.1635336349243478},
      {50000, 0.01, 9.018048811843602e-05},
      {150000, 0.001, 0.9982358422822605},
      {150000, 0.003, 0.1341018124495077},
      {150000, 0.0045, 0.004585431005774721},
      {2000000, 0.0005, 0.6991771101944894},
      {2000000, 0.001, 0.03660662431970485},
      {2000000, 0.0015, 0.00024657290508461606},
  };

  /** smooth: a_i = i / n, b_j = j / m + s; ties: a_i = (i 37 mod 101) / 10, b_j = (j 53 mod 97) / 10 + s. */
  static double[][] samples(int kind, int n, int m, double s) {
    double[] a = new double[n];
    double[] b = new double[m];
    for (int i = 0; i < n; i++) {
      a[i] = kind == 0 ? (double) i / n : (i * 37 % 101) / 10.0;
    }
    for (int j = 0; j < m; j++) {
      b[j] = kind == 0 ? (double) j / m + s : (j * 53 % 97) / 10.0 + s;
    }
    return new double[][] {a, b};
  }

  static void assertRelative(double expected, double actual, String what) {
    if (expected == 0) {
      assertEquals(0.0, actual, 0.0, what);
      return;
    }
    double rel = Math.abs(actual - expected) / Math.abs(expected);
    assertTrue(rel <= REL, what + ": expected " + expected + ", got " + actual + " (relative error " + rel + ")");
  }

  @Test
  void twoSampleGridMatchesScipyAuto() {
    double worst = 0;
    for (double[] row : TWO_SAMPLE) {
      int kind = (int) row[0];
      int n = (int) row[1];
      int m = (int) row[2];
      double[][] ab = samples(kind, n, m, row[3]);
      double d = DriftStats.ksAndWasserstein(SortedSample.of(ab[0], "a"), SortedSample.of(ab[1], "b"))[0];
      String what = (kind == 0 ? "smooth" : "ties") + " n=" + n + " m=" + m + " s=" + row[3];
      assertEquals(row[4], d, 1e-15, "D, " + what);
      double p = DriftStats.ksPValue(d, n, m);
      assertRelative(row[5], p, "p, " + what);
      if (row[5] != 0) {
        worst = Math.max(worst, Math.abs(p - row[5]) / row[5]);
      }
    }
    System.out.println("KsPValueTest: worst relative error over the two-sample grid " + worst);
  }

  @Test
  void theTwoShapesFromTheIssueAreExact() {
    // 1,000-row reference, 30-row window: the limiting distribution (Commons Math, as before) said
    // 0.0595 here, no drift at 0.05; SciPy's exact distribution says 0.0494.
    double[][] ab = samples(0, 1000, 30, 0.245);
    double d = DriftStats.ksAndWasserstein(SortedSample.of(ab[0], "a"), SortedSample.of(ab[1], "b"))[0];
    assertEquals(737 / 3000.0, d, 1e-15, "D = 737 / lcm(1000, 30)");
    assertRelative(0.049391330745786374, DriftStats.ksPValue(d, 1000, 30), "(1000, 30)");
    assertTrue(DriftStats.ksPValue(d, 1000, 30) < 0.05, "drift at the 0.05 threshold, as SciPy says");
    // COMPAS's shape, 4,345 vs 1,827 (n m > 10,000 but max(n, m) <= 10,000: exact).
    assertRelative(0.0029081951964831008, KsPValue.twoSided(0.05023005511875001, 4345, 1827), "(4345, 1827)");
  }

  @Test
  void ruleIsMaxSizeAtMostTenThousand() {
    // max(n, m) <= 10,000 takes the exact distribution (n m is irrelevant); one row more, kstwo.sf.
    assertEquals(KsPValue.outsideSquare(10_000, 151), KsPValue.twoSided(0.0151, 10_000, 10_000), 0.0);
    assertEquals(KsPValue.outsideInsideMethod(10_000, 9_999, 1, 1_509_849), KsPValue.twoSided(1_509_849 / 99_990_000.0, 10_000, 9_999), 0.0);
    assertEquals(KsPValue.asymptotic(0.0151, 10_001, 10_000), KsPValue.twoSided(0.0151, 10_001, 10_000), 0.0);
    assertEquals(1.0, KsPValue.twoSided(0, 10_000, 30), 0.0);
  }

  @Test
  void kstwoSurvivalMatchesScipyOnEveryMethod() {
    double worst = 0;
    for (double[] row : KSTWO) {
      int n = (int) row[0];
      double sf = KsPValue.kstwoSf(row[1], n);
      assertRelative(row[2], sf, "kstwo.sf(" + row[1] + ", " + n + ")");
      worst = Math.max(worst, Math.abs(sf - row[2]) / row[2]);
    }
    System.out.println("KsPValueTest: worst relative error over the kstwo.sf grid " + worst);
  }

  @Test
  void exactPathAtTenThousandIsFast() {
    // Warm up, then time the exact path at the largest exact sizes (equal and unequal sizes).
    for (int k = 0; k < 3; k++) {
      KsPValue.twoSided(0.02, 10_000, 10_000);
      KsPValue.twoSided(0.02, 10_000, 9_999);
    }
    long t0 = System.nanoTime();
    for (int k = 0; k < 20; k++) {
      KsPValue.twoSided(0.0201, 10_000, 10_000);
    }
    long t1 = System.nanoTime();
    for (int k = 0; k < 5; k++) {
      KsPValue.twoSided(0.0201, 10_000, 9_999);
    }
    long t2 = System.nanoTime();
    KsPValue.twoSided(0.5, 10_000, 9_999);
    long t3 = System.nanoTime();
    double eq = (t1 - t0) / 20 / 1e6;
    double ne = (t2 - t1) / 5 / 1e6;
    double big = (t3 - t2) / 1e6;
    System.out.printf("KsPValueTest: exact p at n=m=10000 %.3f ms; n=10000 m=9999 D=0.02 %.1f ms; D=0.5 %.1f ms%n", eq, ne, big);
    assertTrue(eq < 50 && ne < 2_000, "exact path too slow: " + eq + " ms, " + ne + " ms");
  }

  /** {column, n2013, n2014, D, p}: ks_2samp on COMPAS 2013 vs 2014 after ProPublica's filter. */
  static final Object[][] COMPAS = {
      {"age", 4345, 1827, 0.060981077218528114, 0.00013269454814695313},
      {"decile_score", 4345, 1827, 0.0462759414308956, 0.007791766347062136},
      {"priors_count", 4345, 1827, 0.04052761826659688, 0.02827362098752719},
  };

  /**
   * The shared datasets folder: {@code -Dgauntlet.datasets} (the build sets it to the project's
   * {@code ../shared/datasets}) when it exists, else the nearest ancestor's {@code shared/datasets}
   * (a worktree sits deeper than the main checkout).
   */
  static Path datasets() {
    Path prop = Path.of(System.getProperty("gauntlet.datasets", "../shared/datasets"));
    if (Files.isDirectory(prop)) {
      return prop;
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("shared/datasets"))) {
        return d.resolve("shared/datasets");
      }
    }
    return prop;
  }

  @Test
  void compas2013Versus2014MatchesScipy() throws Exception {
    Path csv = datasets().resolve("compas-scores-two-years.csv");
    Assumptions.assumeTrue(Files.isRegularFile(csv), csv + " absent; skipping the COMPAS KS comparison with SciPy");
    List<String[]> rows = new ArrayList<>();
    String[] header;
    try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8); CsvReader in = new CsvReader(r, ',', csv.toString())) {
      header = in.next();
      for (String[] f = in.next(); f != null; f = in.next()) {
        rows.add(f);
      }
    }
    List<String> h = List.of(header); // indexOf: the first of the duplicated names, as the script
    int date = h.indexOf("compas_screening_date");
    int days = h.indexOf("days_b_screening_arrest");
    int recid = h.indexOf("is_recid");
    int degree = h.indexOf("c_charge_degree");
    int text = h.indexOf("score_text");
    for (Object[] expected : COMPAS) {
      int col = h.indexOf((String) expected[0]);
      List<Double> y13 = new ArrayList<>();
      List<Double> y14 = new ArrayList<>();
      for (String[] f : rows) {
        if (f[days].isEmpty() || Math.abs(Integer.parseInt(f[days])) > 30 || f[recid].equals("-1") || f[degree].equals("O")
            || f[text].equals("N/A")) {
          continue;
        }
        (f[date].startsWith("2013") ? y13 : y14).add(Double.parseDouble(f[col]));
      }
      assertEquals(((Number) expected[1]).intValue(), y13.size(), "2013 rows");
      assertEquals(((Number) expected[2]).intValue(), y14.size(), "2014 rows");
      SortedSample a = SortedSample.of(y13.stream().mapToDouble(Double::doubleValue).toArray(), expected[0] + " in 2013");
      SortedSample b = SortedSample.of(y14.stream().mapToDouble(Double::doubleValue).toArray(), expected[0] + " in 2014");
      double d = DriftStats.ksAndWasserstein(a, b)[0];
      assertEquals((double) expected[3], d, 1e-15, "D of " + expected[0]);
      assertRelative((double) expected[4], DriftStats.ksPValue(d, a.size(), b.size()), "p of " + expected[0]);
    }
  }
}

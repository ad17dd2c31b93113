package dev.gauntlet.drift.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.drift.simulate.SyntheticStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each detector, with its published defaults, must find a sudden rise of the error rate within a
 * stated delay and stay silent on a stationary stream in a stated share of 100 seeded runs. The
 * bounds, also stated in the drift README: error rate 0.10 -> 0.30 at row 2,000 of 5,000; a
 * stationary 0.10 over 5,000 rows. Page-Hinkley and ADWIN: detected within 500 rows in at least 95%
 * of runs, silent in at least 95%. DDM is known to be trigger-happy (its minimum of p + s over a long
 * run is biased low): detected within 1,000 rows in at least 90% of runs, silent in at least 50%.
 */
class DetectorTest {
  static final int RUNS = 100;

  static double[] bernoulli(int n, int changeAt, double before, double after, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble() < (i < changeAt ? before : after) ? 1 : 0;
    }
    return x;
  }

  static double[] stats(DriftDetector d, int n, int changeAt, double before, double after, int maxDelay) {
    int detected = 0;
    int silent = 0;
    long delaySum = 0;
    for (int run = 0; run < RUNS; run++) {
      int[] a = DriftDetector.alarms(d, bernoulli(n, changeAt, before, after, 1000 + run));
      int first = -1;
      boolean early = false;
      for (int x : a) {
        if (x < changeAt) {
          early = true;
        } else if (first < 0) {
          first = x;
        }
      }
      if (!early) {
        silent++;
      }
      if (first >= 0 && first - changeAt <= maxDelay) {
        detected++;
        delaySum += first - changeAt;
      }
    }
    return new double[] {(double) detected / RUNS, (double) silent / RUNS, detected == 0 ? Double.NaN : (double) delaySum / detected};
  }

  void suddenAndStationary(DriftDetector d, int maxDelay, double detectedShare, double silentShare) {
    double[] sudden = stats(d, 5000, 2000, 0.10, 0.30, maxDelay);
    double[] stationary = stats(d, 5000, 5000, 0.10, 0.10, 0);
    System.out.printf("%s: detected within %d rows %.2f (mean delay %.0f), silent on stationary %.2f%n", d.name(), maxDelay, sudden[0], sudden[2],
        stationary[1]);
    assertTrue(sudden[0] >= detectedShare, d.name() + " detected the sudden change within " + maxDelay + " rows in only " + sudden[0] + " of runs");
    assertTrue(stationary[1] >= silentShare, d.name() + " stayed silent on a stationary stream in only " + stationary[1] + " of runs");
  }

  @Test
  void pageHinkley() {
    suddenAndStationary(new PageHinkley(), 500, 0.95, 0.95);
  }

  @Test
  void ddm() {
    suddenAndStationary(new Ddm(), 1000, 0.90, 0.50);
  }

  @Test
  void adwin() {
    suddenAndStationary(new Adwin(), 500, 0.95, 0.95);
  }

  @Test
  void adwinShrinksItsWindowToTheNewMean() {
    Adwin a = new Adwin();
    double[] x = bernoulli(6000, 3000, 0.1, 0.6, 7);
    for (double v : x) {
      a.update(v);
    }
    // Cuts happen at bucket boundaries, so a few pre-change rows may stay in the window.
    assertTrue(a.width() > 2500 && a.width() < 3300, "after the change ADWIN keeps about the 3,000 post-change rows, width " + a.width());
    assertEquals(0.6, a.mean(), 0.05);
  }

  @Test
  void pageHinkleyFiresAfterTheDriftThatItsThresholdImplies() {
    // Constant 0 then constant 1: after the change the mean lags, each step adds about (1 - mean - delta);
    // the statistic crosses lambda = 50 after roughly 50 to 100 steps, never before the change.
    double[] x = new double[2000];
    for (int i = 1000; i < x.length; i++) {
      x[i] = 1;
    }
    int[] a = DriftDetector.alarms(new PageHinkley(), x);
    assertTrue(a.length >= 1 && a[0] >= 1050 && a[0] <= 1110, "first alarm at " + (a.length == 0 ? "none" : a[0]));
  }

  @Test
  void seaStreamChangeIsFoundByEveryDetector() {
    for (DriftDetector d : DriftDetector.defaults()) {
      int found = 0;
      for (int run = 0; run < 20; run++) {
        SyntheticStream s = SyntheticStream.sea(20_000, new double[] {8, 7}, new int[] {10_000}, 0.1, new SplittableRandom(run));
        for (int alarm : DriftDetector.alarms(d, s.modelErrors())) {
          if (alarm >= 10_000 && alarm < 14_000) {
            found++;
            break;
          }
        }
      }
      assertTrue(found >= 16, d.name() + " found the SEA change (error 0.10 -> 0.16) within 4,000 rows in only " + found + " of 20 runs");
    }
  }
}

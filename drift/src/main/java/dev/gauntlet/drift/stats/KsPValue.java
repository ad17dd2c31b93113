package dev.gauntlet.drift.stats;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The two-sided two-sample Kolmogorov-Smirnov p-value, computed the way SciPy's
 * {@code scipy.stats.ks_2samp(x, y, alternative='two-sided', method='auto')} computes it (checked
 * against SciPy 1.10.1 and 1.17.1, whose algorithm is the same):
 *
 * <ol>
 *   <li><b>Rule</b>: exact when {@code max(n, m) <= 10,000} ({@code MAX_AUTO_N}), else asymptotic.
 *   <li><b>Exact</b>: {@code D} is snapped to the lattice, {@code h = round(D * lcm(n, m))}; for
 *       {@code n == m} the alternating reflection sum {@code P(D >= h/n)} evaluated Horner-style;
 *       otherwise Hodges' "inside" lattice-path recursion rewritten to carry the outside
 *       probability directly (Viehmann 2021), one sliding column at a time. A result outside
 *       {@code [0, 1]} counts as a failure and falls back to the asymptotic branch with the snapped
 *       {@code D}, as SciPy does.
 *   <li><b>Asymptotic</b>: the survival function of the one-sample two-sided KS distribution
 *       {@code kstwo.sf(D, N)} with {@code N = round(n m / (n + m))} (not the limiting Kolmogorov
 *       distribution), evaluated with SciPy's choice of methods (Simard and L'Ecuyer 2011):
 *       Ruben-Gambino closed forms at the ends, twice the one-sided Smirnov tail where that is
 *       accurate, else one minus the CDF from the Durbin matrix (Marsaglia-Tsang-Wang), Pomeranz's
 *       recursion or the Pelz-Good series.
 * </ol>
 *
 * <p>Only the two-sided alternative is implemented (the one Gauntlet uses); SciPy's one-sided
 * alternatives use different formulas in both branches.
 */
public final class KsPValue {
  /** SciPy's {@code MAX_AUTO_N}: the exact distribution is used when both sizes are at most this. */
  public static final int MAX_EXACT_N = 10_000;

  private KsPValue() {}

  /**
   * The two-sided p-value {@code P(D_{n,m} >= d)}.
   *
   * @param d the observed statistic {@code sup |F_n - G_m|}, in [0, 1]
   */
  public static double twoSided(double d, int n, int m) {
    if (n <= 0 || m <= 0) {
      throw new IllegalArgumentException("sample sizes must be positive: " + n + ", " + m);
    }
    if (!(d >= 0 && d <= 1)) {
      throw new IllegalArgumentException("KS statistic out of [0, 1]: " + d);
    }
    if (Math.max(n, m) <= MAX_EXACT_N) {
      long g = gcd(n, m);
      long lcm = (n / g) * (long) m;
      long h = (long) Math.rint(d * lcm);
      double snapped = h * 1.0 / lcm;
      if (h == 0) {
        return 1.0;
      }
      double p = n == m ? outsideSquare(n, h) : outsideInsideMethod(n, m, g, h);
      if (p >= 0 && p <= 1) {
        return p;
      }
      d = snapped; // SciPy falls back to the asymptotic branch with the snapped statistic
    }
    return asymptotic(d, n, m);
  }

  /** SciPy's asymptotic branch: {@code kstwo.sf(d, round(n m / (n + m)))}, clipped to [0, 1]. */
  static double asymptotic(double d, int n, int m) {
    double big = Math.max(n, m);
    double small = Math.min(n, m);
    double en = big * small / (big + small);
    return clip(kstwoSf(d, (int) Math.rint(en)));
  }

  // ---------------------------------------------------------------------------------------------
  // Exact two-sample distribution

  /** {@code P(D_{n,n} >= h/n)} = {@code 2 sum_k (-1)^(k+1) C(2n, n - k h) / C(2n, n)}, Horner-style. */
  static double outsideSquare(int n, long h) {
    double p = 0;
    for (long k = n / h; k >= 0; k--) {
      double a = 1;
      for (long j = 0; j < h; j++) {
        a = (n - k * h - j) * a / (n + k * h + j + 1);
      }
      p = a * (1 - p);
    }
    return 2 * p;
  }

  /**
   * The proportion of lattice paths from (0, 0) to (m, n) that touch or cross
   * {@code |n x / g - m y / g| >= h}, by the inside recursion carried as its complement.
   */
  static double outsideInsideMethod(int n1, int n2, long g, long h) {
    int m = Math.max(n1, n2);
    int n = Math.min(n1, n2);
    long mg = m / g;
    long ng = n / g;
    int minj = 0;
    int maxj = (int) Math.min(ceilDiv(h, mg), n + 1);
    int curlen = maxj - minj;
    int lenA = Math.min(2 * maxj + 2, n + 1);
    double[] a = new double[lenA];
    java.util.Arrays.fill(a, 1.0);
    java.util.Arrays.fill(a, minj, maxj, 0.0);
    for (int i = 1; i <= m; i++) {
      int lastminj = minj;
      int lastlen = curlen;
      minj = (int) Math.max(Math.floorDiv(ng * i - h, mg) + 1, 0);
      minj = Math.min(minj, n);
      maxj = (int) Math.min(ceilDiv(ng * i + h, mg), n + 1);
      if (maxj <= minj) {
        return 1.0;
      }
      double val = minj == 0 ? 0.0 : 1.0;
      int shift = minj - lastminj;
      for (int jj = 0; jj < maxj - minj; jj++) {
        int j = jj + minj;
        val = (a[jj + shift] * i + val * j) / (i + j);
        a[jj] = val;
      }
      curlen = maxj - minj;
      if (lastlen > curlen) {
        java.util.Arrays.fill(a, curlen, Math.min(curlen + (lastlen - curlen), lenA), 1.0);
      }
    }
    return a[maxj - minj - 1];
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  // ---------------------------------------------------------------------------------------------
  // One-sample two-sided KS distribution, survival function (SciPy's kstwo.sf / kolmogn)

  private static final double E128 = Math.scalb(1.0, 128);
  private static final double EM128 = Math.scalb(1.0, -128);

  /** {@code P(D_n >= x)} for the one-sample two-sided statistic, SciPy's method choices. */
  static double kstwoSf(double x, int n) {
    // rv_continuous: support is [0.5 / n, 1]
    if (x <= 0.5 / n) {
      return 1.0;
    }
    if (x >= 1.0) {
      return 0.0;
    }
    double t = n * x;
    if (t <= 1.0) { // Ruben-Gambino: 1/(2n) < x <= 1/n
      double cdf;
      if (n <= 140) {
        cdf = 1.0;
        for (int i = 1; i <= n; i++) {
          cdf *= i * (1.0 / n) * (2 * t - 1);
        }
      } else {
        cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
      }
      return clip(1.0 - cdf);
    }
    if (t >= n - 1) { // Ruben-Gambino
      return clip(2 * Math.pow(1.0 - x, n));
    }
    if (x >= 0.5) {
      return clip(2 * smirnovSf(n, x));
    }
    double nxx = t * x;
    if (n <= 140) {
      if (nxx <= 0.754693) {
        return clip(1.0 - clip(durbinMatrixCdf(n, x)));
      }
      if (nxx <= 4) {
        return clip(1.0 - clip(pomeranzCdf(n, x)));
      }
      return clip(2 * smirnovSf(n, x));
    }
    if (nxx >= 370.0) {
      return 0.0;
    }
    if (nxx >= 2.2) {
      return clip(2 * smirnovSf(n, x));
    }
    double cdf;
    if (n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4) {
      cdf = clip(durbinMatrixCdf(n, x));
    } else {
      cdf = pelzGoodCdf(n, x);
    }
    return clip(1.0 - cdf);
  }

  private static final double[] STIRLING = {
    -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
    -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2
  };

  /** {@code log(n! / n^n)} by Stirling's series with {@code n log n} removed up front. */
  static double logFactorialOverPower(int n) {
    double rn = 1.0 / n;
    double z = rn / n;
    double poly = 0;
    for (double c : STIRLING) {
      poly = poly * z + c;
    }
    return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * poly;
  }

  /** {@code P(D_n <= x)} by the Durbin matrix, Marsaglia-Tsang-Wang form with rescaling. */
  static double durbinMatrixCdf(int n, double x) {
    if (x >= 1.0) {
      return 1.0;
    }
    double nd = n * x;
    if (nd <= 0.5) {
      return 0.0;
    }
    int k = (int) Math.ceil(nd);
    double h = k - nd;
    int m = 2 * k - 1;
    double[] v = new double[m];
    double[] w = new double[m];
    double fac = 1.0;
    for (int j = 1; j <= m; j++) {
      v[j - 1] = 1.0 - Math.pow(h, j);
      w[j - 1] = fac;
      fac /= j;
      v[j - 1] *= fac;
    }
    double tt = Math.pow(Math.max(2 * h - 1.0, 0), m) - 2 * Math.pow(h, m);
    v[m - 1] = (1.0 + tt) * fac;
    double[][] hm = new double[m][m];
    for (int i = 1; i < m; i++) {
      for (int r = i - 1; r < m; r++) {
        hm[r][i] = w[r - (i - 1)];
      }
    }
    for (int r = 0; r < m; r++) {
      hm[r][0] = v[r];
    }
    for (int c = 0; c < m; c++) {
      hm[m - 1][c] = v[m - 1 - c];
    }
    double[][] pw = identity(m);
    int nn = n;
    int expnt = 0;
    int hExpnt = 0;
    while (nn > 0) {
      if (nn % 2 == 1) {
        pw = multiply(pw, hm);
        expnt += hExpnt;
      }
      hm = multiply(hm, hm);
      hExpnt *= 2;
      if (Math.abs(hm[k - 1][k - 1]) > E128) {
        for (double[] row : hm) {
          for (int c = 0; c < m; c++) {
            row[c] /= E128;
          }
        }
        hExpnt += 128;
      }
      nn /= 2;
    }
    double p = pw[k - 1][k - 1];
    for (int i = 1; i <= n; i++) {
      p = i * p / n;
      if (Math.abs(p) < EM128) {
        p *= E128;
        expnt -= 128;
      }
    }
    if (expnt != 0) {
      p = Math.scalb(p, expnt);
    }
    return p;
  }

  private static double[][] identity(int m) {
    double[][] e = new double[m][m];
    for (int i = 0; i < m; i++) {
      e[i][i] = 1;
    }
    return e;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int m = a.length;
    double[][] c = new double[m][m];
    for (int i = 0; i < m; i++) {
      double[] ci = c[i];
      for (int l = 0; l < m; l++) {
        double ail = a[i][l];
        if (ail == 0) {
          continue;
        }
        double[] bl = b[l];
        for (int j = 0; j < m; j++) {
          ci[j] += ail * bl[j];
        }
      }
    }
    return c;
  }

  /** {@code P(D_n <= x)} by Pomeranz's recursion (two rows kept, rescaled against underflow). */
  static double pomeranzCdf(int n, double x) {
    double t = n * x;
    int ll = (int) Math.floor(t);
    double f = t - ll;
    double g = Math.min(f, 1.0 - f);
    int ceilf = f > 0 ? 1 : 0;
    int roundf = f > 0.5 ? 1 : 0;
    int npwrs = 2 * (ll + 1);
    double[] gpower = new double[npwrs];
    double[] twogpower = new double[npwrs];
    double[] onem2gpower = new double[npwrs];
    gpower[0] = 1.0;
    twogpower[0] = 1.0;
    onem2gpower[0] = 1.0;
    int expnt = 0;
    double gn = g / n;
    double g2n = 2 * g / n;
    double g12n = (1 - 2 * g) / n;
    for (int k = 1; k < npwrs; k++) {
      gpower[k] = gpower[k - 1] * gn / k;
      twogpower[k] = twogpower[k - 1] * g2n / k;
      onem2gpower[k] = onem2gpower[k - 1] * g12n / k;
    }
    double[] v0 = new double[npwrs];
    double[] v1 = new double[npwrs];
    v1[0] = 1;
    int v0s = 0;
    int v1s = 0;
    int[] jj = pomeranzJ1J2(0, n, ll, ceilf, roundf);
    int j1 = jj[0];
    int j2;
    for (int i = 1; i < 2 * n + 2; i++) {
      int k1 = j1;
      double[] tmp = v0;
      v0 = v1;
      v1 = tmp;
      int ts = v0s;
      v0s = v1s;
      v1s = ts;
      java.util.Arrays.fill(v1, 0.0);
      jj = pomeranzJ1J2(i, n, ll, ceilf, roundf);
      j1 = jj[0];
      j2 = jj[1];
      double[] pwrs = (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 == 1 ? twogpower : onem2gpower);
      int ln2 = j2 - k1 + 1;
      if (ln2 > 0) {
        // conv = convolve(V0[k1 - V0s : k1 - V0s + ln2], pwrs[:ln2]); take conv[j1 - k1 ...]
        int off = k1 - v0s;
        int convStart = j1 - k1;
        int convLen = j2 - j1 + 1;
        double max = 0;
        for (int q = 0; q < convLen; q++) {
          int idx = convStart + q; // index into the full convolution
          double s = 0;
          for (int a = Math.max(0, idx - (ln2 - 1)); a <= Math.min(idx, ln2 - 1); a++) {
            int src = off + a;
            double va = src >= 0 && src < v0.length ? v0[src] : 0.0;
            s += va * pwrs[idx - a];
          }
          v1[q] = s;
          max = Math.max(max, s);
        }
        if (max > 0 && max < EM128) {
          for (int q = 0; q < v1.length; q++) {
            v1[q] *= E128;
          }
          expnt -= 128;
        }
        v1s = v0s + j1 - k1;
      }
    }
    double ans = v1[n - v1s];
    for (int k = 1; k <= n; k++) {
      if (Math.abs(ans) > E128) {
        ans *= EM128;
        expnt += 128;
      }
      ans *= k;
    }
    if (expnt != 0) {
      ans = Math.scalb(ans, expnt);
    }
    return ans;
  }

  private static int[] pomeranzJ1J2(int i, int n, int ll, int ceilf, int roundf) {
    int j1;
    int j2;
    if (i == 0) {
      j1 = -ll - ceilf - 1;
      j2 = ll + ceilf - 1;
    } else {
      int ip1div2 = (i + 1) / 2;
      int ip1mod2 = (i + 1) % 2;
      if (ip1mod2 == 0) {
        if (ip1div2 == n + 1) {
          j1 = n - ll - ceilf - 1;
          j2 = n + ll + ceilf - 1;
        } else {
          j1 = ip1div2 - 1 - ll - roundf - 1;
          j2 = ip1div2 + ll - 1 + ceilf - 1;
        }
      } else {
        j1 = ip1div2 - 1 - ll - 1;
        j2 = ip1div2 + ll + roundf - 1;
      }
    }
    return new int[] {Math.max(j1 + 2, 0), Math.min(j2, n)};
  }

  /** The Pelz-Good approximation to {@code P(D_n <= x)}. */
  static double pelzGoodCdf(int n, double x) {
    if (x <= 0.0) {
      return 0.0;
    }
    if (x >= 1.0) {
      return 1.0;
    }
    double pi2 = Math.PI * Math.PI;
    double pi4 = pi2 * pi2;
    double pi6 = pi4 * pi2;
    double z = Math.sqrt(n) * x;
    double z2 = z * z;
    double z3 = z * z * z;
    double z4 = z2 * z2;
    double z6 = z4 * z2;
    double qlog = -pi2 / 8 / z2;
    if (qlog < -708) {
      return 0.0;
    }
    double q = Math.exp(qlog);
    double k1a = -z2;
    double k1b = pi2 / 4;
    double k2a = 6 * z6 + 2 * z4;
    double k2b = (2 * z4 - 5 * z2) * pi2 / 4;
    double k2c = pi4 * (1 - 2 * z2) / 16;
    double k3d = pi6 * (5 - 30 * z2) / 64;
    double k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
    double k3b = pi2 * (135 * z4 - 96 * z6) / 4;
    double k3a = -30 * z6 - 90 * Math.pow(z, 8);
    double[] kk = new double[4];
    int maxk = (int) Math.ceil(16 * z / Math.PI);
    for (int k = maxk; k > 0; k--) {
      double mm = 2 * k - 1;
      double m2 = mm * mm;
      double m4 = m2 * m2;
      double m6 = m4 * m2;
      double qp = Math.pow(q, 8 * k);
      double[] c = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6};
      for (int i = 0; i < 4; i++) {
        kk[i] = kk[i] * qp + c[i];
      }
    }
    double sqrt2pi = Math.sqrt(2 * Math.PI);
    double[] div = {z, 6 * z4, 72 * Math.pow(z, 7), 6480 * Math.pow(z, 10)};
    for (int i = 0; i < 4; i++) {
      kk[i] = kk[i] * q * sqrt2pi / div[i];
    }
    double q2 = Math.exp(-pi2 / 2 / z2);
    double sqrt3z = Math.sqrt(3) * z;
    double k2extra = 0;
    double k3extra = 0;
    for (int k = maxk; k > 0; k--) {
      double ks2 = (double) k * k;
      double qpw = Math.pow(q2, ks2);
      double kspi = Math.PI * k;
      k2extra += ks2 * qpw;
      k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qpw;
    }
    kk[2] += k2extra * (pi2 * sqrt2pi / (-36 * z3));
    kk[3] += k3extra * (pi2 * sqrt2pi / (216 * z6));
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      sum += kk[i] / Math.pow(n, i / 2.0);
    }
    return sum;
  }

  // ---------------------------------------------------------------------------------------------
  // One-sided Smirnov tail P(D+_n >= x), Birnbaum-Tingey lower sum

  private static final double MINLOG = -7.451332191019412076235E2;

  /**
   * {@code P(D+_n >= x) = x sum_{v=0}^{floor(n(1-x))} C(n,v) (1-x-v/n)^(n-v) (x+v/n)^(v-1)}, each
   * term formed in logarithms with the binomial carried as mantissa and binary exponent.
   */
  static double smirnovSf(int n, double x) {
    if (n == 1) {
      return 1 - x;
    }
    if (x == 0.0) {
      return 1.0;
    }
    if (x == 1.0) {
      return 0.0;
    }
    BigDecimal nx = new BigDecimal(x).multiply(BigDecimal.valueOf(n));
    BigDecimal fl = nx.setScale(0, RoundingMode.FLOOR);
    int nxfl = fl.intValueExact();
    double alpha = nx.subtract(fl).doubleValue();
    if (alpha == 1) {
      nxfl += 1;
      alpha = 0;
    }
    if (nxfl == 0 || (nxfl == 1 && alpha == 0)) { // x <= 1/n
      return clip(1 - x * Math.pow(1 + x, n - 1));
    }
    if (-2 * n * x * x < MINLOG) {
      return 0.0;
    }
    if (nxfl >= n - 1) {
      return clip(Math.pow(1 - x, n));
    }
    if (n > 1_000_000) {
      double logp = -Math.pow(6.0 * n * x + 1, 2) / 18.0 / n;
      return logp < -Math.log(2) ? Math.exp(logp) : clip(1 - (-Math.expm1(logp)));
    }
    int nTerms = n - nxfl; // v = 0 .. n - nxfl - 1 (the last term, 1 - x - v/n <= 0, is zero or excluded)
    double sum = Math.pow(1 - x, n) / x;
    double cMan = 1.0; // C(n, v) = cMan * 2^cExp
    int cExp = 0;
    for (int v = 1; v < nTerms; v++) {
      cMan *= (double) (n - v + 1) / v;
      int e = Math.getExponent(cMan);
      cMan = Math.scalb(cMan, -e);
      cExp += e;
      double t2x = (double) (n - v) / n - x;
      double t1x = (double) v / n + x;
      double logTerm = Math.log(cMan) + cExp * Math.log(2) + (n - v) * Math.log(t2x) + (v - 1) * Math.log(t1x);
      double a = Math.exp(logTerm);
      if (Double.isFinite(a)) {
        sum += a;
      }
      if (a != 0.0) {
        if (4.0 * (nTerms - v) * Math.abs(a) < Math.ulp(1.0) * sum && v != nTerms - 1) {
          break; // the remaining terms cannot change the sum (SciPy's early exit)
        }
      } else if (v > n / 2) {
        break;
      }
    }
    return clip(x * sum);
  }

  private static double clip(double p) {
    return Math.max(0.0, Math.min(1.0, p));
  }
}

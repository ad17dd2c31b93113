#!/usr/bin/env python3
"""Independent reference values for dev.gauntlet.drift.stats tests.

Run with Debian's python3-scipy
(python3 drift/src/test/python/reference_values.py > drift/src/test/python/reference_values.out); the printed
numbers are pasted into DriftStatsTest as literals. The samples are defined by closed formulas
that the Java test reproduces exactly.
"""
import math
import numpy as np
import scipy
from scipy import stats, special
from scipy.spatial.distance import jensenshannon

print("scipy", scipy.__version__, "numpy", np.__version__)

# Small samples (exact KS p-value: max(n, m) <= 10000, SciPy's rule for method='auto').
a = [1.2, 3.4, 0.5, 2.2, 5.1, 4.4, 3.3, 2.9, 0.1, 1.7, 2.5, 3.9]
b = [2.0, 4.1, 5.5, 3.8, 6.2, 2.7, 4.9, 5.0, 3.1, 4.4, 6.8, 1.9, 3.6, 5.9, 4.2]
r = stats.ks_2samp(a, b, method="exact")
print("small KS D", repr(float(r.statistic)), "p exact", repr(float(r.pvalue)))
print("small wasserstein", repr(float(stats.wasserstein_distance(a, b))))

# Larger samples (still the exact KS p-value under method='auto'), with ties: a_i = (i*37 mod 101)/10, b_j = (j*53 mod 97)/10 + 0.8.
n, m = 400, 300
A = np.array([(i * 37 % 101) / 10.0 for i in range(n)])
B = np.array([(j * 53 % 97) / 10.0 + 0.8 for j in range(m)])
r = stats.ks_2samp(A, B, method="auto")
print("large KS D", repr(float(r.statistic)), "p auto (exact)", repr(float(r.pvalue)))
print("large wasserstein", repr(float(stats.wasserstein_distance(A, B))), "ref std (ddof 0)", repr(float(np.std(A))))

# Chi-square test of homogeneity, no continuity correction; Cramer's V.
ref = [30, 50, 20]
cur = [20, 45, 35]
chi2, p, dof, _ = stats.chi2_contingency([ref, cur], correction=False)
print("chi2", repr(float(chi2)), "p", repr(float(p)), "dof", dof, "V", repr(math.sqrt(chi2 / (sum(ref) + sum(cur)))))
# 2x2: equals the squared two-proportion z-test.
chi2b, pb, _, _ = stats.chi2_contingency([[40, 60], [55, 45]], correction=False)
print("chi2 2x2", repr(float(chi2b)), "p", repr(float(pb)))

# Jensen-Shannon distance, natural log (SciPy's default base).
P = np.array(ref) / sum(ref)
Q = np.array(cur) / sum(cur)
print("JS", repr(float(jensenshannon(P, Q))))
print("JS with an empty category", repr(float(jensenshannon([0.5, 0.5, 0.0], [0.25, 0.25, 0.5]))))

# PSI by hand: sum (q - p) ln(q / p), proportions floored at 1e-4.
def psi(rc, cc):
    rp = np.maximum(np.array(rc) / sum(rc), 1e-4)
    cp = np.maximum(np.array(cc) / sum(cc), 1e-4)
    return float(np.sum((cp - rp) * np.log(cp / rp)))
print("PSI [25,25,25,25] vs [10,20,30,40]", repr(psi([25, 25, 25, 25], [10, 20, 30, 40])))
print("PSI categorical", repr(psi(ref, cur)))
print("PSI with empty bin [50,50,0] vs [40,40,20]", repr(psi([50, 50, 0], [40, 40, 20])))

# PSI of the large samples over 10 reference-quantile bins: edges A_sorted[floor(j n / 10)], bins (e_j-1, e_j].
As = np.sort(A)
edges = []
for j in range(1, 10):
    v = As[j * n // 10]
    if v < As[-1] and (not edges or v > edges[-1]):
        edges.append(v)
def counts(x):
    x = np.sort(x)
    c, prev = [], 0
    for e in edges:
        upto = int(np.searchsorted(x, e, side="right"))
        c.append(upto - prev)
        prev = upto
    c.append(len(x) - prev)
    return c
print("edges", edges)
print("ref counts", counts(A), "cur counts", counts(B))
print("PSI large", repr(psi(counts(A), counts(B))))

# Benjamini-Hochberg and Holm adjusted p-values.
ps = [0.01, 0.04, 0.03, 0.005, 0.2]
print("BH", [repr(float(x)) for x in stats.false_discovery_control(ps, method="bh")])
k = len(ps)
order = np.argsort(ps)
holm = np.empty(k)
run = 0.0
for rank, i in enumerate(order):
    run = max(run, min(1.0, ps[i] * (k - rank)))
    holm[i] = run
print("Holm (by hand)", [repr(float(x)) for x in holm])

# Samples long enough for the radix sort (>= 2048 values), with ties, negatives and both zeros:
# a_i = s * ((i*37 mod 1009) - 504) / 8 and b_j = t * ((j*53 mod 997) - 450) / 8, where s = -1
# when i mod 3 == 0 (t = -1 when j mod 5 == 0), else 1; the negated zeros are -0.0.
n, m = 5000, 4000
A = np.array([(-1.0 if i % 3 == 0 else 1.0) * (((i * 37 % 1009) - 504) / 8.0) for i in range(n)])
B = np.array([(-1.0 if j % 5 == 0 else 1.0) * (((j * 53 % 997) - 450) / 8.0) for j in range(m)])
print("radix-sized: -0.0 in A", int(np.sum((A == 0) & np.signbit(A))), "+0.0 in A", int(np.sum((A == 0) & ~np.signbit(A))),
      "-0.0 in B", int(np.sum((B == 0) & np.signbit(B))), "+0.0 in B", int(np.sum((B == 0) & ~np.signbit(B))))
r = stats.ks_2samp(A, B, method="auto")
print("radix-sized KS D", repr(float(r.statistic)), "p auto (exact)", repr(float(r.pvalue)))
print("radix-sized wasserstein", repr(float(stats.wasserstein_distance(A, B))), "ref std (ddof 0)", repr(float(np.std(A))))
As = np.sort(A)
edges = []
for j in range(1, 10):
    v = As[j * n // 10]
    if v < As[-1] and (not edges or v > edges[-1]):
        edges.append(v)
print("radix-sized edges", [repr(float(e)) for e in edges])
print("radix-sized ref counts", counts(A), "cur counts", counts(B))
print("radix-sized PSI", repr(psi(counts(A), counts(B))))

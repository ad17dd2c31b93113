#!/usr/bin/env python3
"""Independent expected values for ProductionDriftTest (monitor drift per window).

Run with Debian's /usr/bin/python3 (numpy, scipy):
    /usr/bin/python3 monitor/src/test/resources/dev/gauntlet/monitor/drift_literals.py
The data are the closed formulas of ProductionDriftTest: reference i = 0..39 with x = i,
g = a if i is even else b, score = (i + 0.5) / 40; window 2024-01 the same; window 2024-02
x = i + 10 (shifted by 10), g = b if i % 4 == 0 else a, score = (i + 0.5) / 80.
PSI: 10 reference-quantile bins, inner edges ref_sorted[floor(j n / 10)], bins (e_j-1, e_j],
proportions raised to 1e-4 (the drift module's documented rule, recomputed here with numpy).
"""
import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

n = 40
ref_x = np.arange(n, dtype=float)
feb_x = ref_x + 10
ref_s = (np.arange(n) + 0.5) / 40
feb_s = (np.arange(n) + 0.5) / 80


def psi(ref, cur, bins=10):
    r = np.sort(ref)
    edges = []
    for j in range(1, bins):
        v = r[min(len(r) - 1, j * len(r) // bins)]
        if v < r.max() and (not edges or v > edges[-1]):
            edges.append(v)
    def counts(x):
        idx = np.searchsorted(edges, x, side="left")  # (e_j-1, e_j]: a value equal to an edge falls in the lower bin
        return np.bincount(idx, minlength=len(edges) + 1)
    p = np.maximum(counts(ref) / len(ref), 1e-4)
    q = np.maximum(counts(cur) / len(cur), 1e-4)
    return float(np.sum((q - p) * np.log(q / p)))


def cat_psi(a, b):
    p = np.maximum(np.array(a) / sum(a), 1e-4)
    q = np.maximum(np.array(b) / sum(b), 1e-4)
    return float(np.sum((q - p) * np.log(q / p)))


r = stats.ks_2samp(ref_x, feb_x, method="auto")
print("x 2024-02 KS D", repr(float(r.statistic)), "p", repr(float(r.pvalue)))
print("x 2024-02 wasserstein", repr(float(stats.wasserstein_distance(ref_x, feb_x))))
print("x 2024-02 psi", repr(psi(ref_x, feb_x)))
print("x 2024-01 psi", repr(psi(ref_x, ref_x)))
r = stats.ks_2samp(ref_s, feb_s, method="auto")
print("score 2024-02 KS D", repr(float(r.statistic)), "p", repr(float(r.pvalue)))
print("score 2024-02 psi", repr(psi(ref_s, feb_s)))
# g: reference a 20, b 20; 2024-02 a 30, b 10
chi2, p, dof, _ = stats.chi2_contingency([[20, 20], [30, 10]], correction=False)
print("g 2024-02 chi2", repr(float(chi2)), "p", repr(float(p)), "psi", repr(cat_psi([20, 20], [30, 10])),
      "js", repr(float(jensenshannon([0.5, 0.5], [0.75, 0.25]))))
# decisions at 0.5 (positive class yes = index 1): reference no 20, yes 20; 2024-02 all scores < 0.5: no 40, yes 0
chi2, p, dof, _ = stats.chi2_contingency([[20, 20], [40, 0]], correction=False)
print("prediction 2024-02 chi2", repr(float(chi2)), "p", repr(float(p)), "psi", repr(cat_psi([20, 20], [40, 0])),
      "js", repr(float(jensenshannon([0.5, 0.5], [1.0, 0.0]))))

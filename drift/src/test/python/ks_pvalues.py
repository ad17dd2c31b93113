#!/usr/bin/env python3
"""SciPy reference values for the two-sided KS p-value tests (KsPValueTest).

Regenerate (from the project root, with Debian's python3-scipy 1.10.1, or SciPy 1.17.1: the
ks_2samp / kstwo code is the same in both):

    python3 drift/src/test/python/ks_pvalues.py > drift/src/test/python/ks_pvalues.out

and paste the printed rows into KsPValueTest. Every sample is a closed formula that the Java test
reproduces with the same double operations, so both sides see bit-identical data:

  smooth: a_i = i / n,                    b_j = j / m + s             (no ties)
  ties:   a_i = floor(i * 37 % 101) / 10, b_j = (j * 53 % 97) / 10 + s, s rounded to 0.1 steps
"""
import csv
import math
import os
import sys

import numpy as np
import scipy
from scipy import stats

print("# scipy", scipy.__version__, "numpy", np.__version__, "python", sys.version.split()[0])


def smooth(n, m, s):
    return np.array([i / n for i in range(n)]), np.array([j / m + s for j in range(m)])


def ties(n, m, s):
    return np.array([(i * 37 % 101) / 10.0 for i in range(n)]), np.array([(j * 53 % 97) / 10.0 + s for j in range(m)])


# Two-sample grid through the public entry point, ks_2samp(method='auto').
# Columns: kind, n, m, s, D, p
GRID = [
    ("smooth", 12, 15, 0.3), ("smooth", 30, 30, 0.1), ("smooth", 30, 30, 0.3), ("smooth", 30, 30, 1 / 30),
    ("smooth", 1000, 30, 0.245), ("smooth", 1000, 30, 0.25), ("smooth", 1000, 30, 0.2), ("smooth", 30, 1000, 0.25),
    ("smooth", 4345, 1827, 0.02), ("smooth", 4345, 1827, 0.05), ("smooth", 4345, 1827, 0.1),
    ("smooth", 100, 100, 0.01), ("smooth", 100, 100, 0.5), ("smooth", 100, 100, 0.99),
    ("smooth", 500, 350, 0.08), ("smooth", 2000, 2000, 0.03),
    ("smooth", 10000, 10000, 0.005), ("smooth", 10000, 10000, 0.02), ("smooth", 10000, 10000, 0.05),
    ("smooth", 10000, 9999, 0.01), ("smooth", 10000, 7, 0.3), ("smooth", 9973, 10000, 0.015),
    ("smooth", 10001, 10001, 0.01), ("smooth", 10001, 10001, 0.03), ("smooth", 10001, 10000, 0.015),
    ("smooth", 20000, 15000, 0.01), ("smooth", 20000, 15000, 0.025), ("smooth", 10001, 50, 0.1),
    ("smooth", 10001, 50, 0.3), ("smooth", 12000, 100, 0.12), ("smooth", 50000, 3000, 0.02),
    ("smooth", 10001, 3, 0.5), ("smooth", 30000, 30000, 0.2),
    ("ties", 400, 300, 0.8), ("ties", 400, 400, 0.3), ("ties", 1000, 30, 1.0), ("ties", 5000, 4000, 0.2),
    ("ties", 10000, 10000, 0.1), ("ties", 12000, 11000, 0.1), ("ties", 12000, 11000, 0.0),
]
print("# two-sample grid: {kind (0 smooth, 1 ties), n, m, s, D, p}")
for kind, n, m, s in GRID:
    a, b = (smooth if kind == "smooth" else ties)(n, m, s)
    r = stats.ks_2samp(a, b, method="auto")
    print("{%d, %d, %d, %r, %r, %r}," % (0 if kind == "smooth" else 1, n, m, s, float(r.statistic), float(r.pvalue)))

# The one-sample two-sided distribution used by the asymptotic branch, kstwo.sf(x, N), over each
# of SciPy's evaluation methods (Ruben-Gambino ends, Durbin matrix, Pomeranz, Pelz-Good, 2*smirnov).
print("# kstwo.sf grid: {N, x, sf}")
KSTWO = [
    (5, 0.05), (5, 0.15), (5, 0.3), (5, 0.45), (5, 0.6), (5, 0.85),
    (29, 0.1), (29, 0.2), (29, 0.3), (29, 0.45), (29, 0.7),
    (140, 0.05), (140, 0.1), (140, 0.15), (140, 0.2), (140, 0.3),
    (141, 0.05), (141, 0.1), (141, 0.2),
    (1000, 0.01), (1000, 0.02), (1000, 0.05), (1000, 0.1), (1000, 0.3),
    (8571, 0.005), (8571, 0.01), (8571, 0.02), (8571, 0.05),
    (50000, 0.002), (50000, 0.005), (50000, 0.01),
    (150000, 0.001), (150000, 0.003), (150000, 0.0045),
    (2000000, 0.0005), (2000000, 0.001), (2000000, 0.0015),
]
for N, x in KSTWO:
    print("{%d, %r, %r}," % (N, x, float(stats.kstwo.sf(x, N))))

# COMPAS 2013 vs 2014 (ProPublica's filter), when the shared dataset is present.
# The datasets sit beside the project (../shared/datasets); from a worktree that is further up, so
# take the nearest ancestor that has shared/datasets, unless GAUNTLET_DATASETS names the folder.
def datasets():
    if "GAUNTLET_DATASETS" in os.environ:
        return os.environ["GAUNTLET_DATASETS"]
    d = os.path.dirname(os.path.abspath(__file__))
    while True:
        if os.path.isdir(os.path.join(d, "shared", "datasets")):
            return os.path.join(d, "shared", "datasets")
        if os.path.dirname(d) == d:
            return os.path.join("..", "shared", "datasets")
        d = os.path.dirname(d)


path = os.path.join(datasets(), "compas-scores-two-years.csv")
if os.path.isfile(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    col = {name: header.index(name) for name in ("compas_screening_date", "days_b_screening_arrest", "is_recid",
                                                  "c_charge_degree", "score_text", "age", "decile_score", "priors_count")}

    def keep(r):
        d = r[col["days_b_screening_arrest"]]
        return d != "" and -30 <= int(d) <= 30 and r[col["is_recid"]] != "-1" and r[col["c_charge_degree"]] != "O" \
            and r[col["score_text"]] != "N/A"

    kept = [r for r in rows[1:] if keep(r)]
    print("# COMPAS (first occurrence of duplicated names): {column, n2013, n2014, D, p}")
    for name in ("age", "decile_score", "priors_count"):
        y13 = np.array([float(r[col[name]]) for r in kept if r[col["compas_screening_date"]].startswith("2013")])
        y14 = np.array([float(r[col[name]]) for r in kept if r[col["compas_screening_date"]].startswith("2014")])
        r = stats.ks_2samp(y13, y14, method="auto")
        print('{"%s", %d, %d, %r, %r},' % (name, len(y13), len(y14), float(r.statistic), float(r.pvalue)))
else:
    print("# COMPAS absent at", path)

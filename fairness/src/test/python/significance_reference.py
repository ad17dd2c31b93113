"""Reference values for SignificanceTest, computed with SciPy (Debian python3-scipy).

Run: python3 fairness/src/test/python/significance_reference.py
"""
import numpy as np
from scipy.stats import fisher_exact, norm, false_discovery_control

for table in [[[3, 7], [9, 2]], [[1, 29], [6, 24]], [[0, 5], [5, 0]], [[10, 10], [10, 10]]]:
    print("fisher", table, repr(fisher_exact(table, alternative="two-sided")[1]))


def pooled_z(x1, n1, x2, n2):
    p = (x1 + x2) / (n1 + n2)
    se = np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return 2 * norm.sf(abs(x1 / n1 - x2 / n2) / se)


print("z 10/40 vs 30/60", repr(pooled_z(10, 40, 30, 60)))
print("z 120/400 vs 180/450", repr(pooled_z(120, 400, 180, 450)))
print("bh", false_discovery_control([0.01, 0.04, 0.03, 0.2, 0.005], method="bh"))

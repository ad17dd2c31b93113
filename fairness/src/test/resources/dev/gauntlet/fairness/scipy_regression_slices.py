#!/usr/bin/env python3
"""Reference values for RegressionSliceCheckTest, from SciPy.

Usage: /usr/bin/python3 scipy_regression_slices.py   (Debian python3-scipy 1.10)
The hand-made slices of the test: label 10 on every row; sex=F predicts 8, 9, 12, 7 and sex=M
predicts 10, 11, 9, 10.5, 10. Prints Welch's t-test p-values (scipy.stats.ttest_ind with
equal_var=False) of the absolute errors and of the errors of F against M, and the two-sample KS
statistic of their predictions (scipy.stats.ks_2samp).
"""
import numpy as np
from scipy import stats

f = np.array([8, 9, 12, 7], dtype=float) - 10
m = np.array([10, 11, 9, 10.5, 10], dtype=float) - 10
print("MAE_P =", repr(stats.ttest_ind(np.abs(f), np.abs(m), equal_var=False).pvalue))
print("MEAN_ERROR_P =", repr(stats.ttest_ind(f, m, equal_var=False).pvalue))
print("KS =", repr(stats.ks_2samp(f + 10, m + 10).statistic))

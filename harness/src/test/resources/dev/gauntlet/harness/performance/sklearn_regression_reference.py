#!/usr/bin/env python3
"""Reference values for RegressionPerformanceTest, from scikit-learn and NumPy.

Usage: /usr/bin/python3 sklearn_regression_reference.py   (Debian python3-sklearn 1.2, python3-numpy)
Prints the Java literals pasted into RegressionPerformanceTest: labels, predictions (rounded to one
decimal so that the absolute errors tie), and sklearn's MAE, RMSE, R-squared and median absolute
error, NumPy's 0.9 and 0.75 quantiles of the absolute error (linear interpolation, NumPy's default)
and the mean of prediction - label, for all 40 rows and for the first 39 (an odd count).
"""
import numpy as np
from sklearn.metrics import mean_absolute_error, mean_squared_error, median_absolute_error, r2_score

rng = np.random.RandomState(14)
y = np.round(rng.uniform(1000, 9000, 40), 1)
p = np.round(y + rng.normal(150, 600, 40), 1)


def lit(a):
    return "{" + ", ".join(repr(float(v)) for v in a) + "}"


print("static final double[] Y = " + lit(y) + ";")
print("static final double[] P = " + lit(p) + ";")
for name, n in (("ALL", 40), ("ODD", 39)):
    yy, pp = y[:n], p[:n]
    ae = np.abs(pp - yy)
    vals = [
        mean_absolute_error(yy, pp),
        np.sqrt(mean_squared_error(yy, pp)),
        r2_score(yy, pp),
        float(np.mean(pp - yy)),
        median_absolute_error(yy, pp),
        float(np.quantile(ae, 0.9)),
        float(np.quantile(ae, 0.75)),
    ]
    print("/** mae, rmse, r2, mean_error, median_absolute_error, q0.9, q0.75 of the first %d rows. */" % n)
    print("static final double[] %s = %s;" % (name, lit(vals)))

#!/usr/bin/env python3
"""Literals of PlattTest: scikit-learn's Platt scaling (the sigmoid of CalibratedClassifierCV(method="sigmoid"),
sklearn.calibration._sigmoid_calibration: smoothed targets, 1 / (1 + exp(A f + B))) on the scores of
isotonic_literals.py. Run with Debian's /usr/bin/python3 (python3-sklearn 1.2.1):
    /usr/bin/python3 monitor/src/test/resources/dev/gauntlet/monitor/platt_literals.py
"""
import numpy as np
from sklearn.calibration import _sigmoid_calibration

x = np.array([0.05, 0.12, 0.2, 0.31, 0.33, 0.4, 0.47, 0.55, 0.61, 0.7, 0.78, 0.86, 0.9, 0.97])
y = np.array([0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1])
a, b = _sigmoid_calibration(x, y)
print("A", repr(float(a)), "B", repr(float(b)))
q = np.array([0.0, 0.1, 0.25, 0.5, 0.65, 0.88, 1.0])
print("at q:", ", ".join(repr(float(v)) for v in 1 / (1 + np.exp(a * q + b))))

# scikit-learn's L-BFGS stops at its default tolerance; the same loss minimised tightly (BFGS, gtol 1e-12)
# gives the optimum to many more digits, which PlattTest compares with closely.
from scipy.optimize import minimize
from scipy.special import expit, xlogy

n_pos = y.sum()
n_neg = len(y) - n_pos
t = np.where(y == 1, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))


def loss(ab):
    p = expit(-(ab[0] * x + ab[1]))
    return -(xlogy(t, p) + xlogy(1 - t, 1 - p)).sum()


def grad(ab):
    p = expit(-(ab[0] * x + ab[1]))
    d = t - p
    return np.array([(d * x).sum(), d.sum()])


r = minimize(loss, [0.0, np.log((n_neg + 1.0) / (n_pos + 1.0))], jac=grad, method="BFGS", options={"gtol": 1e-12})
print("tight A", repr(float(r.x[0])), "B", repr(float(r.x[1])), "gradient", grad(r.x))
print("tight at q:", ", ".join(repr(float(v)) for v in 1 / (1 + np.exp(r.x[0] * q + r.x[1]))))

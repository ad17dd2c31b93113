# Generates the literals of CalibratorTest: scipy's isotonic regression (pool adjacent violators)
# of labels on scores, and numpy's linear interpolation between the fitted points, clipped at the
# ends (what scikit-learn's IsotonicRegression(out_of_bounds="clip") predicts).
# Run: python3 isotonic_literals.py   (scipy 1.17.1, numpy)
import numpy as np
from scipy.optimize import isotonic_regression

x = np.array([0.05, 0.12, 0.2, 0.31, 0.33, 0.4, 0.47, 0.55, 0.61, 0.7, 0.78, 0.86, 0.9, 0.97])
y = np.array([0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1], dtype=float)
fit = isotonic_regression(y, increasing=True).x
print("fitted at x:", ", ".join(repr(float(v)) for v in fit))
q = np.array([0.0, 0.1, 0.25, 0.5, 0.65, 0.88, 1.0])
print("at q:", ", ".join(repr(float(v)) for v in np.interp(q, x, fit)))

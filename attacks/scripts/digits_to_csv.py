#!/usr/bin/python3
"""Converts scikit-learn's 8x8 handwritten digits (UCI optdigits test set, bundled with sklearn,
from Debian's python3-sklearn) to the CSV used by ImageSetOrderingTest: columns p0..p63 (pixel
intensity 0..16, row-major) and label (0..9), in sklearn's order.

Run from attacks/: python3 scripts/digits_to_csv.py > src/test/resources/dev/gauntlet/attacks/adversarial/digits.csv
"""
import sys
from sklearn.datasets import load_digits

d = load_digits()
out = sys.stdout
out.write(",".join([f"p{i}" for i in range(64)] + ["label"]) + "\n")
for x, y in zip(d.data, d.target):
    out.write(",".join(str(int(v)) for v in x) + f",{int(y)}\n")

#!/usr/bin/env python3
"""Independent counts for CompasSelectionTest: ProPublica's filters on compas-scores-two-years.csv
(days_b_screening_arrest within [-30, 30], is_recid != -1, c_charge_degree != 'O', score_text != 'N/A'),
overall and per screening year. Standard library only.
    python3 harness/src/test/scripts/compas_counts.py ../shared/datasets/compas-scores-two-years.csv
"""
import csv, sys
from collections import Counter

path = sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/compas-scores-two-years.csv"
with open(path, newline="") as f:
    r = csv.reader(f)
    header = next(r)
    col = {h: i for i, h in enumerate(header)}  # first occurrence of duplicated headers, as Gauntlet
    kept, years, total = 0, Counter(), 0
    for row in r:
        total += 1
        d = row[col["days_b_screening_arrest"]]
        if d == "" or not (-30 <= float(d) <= 30):
            continue
        if float(row[col["is_recid"]]) == -1 or row[col["c_charge_degree"]] == "O" or row[col["score_text"]] == "N/A":
            continue
        kept += 1
        years[row[col["compas_screening_date"]][:4]] += 1
print("total", total, "kept", kept, dict(sorted(years.items())))

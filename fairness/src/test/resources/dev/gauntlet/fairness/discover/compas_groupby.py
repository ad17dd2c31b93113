#!/usr/bin/env python3
"""Independent group-by for CompasDiscoveryTest: FPR (decile_score >= 5 among two_year_recid = 0)
of the whole and of the largest slices slices.discover reports, with ProPublica's filters.
Standard library only (csv). Usage:
  python3 compas_groupby.py ../shared/datasets/compas-scores-two-years.csv
"""
import csv
import sys

path = sys.argv[1]
with open(path, newline="") as f:
    r = csv.reader(f)
    header = next(r)
    ix = {name: header.index(name) for name in
          ["race", "age", "priors_count", "decile_score", "two_year_recid", "days_b_screening_arrest", "is_recid", "c_charge_degree", "score_text"]}
    slices = {
        "all": lambda row: True,
        "race=African-American": lambda row: row["race"] == "African-American",
        "priors_count>=4": lambda row: float(row["priors_count"]) >= 4,
        "age<25": lambda row: float(row["age"]) < 25,
        "race=African-American&priors_count>=4": lambda row: row["race"] == "African-American" and float(row["priors_count"]) >= 4,
    }
    counts = {k: [0, 0] for k in slices}
    kept = 0
    for line in r:
        row = {k: line[i] for k, i in ix.items()}
        days = row["days_b_screening_arrest"]
        if days == "" or abs(int(days)) > 30 or row["is_recid"] == "-1" or row["c_charge_degree"] == "O" or row["score_text"] == "N/A":
            continue
        kept += 1
        if row["two_year_recid"] != "0":
            continue
        flagged = int(row["decile_score"]) >= 5
        for k, pred in slices.items():
            if pred(row):
                counts[k][0] += 1
                counts[k][1] += flagged
    print("kept", kept)
    for k, (n, fp) in counts.items():
        print(f"{k}: negatives {n}, flagged {fp}, FPR {fp / n:.4f}")

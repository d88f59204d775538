"""The credit dataset's columns and CSV loading, shared by every stage."""
import csv

import numpy as np

FEATURES = [
    "age",
    "income",
    "debt_ratio",
    "credit_lines",
    "late_payments",
    "loan_amount",
    "employment_years",
]
TARGET = "default"
COLUMNS = FEATURES + [TARGET]


def read_rows(path):
    """Read a CSV file as a list of dicts of strings."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_rows(path, rows, columns=None):
    """Write dicts to a CSV file with the given columns (default COLUMNS)."""
    columns = columns or COLUMNS
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def to_arrays(rows):
    """Split rows into a float feature matrix and, when present, an int target."""
    x = np.array([[float(r[c]) for c in FEATURES] for r in rows], dtype=float)
    if rows and TARGET in rows[0]:
        y = np.array([int(r[TARGET]) for r in rows], dtype=int)
    else:
        y = None
    return x, y


def load(path):
    """Load a CSV file as (features, target)."""
    return to_arrays(read_rows(path))

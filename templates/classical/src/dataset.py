"""The dataset's columns and CSV reading and writing, shared by every stage.

Replace FEATURES and TARGET with your own table's columns.
"""
import csv

import numpy as np

FEATURES = [f"feature_{i}" for i in range(6)]
TARGET = "label"
COLUMNS = FEATURES + [TARGET]


def read_rows(path):
    """Read a CSV file as a list of dicts of strings."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_rows(path, rows, columns=None):
    """Write dicts to a CSV file with the given columns (default COLUMNS)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns or COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def to_arrays(rows):
    """Split rows into a float feature matrix and, when labelled, an int target."""
    x = np.array([[float(row[c]) for c in FEATURES] for row in rows], dtype=float)
    y = np.array([int(row[TARGET]) for row in rows], dtype=int) if rows and TARGET in rows[0] else None
    return x, y


def load(path):
    """Load a CSV file as (features, target)."""
    return to_arrays(read_rows(path))

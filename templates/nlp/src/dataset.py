"""The dataset's columns and CSV reading and writing, shared by every stage.

Each row is one text and its label. Replace LABELS with your own classes.
"""
import csv

TEXT = "text"
LABEL = "label"
COLUMNS = [TEXT, LABEL]
LABELS = ["billing", "technical", "account"]


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


def load(path):
    """Load a CSV file as (texts, labels)."""
    rows = read_rows(path)
    return [row[TEXT] for row in rows], [row[LABEL] for row in rows]

"""Check the prepared credit data; exit 1 with a list of problems when it is invalid."""
import argparse
import math
import os
import sys

from features import COLUMNS, TARGET, read_rows

# Plausible ranges: a value outside them means a broken export, not a rare applicant.
RANGES = {
    "age": (18, 100),
    "income": (0, 10_000_000),
    "debt_ratio": (0, 1),
    "credit_lines": (0, 100),
    "late_payments": (0, 100),
    "loan_amount": (0, 10_000_000),
    "employment_years": (0, 82),
}


def check_rows(rows, min_rows=100, min_positive_rate=0.02):
    """Return the problems found in rows (an empty list when the data is valid)."""
    if not rows:
        return ["no rows"]
    missing = [c for c in COLUMNS if c not in rows[0]]
    if missing:
        return [f"missing columns: {', '.join(missing)}"]
    problems = []
    if len(rows) < min_rows:
        problems.append(f"only {len(rows)} rows, fewer than {min_rows}")
    for line, row in enumerate(rows, start=2):
        problems.extend(f"line {line}: {p}" for p in check_row(row))
    positives = sum(row[TARGET] == "1" for row in rows)
    rate = positives / len(rows)
    if not min_positive_rate <= rate <= 1 - min_positive_rate:
        problems.append(f"{TARGET} rate {rate:.3f} is outside [{min_positive_rate}, {1 - min_positive_rate}]")
    return problems


def check_row(row):
    """Return the problems in one row."""
    problems = []
    for column, (low, high) in RANGES.items():
        try:
            value = float(row[column])
        except ValueError:
            problems.append(f"{column} is not a number: {row[column]!r}")
            continue
        if math.isnan(value) or not low <= value <= high:
            problems.append(f"{column} {row[column]} is outside [{low}, {high}]")
    if row[TARGET] not in ("0", "1"):
        problems.append(f"{TARGET} must be 0 or 1, not {row[TARGET]!r}")
    return problems


def main(argv=None):
    """Validate train.csv and test.csv in the data folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--min-rows", type=int, default=100)
    args = parser.parse_args(argv)

    failed = False
    for name in ("train.csv", "test.csv"):
        path = os.path.join(args.data_dir, name)
        if not os.path.exists(path):
            print(f"{path}: missing")
            failed = True
            continue
        problems = check_rows(read_rows(path), args.min_rows)
        for problem in problems[:20]:
            print(f"{path}: {problem}")
        if len(problems) > 20:
            print(f"{path}: ... and {len(problems) - 20} more problems")
        failed = failed or bool(problems)
        if not problems:
            print(f"{path}: valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

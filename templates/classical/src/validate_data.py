"""Check the prepared data; exit 1 with the problems found when it is invalid."""
import argparse
import math
import os
import sys

from dataset import COLUMNS, FEATURES, TARGET, read_rows


def check_rows(rows, min_rows=100):
    """Return the problems in rows (an empty list when the data is valid)."""
    if not rows:
        return ["no rows"]
    missing = [c for c in COLUMNS if c not in rows[0]]
    if missing:
        return [f"missing columns: {', '.join(missing)}"]
    problems = [f"only {len(rows)} rows, fewer than {min_rows}"] if len(rows) < min_rows else []
    for line, row in enumerate(rows, start=2):
        problems.extend(f"line {line}: {p}" for p in check_row(row))
    if len({row[TARGET] for row in rows}) < 2:
        problems.append(f"every row has the same {TARGET}")
    return problems


def check_row(row):
    """Return the problems in one row: non-numeric or missing features, a bad label."""
    problems = []
    for column in FEATURES:
        try:
            value = float(row[column])
        except ValueError:
            problems.append(f"{column} is not a number: {row[column]!r}")
            continue
        if not math.isfinite(value):
            problems.append(f"{column} is {row[column]}")
    if row[TARGET] not in ("0", "1"):
        problems.append(f"{TARGET} must be 0 or 1, not {row[TARGET]!r}")
    return problems


def main(argv=None):
    """Validate train.csv and test.csv in the data folder; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--min-rows", type=int, default=100)
    args = parser.parse_args(argv)

    failed = False
    for name in ("train.csv", "test.csv"):
        path = os.path.join(args.data_dir, name)
        problems = check_rows(read_rows(path), args.min_rows) if os.path.exists(path) else ["missing"]
        for problem in problems[:20]:
            print(f"{path}: {problem}")
        failed = failed or bool(problems)
        if not problems:
            print(f"{path}: valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

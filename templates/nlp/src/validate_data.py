"""Check the prepared texts; exit 1 with the problems found when they are invalid."""
import argparse
import os
import sys

from dataset import COLUMNS, LABEL, LABELS, TEXT, read_rows


def check_rows(rows, min_rows=100):
    """Return the problems in rows (an empty list when the data is valid)."""
    if not rows:
        return ["no rows"]
    missing = [c for c in COLUMNS if c not in rows[0]]
    if missing:
        return [f"missing columns: {', '.join(missing)}"]
    problems = [f"only {len(rows)} rows, fewer than {min_rows}"] if len(rows) < min_rows else []
    for line, row in enumerate(rows, start=2):
        if not row[TEXT].strip():
            problems.append(f"line {line}: empty {TEXT}")
        if row[LABEL] not in LABELS:
            problems.append(f"line {line}: unknown {LABEL} {row[LABEL]!r}")
    absent = [label for label in LABELS if label not in {row[LABEL] for row in rows}]
    if absent:
        problems.append(f"no rows labelled {', '.join(absent)}")
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

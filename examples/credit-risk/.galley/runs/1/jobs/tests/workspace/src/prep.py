"""Make a small synthetic credit dataset, clean it, and split it into train and test files.

The raw data is generated deterministically from a seed, with the flaws real
exports have (missing incomes, impossible ages, duplicated rows), so cleaning
has something to do.
"""
import argparse
import os

import numpy as np

from features import COLUMNS, FEATURES, TARGET, write_rows


def generate(n, seed):
    """Generate n raw applicant rows, including a few flawed ones."""
    rng = np.random.default_rng(seed)
    age = rng.integers(21, 75, n).astype(float)
    income = np.round(rng.lognormal(10.6, 0.45, n), 2)
    debt_ratio = np.round(rng.beta(2, 5, n), 4)
    credit_lines = rng.poisson(4, n).astype(float)
    late_payments = rng.poisson(0.6, n).astype(float)
    loan_amount = np.round(income * rng.uniform(0.1, 0.9, n), 2)
    employment_years = np.minimum(np.round(rng.exponential(6, n), 1), age - 18)

    score = (-1.5 + 5.0 * debt_ratio + 1.0 * late_payments + 1.5 * loan_amount / income
             - 0.03 * (age - 40) - 0.06 * employment_years - 0.1 * credit_lines)
    default = (rng.random(n) < 1 / (1 + np.exp(-score))).astype(int)

    rows = [dict(zip(COLUMNS, values)) for values in zip(
        age, income, debt_ratio, credit_lines, late_payments, loan_amount,
        employment_years, default)]
    flawed = rng.choice(n, n // 50, replace=False)
    for i in flawed[::2]:
        rows[i]["income"] = float("nan")
    for i in flawed[1::2]:
        rows[i]["age"] = -1.0
    return rows + rows[:10]


def clean(rows):
    """Drop rows with missing or impossible values and exact duplicates."""
    seen, kept = set(), []
    for row in rows:
        values = tuple(row[c] for c in COLUMNS)
        if values in seen:
            continue
        seen.add(values)
        if any(np.isnan(row[c]) for c in FEATURES) or not 18 <= row["age"] <= 100:
            continue
        kept.append({c: row[c] for c in FEATURES} | {TARGET: int(row[TARGET])})
    return kept


def split(rows, test_fraction, seed):
    """Split rows into (train, test) by a seeded shuffle."""
    order = np.random.default_rng(seed).permutation(len(rows))
    cut = int(len(rows) * (1 - test_fraction))
    return [rows[i] for i in order[:cut]], [rows[i] for i in order[cut:]]


def main(argv=None):
    """Write train.csv and test.csv to the output folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--test-fraction", type=float, default=0.25)
    parser.add_argument("--output-dir", default="data")
    args = parser.parse_args(argv)

    rows = clean(generate(args.rows, args.seed))
    train, test = split(rows, args.test_fraction, args.seed)
    os.makedirs(args.output_dir, exist_ok=True)
    write_rows(os.path.join(args.output_dir, "train.csv"), train)
    write_rows(os.path.join(args.output_dir, "test.csv"), test)
    print(f"{len(rows)} clean rows: {len(train)} for training, {len(test)} for testing")


if __name__ == "__main__":
    main()

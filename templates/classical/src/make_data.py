"""Generate the tabular dataset from a seed and split it into train.csv and test.csv.

A stand-in for your data: replace generate() with a query or an export,
keeping the output files, and the rest of the pipeline works unchanged.
"""
import argparse
import os

from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

from dataset import COLUMNS, write_rows


def generate(n, seed):
    """Return n labelled rows: six numeric features, two classes."""
    x, y = make_classification(n_samples=n, n_features=6, n_informative=4, n_redundant=1,
                               flip_y=0.05, random_state=seed)
    return [dict(zip(COLUMNS, [round(float(v), 5) for v in features] + [int(label)]))
            for features, label in zip(x, y)]


def main(argv=None):
    """Write train.csv and test.csv to the output folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--test-fraction", type=float, default=0.25)
    parser.add_argument("--output-dir", default="data")
    args = parser.parse_args(argv)

    rows = generate(args.rows, args.seed)
    train, test = train_test_split(rows, test_size=args.test_fraction, random_state=args.seed)
    os.makedirs(args.output_dir, exist_ok=True)
    write_rows(os.path.join(args.output_dir, "train.csv"), train)
    write_rows(os.path.join(args.output_dir, "test.csv"), test)
    print(f"{len(train)} rows for training, {len(test)} for testing: {args.output_dir}")


if __name__ == "__main__":
    main()

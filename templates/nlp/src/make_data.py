"""Generate a labelled set of support messages from a seed; split it into train.csv and test.csv.

A stand-in for your data: replace generate() with an export of real texts,
keeping the output files, and the rest of the pipeline works unchanged.
"""
import argparse
import os
import random

from dataset import LABELS, write_rows

# Phrases typical of each class, plus phrases any message may hold, so the
# classes overlap as real ones do.
PHRASES = {
    "billing": ["I was charged twice", "my invoice is wrong", "please refund the payment",
                "the price went up", "cancel my subscription", "my card was declined"],
    "technical": ["the app crashes", "the page does not load", "I get an error message",
                  "the upload times out", "sync stopped working", "the export is empty"],
    "account": ["I cannot log in", "reset my password", "change the email on my account",
                "two-factor codes never arrive", "delete my account", "my profile is locked"],
}
COMMON = ["since yesterday", "again", "on my phone", "this month", "please help",
          "for the third time", "after the update", "it is urgent"]


def generate(n, seed):
    """Return n rows of {text, label}, with classes in turn."""
    rng = random.Random(seed)  # nosec B311: synthetic data, not security
    rows = []
    for i in range(n):
        label = LABELS[i % len(LABELS)]
        words = rng.sample(PHRASES[label], 2) + rng.sample(COMMON, 2)
        if rng.random() < 0.1:  # a message that mentions another class's problem too
            words.append(rng.choice(PHRASES[rng.choice(LABELS)]))
        rng.shuffle(words)
        rows.append({"text": ", ".join(words), "label": label})
    rng.shuffle(rows)
    return rows


def main(argv=None):
    """Write train.csv and test.csv to the output folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=600)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--test-fraction", type=float, default=0.25)
    parser.add_argument("--output-dir", default="data")
    args = parser.parse_args(argv)

    rows = generate(args.rows, args.seed)
    cut = int(len(rows) * (1 - args.test_fraction))
    os.makedirs(args.output_dir, exist_ok=True)
    write_rows(os.path.join(args.output_dir, "train.csv"), rows[:cut])
    write_rows(os.path.join(args.output_dir, "test.csv"), rows[cut:])
    print(f"{cut} texts for training, {len(rows) - cut} for testing: {args.output_dir}")


if __name__ == "__main__":
    main()

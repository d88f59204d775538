"""Check the prepared image set; exit 1 with the problems found when it is invalid."""
import argparse
import os
import sys

from PIL import Image, UnidentifiedImageError

from dataset import CLASSES, SIZE


def check_split(folder, min_per_class=10):
    """Return the problems in one split's folder (an empty list when it is valid)."""
    if not os.path.isdir(folder):
        return ["missing"]
    problems = []
    for label in CLASSES:
        class_dir = os.path.join(folder, label)
        names = sorted(os.listdir(class_dir)) if os.path.isdir(class_dir) else []
        if len(names) < min_per_class:
            problems.append(f"{label}: {len(names)} images, fewer than {min_per_class}")
        problems.extend(f"{label}/{name}: {p}" for name in names for p in check_image(os.path.join(class_dir, name)))
    extra = sorted(set(os.listdir(folder)) - set(CLASSES))
    if extra:
        problems.append(f"folders that are not classes: {', '.join(extra)}")
    return problems


def check_image(path):
    """Return the problems with one image file: unreadable, or not SIZE x SIZE."""
    try:
        with Image.open(path) as image:
            size = image.size
    except (OSError, UnidentifiedImageError):
        return ["not an image"]
    return [] if size == (SIZE, SIZE) else [f"{size[0]}x{size[1]} pixels, not {SIZE}x{SIZE}"]


def main(argv=None):
    """Validate the train and test splits in the data folder; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--min-per-class", type=int, default=10)
    args = parser.parse_args(argv)

    failed = False
    for split in ("train", "test"):
        folder = os.path.join(args.data_dir, split)
        problems = check_split(folder, args.min_per_class)
        for problem in problems[:20]:
            print(f"{folder}: {problem}")
        failed = failed or bool(problems)
        if not problems:
            print(f"{folder}: valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

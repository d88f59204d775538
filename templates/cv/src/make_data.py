"""Draw a small labelled image set from a seed: circles, squares and triangles.

The images are written as PNG files, one folder per class, under
data/train/ and data/test/. A stand-in for your images: put real ones in the
same layout and the rest of the pipeline works unchanged.
"""
import argparse
import os
import random

import numpy as np
from PIL import Image, ImageDraw

from dataset import CLASSES, SIZE


def draw(shape, rng):
    """Return one SIZE x SIZE grayscale image of shape, at a random place and size, with noise."""
    image = Image.new("L", (SIZE, SIZE), 0)
    pen = ImageDraw.Draw(image)
    r = rng.randint(3, SIZE // 2 - 2)
    x, y = rng.randint(r, SIZE - r - 1), rng.randint(r, SIZE - r - 1)
    shade = rng.randint(160, 255)
    if shape == "circle":
        pen.ellipse([x - r, y - r, x + r, y + r], fill=shade)
    elif shape == "square":
        pen.rectangle([x - r, y - r, x + r, y + r], fill=shade)
    else:
        pen.polygon([(x, y - r), (x - r, y + r), (x + r, y + r)], fill=shade)
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 20, (SIZE, SIZE))
    return Image.fromarray(np.clip(np.asarray(image, dtype=float) + noise, 0, 255).astype(np.uint8))


def write_split(folder, per_class, rng):
    """Write per_class images of every class under folder/<class>/."""
    for shape in CLASSES:
        os.makedirs(os.path.join(folder, shape), exist_ok=True)
        for i in range(per_class):
            draw(shape, rng).save(os.path.join(folder, shape, f"{i:04d}.png"))


def main(argv=None):
    """Write the train and test splits to the output folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-class", type=int, default=120, help="training images per class")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output-dir", default="data")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)  # nosec B311: synthetic data, not security
    write_split(os.path.join(args.output_dir, "train"), args.per_class, rng)
    write_split(os.path.join(args.output_dir, "test"), max(args.per_class // 3, 1), rng)
    print(f"{args.per_class} training images per class: {args.output_dir}")


if __name__ == "__main__":
    main()

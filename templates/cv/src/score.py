"""Classify images with the trained model.

galley's local endpoints and Azure ML load this file: init() loads the model,
run() classifies an online request (JSON with a "data" list of images, each
a SIZE x SIZE list of 0-255 grayscale pixels) or, for batch endpoints, a list
of PNG files. As a script it classifies the PNG files of a folder.
"""
import argparse
import csv
import json
import os

import numpy as np
import torch
from PIL import Image

import train
from dataset import to_batch

MODEL = None
CLASS_NAMES = None


def classify(model, classes, batch):
    """Return each image's predicted class and its probability."""
    with torch.no_grad():
        probabilities = torch.softmax(model(batch), dim=1)
    best, index = probabilities.max(1)
    return [{"label": classes[i], "probability": round(float(p), 6)}
            for p, i in zip(best.tolist(), index.tolist())]


def read_images(paths):
    """Load PNG files as a batch."""
    return to_batch([np.asarray(Image.open(path).convert("L")) for path in paths])


def init():
    """Endpoint entry point: load the model from the deployment's model folder."""
    global MODEL, CLASS_NAMES  # pylint: disable=global-statement
    root = os.environ.get("AZUREML_MODEL_DIR", ".")
    for folder, _, files in os.walk(root):
        if "model.pt" in files:
            MODEL, CLASS_NAMES = train.load(folder)
            return
    raise FileNotFoundError(f"no model.pt under {root}")


def run(request):
    """Endpoint entry point: classify a JSON request (online) or a list of PNG files (batch)."""
    if isinstance(request, list):
        return [dict(r, file=path) for path, r in zip(request, classify(MODEL, CLASS_NAMES, read_images(request)))]
    return classify(MODEL, CLASS_NAMES, to_batch(json.loads(request)["data"]))


def main(argv=None):
    """Classify every PNG file under a folder into a CSV file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", default="outputs")
    parser.add_argument("--input", default="data/test")
    parser.add_argument("--output", default="outputs/scores.csv")
    args = parser.parse_args(argv)

    paths = sorted(os.path.join(folder, name) for folder, _, names in os.walk(args.input)
                   for name in names if name.endswith(".png"))
    model, classes = train.load(args.model_dir)
    results = classify(model, classes, read_images(paths))
    os.makedirs(os.path.dirname(args.output) or ".", exist_ok=True)
    with open(args.output, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["file", "label", "probability"])
        writer.writeheader()
        writer.writerows(dict(r, file=path) for path, r in zip(paths, results))
    print(f"classified {len(paths)} images: {args.output}")


if __name__ == "__main__":
    main()

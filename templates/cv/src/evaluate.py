"""Evaluate the trained classifier on data/test/ and write outputs/metrics.json."""
import argparse
import json
import os

import torch
from torch.utils.data import DataLoader

import train
from dataset import image_folder


def evaluate(model, data_dir):
    """Return accuracy and per-class recall on data_dir/test, rounded to 4 places."""
    images = image_folder(data_dir, "test")
    predicted, actual = [], []
    with torch.no_grad():
        for batch, labels in DataLoader(images, batch_size=64):
            predicted += model(batch).argmax(1).tolist()
            actual += labels.tolist()
    metrics = {"accuracy": sum(p == a for p, a in zip(predicted, actual)) / len(actual)}
    for index, name in enumerate(images.classes):
        hits = [p == a for p, a in zip(predicted, actual) if a == index]
        metrics[f"recall_{name}"] = sum(hits) / len(hits) if hits else 0.0
    return {name: round(float(value), 4) for name, value in metrics.items()}


def main(argv=None):
    """Evaluate the model and write the metrics file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--model-dir", default="outputs")
    parser.add_argument("--metrics-file", default="outputs/metrics.json")
    args = parser.parse_args(argv)

    model, _ = train.load(args.model_dir)
    metrics = evaluate(model, args.data_dir)
    os.makedirs(os.path.dirname(args.metrics_file) or ".", exist_ok=True)
    with open(args.metrics_file, "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps(metrics, sort_keys=True))


if __name__ == "__main__":
    main()

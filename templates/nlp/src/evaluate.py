"""Evaluate the trained classifier on data/test.csv and write outputs/metrics.json."""
import argparse
import json
import os
import pickle  # nosec B403: only this pipeline's own models are loaded

from sklearn.metrics import accuracy_score, f1_score

from dataset import load


def evaluate(model, texts, labels):
    """Return accuracy and macro-averaged F1 on (texts, labels), rounded to 4 places."""
    predicted = model.predict(texts)
    metrics = {
        "accuracy": accuracy_score(labels, predicted),
        "f1_macro": f1_score(labels, predicted, average="macro", zero_division=0),
    }
    return {name: round(float(value), 4) for name, value in metrics.items()}


def main(argv=None):
    """Evaluate model.pkl and write the metrics file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--model-dir", default="outputs")
    parser.add_argument("--metrics-file", default="outputs/metrics.json")
    args = parser.parse_args(argv)

    with open(os.path.join(args.model_dir, "model.pkl"), "rb") as f:
        model = pickle.load(f)  # nosec B301: the model is this pipeline's own artifact
    metrics = evaluate(model, *load(os.path.join(args.data_dir, "test.csv")))
    os.makedirs(os.path.dirname(args.metrics_file) or ".", exist_ok=True)
    with open(args.metrics_file, "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps(metrics, sort_keys=True))


if __name__ == "__main__":
    main()

"""Classify texts with the trained model.

galley's local endpoints and Azure ML load this file: init() loads the model,
run() classifies an online request (JSON with a "data" list of texts) or, for
batch endpoints, a list of CSV files. As a script it labels one CSV file.
"""
import argparse
import json
import os
import pickle  # nosec B403: only this pipeline's own models are loaded

from dataset import TEXT, read_rows, write_rows

MODEL = None


def load_model(path):
    """Load a pickled model."""
    with open(path, "rb") as f:
        return pickle.load(f)  # nosec B301: the model is this pipeline's own artifact


def classify(model, texts):
    """Return each text's predicted label and that label's probability."""
    probabilities = model.predict_proba(texts)
    return [{"label": str(model.classes_[p.argmax()]), "probability": round(float(p.max()), 6)}
            for p in probabilities]


def as_text(item):
    """A request row as text: a string, or a one-element list holding one."""
    return item[0] if isinstance(item, list) and len(item) == 1 else str(item)


def init():
    """Endpoint entry point: load model.pkl from the deployment's model folder."""
    global MODEL  # pylint: disable=global-statement
    root = os.environ.get("AZUREML_MODEL_DIR", ".")
    for folder, _, files in os.walk(root):
        if "model.pkl" in files:
            MODEL = load_model(os.path.join(folder, "model.pkl"))
            return
    raise FileNotFoundError(f"no model.pkl under {root}")


def run(request):
    """Endpoint entry point: classify a JSON request (online) or a list of CSV files (batch)."""
    if isinstance(request, list):
        rows = [row for path in request for row in read_rows(path)]
        return [dict(row, **c) for row, c in zip(rows, classify(MODEL, [r[TEXT] for r in rows]))]
    return classify(MODEL, [as_text(item) for item in json.loads(request)["data"]])


def main(argv=None):
    """Label the texts of a CSV file into another CSV file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="outputs/model.pkl")
    parser.add_argument("--input", default="data/test.csv")
    parser.add_argument("--output", default="outputs/scores.csv")
    args = parser.parse_args(argv)

    rows = read_rows(args.input)
    results = classify(load_model(args.model), [row[TEXT] for row in rows])
    os.makedirs(os.path.dirname(args.output) or ".", exist_ok=True)
    write_rows(args.output, [{TEXT: row[TEXT], "predicted": r["label"], "probability": r["probability"]}
                             for row, r in zip(rows, results)], [TEXT, "predicted", "probability"])
    print(f"labelled {len(rows)} texts: {args.output}")


if __name__ == "__main__":
    main()

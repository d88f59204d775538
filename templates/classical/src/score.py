"""Score rows with the trained model.

galley's local endpoints and Azure ML load this file: init() loads the model,
run() scores an online request (JSON with a "data" list of feature rows) or,
for batch endpoints, a list of CSV files. As a script it scores one CSV file.
"""
import argparse
import json
import os
import pickle  # nosec B403: only this pipeline's own models are loaded

from dataset import FEATURES, read_rows, to_arrays, write_rows

MODEL = None


def load_model(path):
    """Load a pickled model."""
    with open(path, "rb") as f:
        return pickle.load(f)  # nosec B301: the model is this pipeline's own artifact


def score_rows(model, rows):
    """Return rows with the probability of class 1 added as "probability"."""
    x, _ = to_arrays(rows)
    probabilities = model.predict_proba(x)[:, 1]
    return [dict(row, probability=round(float(p), 6)) for row, p in zip(rows, probabilities)]


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
    """Endpoint entry point: score a JSON request (online) or a list of CSV files (batch)."""
    if isinstance(request, list):
        return [row for path in request for row in score_rows(MODEL, read_rows(path))]
    rows = [dict(zip(FEATURES, values)) for values in json.loads(request)["data"]]
    return [row["probability"] for row in score_rows(MODEL, rows)]


def main(argv=None):
    """Score a CSV file into another CSV file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="outputs/model.pkl")
    parser.add_argument("--input", default="data/test.csv")
    parser.add_argument("--output", default="outputs/scores.csv")
    args = parser.parse_args(argv)

    scored = score_rows(load_model(args.model), read_rows(args.input))
    os.makedirs(os.path.dirname(args.output) or ".", exist_ok=True)
    write_rows(args.output, scored, FEATURES + ["probability"])
    print(f"scored {len(scored)} rows: {args.output}")


if __name__ == "__main__":
    main()

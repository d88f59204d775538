"""Train the classifier on data/train.csv and save it as outputs/model.pkl."""
import argparse
import os
import pickle  # nosec B403: only this pipeline's own models are loaded

from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dataset import load


def build(model_type, seed=0):
    """Return an unfitted scikit-learn pipeline of the given type."""
    if model_type == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    if model_type == "random-forest":
        return RandomForestClassifier(n_estimators=100, max_depth=8, random_state=seed)
    raise ValueError(f"unknown model type {model_type!r}")


def train(train_csv, model_type="logistic", seed=0):
    """Fit a model on a training CSV file."""
    x, y = load(train_csv)
    return build(model_type, seed).fit(x, y)


def main(argv=None):
    """Train and write model.pkl to the model folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--model-dir", default="outputs")
    parser.add_argument("--model-type", choices=["logistic", "random-forest"], default="logistic")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    model = train(os.path.join(args.data_dir, "train.csv"), args.model_type, args.seed)
    os.makedirs(args.model_dir, exist_ok=True)
    path = os.path.join(args.model_dir, "model.pkl")
    with open(path, "wb") as f:
        pickle.dump(model, f)
    print(f"trained a {args.model_type} model: {path}")


if __name__ == "__main__":
    main()

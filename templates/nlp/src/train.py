"""Train a TF-IDF text classifier on data/train.csv and save it as outputs/model.pkl."""
import argparse
import os
import pickle  # nosec B403: only this pipeline's own models are loaded

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from dataset import load


def build(ngrams=2, c=10.0):
    """Return an unfitted pipeline: TF-IDF over word n-grams, then a logistic regression."""
    return make_pipeline(TfidfVectorizer(ngram_range=(1, ngrams), sublinear_tf=True, min_df=2),
                         LogisticRegression(C=c, max_iter=1000))


def train(train_csv, ngrams=2, c=10.0):
    """Fit a classifier on a training CSV file."""
    texts, labels = load(train_csv)
    return build(ngrams, c).fit(texts, labels)


def main(argv=None):
    """Train and write model.pkl to the model folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--model-dir", default="outputs")
    parser.add_argument("--ngrams", type=int, default=2, help="longest word n-gram used as a feature")
    parser.add_argument("--c", type=float, default=10.0, help="inverse regularization strength")
    args = parser.parse_args(argv)

    model = train(os.path.join(args.data_dir, "train.csv"), args.ngrams, args.c)
    os.makedirs(args.model_dir, exist_ok=True)
    path = os.path.join(args.model_dir, "model.pkl")
    with open(path, "wb") as f:
        pickle.dump(model, f)
    print(f"trained a TF-IDF classifier: {path}")


if __name__ == "__main__":
    main()

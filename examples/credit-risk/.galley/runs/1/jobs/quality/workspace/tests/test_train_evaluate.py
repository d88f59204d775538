import json

import pytest

import evaluate
import train
from features import load


@pytest.mark.parametrize("model_type", ["logistic", "gradient-boosting"])
def test_models_learn_better_than_chance(data_dir, model_type):
    model = train.train(data_dir / "train.csv", model_type)
    metrics = evaluate.evaluate(model, *load(data_dir / "test.csv"))
    assert set(metrics) == {"auc", "accuracy", "precision", "recall"}
    assert metrics["auc"] > 0.6


def test_unknown_model_type_is_rejected():
    with pytest.raises(ValueError, match="unknown model type"):
        train.build("forest")


def test_evaluate_writes_metrics_json(data_dir, model_dir, tmp_path):
    metrics_file = tmp_path / "metrics.json"
    evaluate.main(["--data-dir", str(data_dir), "--model-dir", str(model_dir),
                   "--metrics-file", str(metrics_file)])
    assert 0.5 < json.loads(metrics_file.read_text())["auc"] <= 1

import json

import pytest

import evaluate
import score
import train
from dataset import FEATURES, load, read_rows


@pytest.mark.parametrize("model_type", ["logistic", "random-forest"])
def test_models_learn_better_than_chance(data_dir, model_type):
    model = train.train(data_dir / "train.csv", model_type)
    metrics = evaluate.evaluate(model, *load(data_dir / "test.csv"))
    assert set(metrics) == {"auc", "accuracy", "f1"}
    assert metrics["auc"] > 0.7


def test_unknown_model_type_is_rejected():
    with pytest.raises(ValueError, match="unknown model type"):
        train.build("boosted-magic")


def test_evaluate_writes_metrics_json(data_dir, model_dir, tmp_path):
    metrics_file = tmp_path / "metrics.json"
    evaluate.main(["--data-dir", str(data_dir), "--model-dir", str(model_dir),
                   "--metrics-file", str(metrics_file)])
    assert 0.5 < json.loads(metrics_file.read_text())["auc"] <= 1


def test_batch_scoring_adds_a_probability(data_dir, model_dir, tmp_path):
    output = tmp_path / "scores.csv"
    score.main(["--model", str(model_dir / "model.pkl"), "--input", str(data_dir / "test.csv"),
                "--output", str(output)])
    rows = read_rows(output)
    assert list(rows[0]) == FEATURES + ["probability"]
    assert all(0 <= float(row["probability"]) <= 1 for row in rows)


def test_endpoint_entry_points_score_online_and_batch(data_dir, model_dir, monkeypatch):
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(model_dir))
    score.init()
    with open("deploy/sample-request.json", encoding="utf-8") as f:
        predictions = score.run(f.read())
    assert len(predictions) == 2 and all(0 <= p <= 1 for p in predictions)
    assert len(score.run([str(data_dir / "test.csv")])) == len(read_rows(data_dir / "test.csv"))


def test_init_without_a_model_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError):
        score.init()

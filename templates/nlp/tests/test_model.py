import json

import pytest

import evaluate
import score
import train
from dataset import LABELS, load, read_rows


def test_the_classifier_learns_the_classes(data_dir):
    model = train.train(data_dir / "train.csv")
    metrics = evaluate.evaluate(model, *load(data_dir / "test.csv"))
    assert set(metrics) == {"accuracy", "f1_macro"}
    assert metrics["f1_macro"] > 0.8


def test_evaluate_writes_metrics_json(data_dir, model_dir, tmp_path):
    metrics_file = tmp_path / "metrics.json"
    evaluate.main(["--data-dir", str(data_dir), "--model-dir", str(model_dir),
                   "--metrics-file", str(metrics_file)])
    assert 0.5 < json.loads(metrics_file.read_text())["accuracy"] <= 1


def test_batch_scoring_labels_every_text(data_dir, model_dir, tmp_path):
    output = tmp_path / "scores.csv"
    score.main(["--model", str(model_dir / "model.pkl"), "--input", str(data_dir / "test.csv"),
                "--output", str(output)])
    rows = read_rows(output)
    assert len(rows) == len(read_rows(data_dir / "test.csv"))
    assert {row["predicted"] for row in rows} <= set(LABELS)


def test_endpoint_entry_points_classify_online_and_batch(data_dir, model_dir, monkeypatch):
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(model_dir))
    score.init()
    with open("deploy/sample-request.json", encoding="utf-8") as f:
        results = score.run(f.read())
    assert [r["label"] for r in results] == ["billing", "technical"]
    assert score.run(json.dumps({"data": [["reset my password please"]]}))[0]["label"] == "account"
    assert len(score.run([str(data_dir / "test.csv")])) == len(read_rows(data_dir / "test.csv"))


def test_init_without_a_model_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError):
        score.init()

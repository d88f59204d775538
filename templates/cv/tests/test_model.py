import json

import pytest

import evaluate
import score
import train
from dataset import CLASSES


def test_the_classifier_learns_the_shapes(data_dir, model_dir):
    model, classes = train.load(model_dir)
    assert classes == sorted(CLASSES)
    metrics = evaluate.evaluate(model, data_dir)
    assert metrics["accuracy"] > 0.8
    assert set(metrics) == {"accuracy"} | {f"recall_{c}" for c in CLASSES}


def test_evaluate_writes_metrics_json(data_dir, model_dir, tmp_path):
    metrics_file = tmp_path / "metrics.json"
    evaluate.main(["--data-dir", str(data_dir), "--model-dir", str(model_dir),
                   "--metrics-file", str(metrics_file)])
    assert 0.5 < json.loads(metrics_file.read_text())["accuracy"] <= 1


def test_batch_scoring_classifies_every_image(data_dir, model_dir, tmp_path):
    output = tmp_path / "scores.csv"
    score.main(["--model-dir", str(model_dir), "--input", str(data_dir / "test"), "--output", str(output)])
    lines = output.read_text().splitlines()
    assert lines[0] == "file,label,probability"
    assert len(lines) == 1 + 20 * len(CLASSES)


def test_endpoint_entry_points_classify_online_and_batch(data_dir, model_dir, monkeypatch):
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(model_dir))
    score.init()
    with open("deploy/sample-request.json", encoding="utf-8") as f:
        results = score.run(f.read())
    assert [r["label"] for r in results] == ["circle", "square"]
    files = [str(data_dir / "test" / "triangle" / "0000.png")]
    assert score.run(files)[0]["file"] == files[0]


def test_init_without_a_model_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError):
        score.init()

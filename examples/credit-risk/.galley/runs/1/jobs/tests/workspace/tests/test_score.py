import json

import pytest

import score
from features import FEATURES, read_rows


def test_batch_scoring_adds_a_probability(data_dir, model_dir, tmp_path):
    output = tmp_path / "scores.csv"
    score.main(["--model", str(model_dir / "model.pkl"), "--input", str(data_dir / "test.csv"),
                "--output", str(output)])
    rows = read_rows(output)
    assert list(rows[0]) == FEATURES + ["default_probability"]
    assert all(0 <= float(row["default_probability"]) <= 1 for row in rows)


def test_azureml_entry_points_score_online_and_batch(data_dir, model_dir, monkeypatch):
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(model_dir))
    score.init()
    request = json.dumps({"data": [[35, 42000, 0.3, 4, 0, 12000, 6], [60, 90000, 0.1, 6, 0, 5000, 20]]})
    assert len(score.run(request)) == 2
    assert len(score.run([str(data_dir / "test.csv")])) == len(read_rows(data_dir / "test.csv"))


def test_init_without_a_model_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError):
        score.init()

"""Shared fixtures: a small generated dataset and a model trained on it."""
import pytest

import make_data
import train


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """A folder with train.csv and test.csv made by make_data.py."""
    folder = tmp_path_factory.mktemp("data")
    make_data.main(["--rows", "450", "--output-dir", str(folder)])
    return folder


@pytest.fixture(scope="session")
def model_dir(data_dir, tmp_path_factory):
    """A folder with model.pkl trained on data_dir."""
    folder = tmp_path_factory.mktemp("model")
    train.main(["--data-dir", str(data_dir), "--model-dir", str(folder)])
    return folder

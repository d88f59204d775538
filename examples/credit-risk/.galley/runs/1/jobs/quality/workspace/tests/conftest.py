"""Shared fixtures: a small prepared dataset and a model trained on it."""
import os
import pickle

import pytest

import prep
import train


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """A folder with train.csv and test.csv made by prep.py."""
    folder = tmp_path_factory.mktemp("data")
    prep.main(["--rows", "1000", "--output-dir", str(folder)])
    return folder


@pytest.fixture(scope="session")
def model_dir(data_dir, tmp_path_factory):
    """A folder with model.pkl trained on data_dir."""
    folder = tmp_path_factory.mktemp("model")
    train.main(["--data-dir", str(data_dir), "--model-dir", str(folder)])
    return folder


@pytest.fixture(scope="session")
def model(model_dir):
    """The model trained on data_dir."""
    with open(os.path.join(model_dir, "model.pkl"), "rb") as f:
        return pickle.load(f)

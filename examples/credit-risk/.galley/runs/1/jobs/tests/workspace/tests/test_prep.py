import pytest

import prep
from features import COLUMNS, read_rows


def test_generation_is_deterministic():
    # repr() because the injected NaNs never compare equal.
    assert repr(prep.generate(50, seed=7)) == repr(prep.generate(50, seed=7))
    assert repr(prep.generate(50, seed=7)) != repr(prep.generate(50, seed=8))


def test_clean_drops_missing_impossible_and_duplicate_rows():
    good = {"age": 30.0, "income": 50000.0, "debt_ratio": 0.2, "credit_lines": 3.0,
            "late_payments": 0.0, "loan_amount": 10000.0, "employment_years": 5.0, "default": 0}
    rows = [good, dict(good), dict(good, income=float("nan")), dict(good, age=-1.0)]
    assert prep.clean(rows) == [good]


def test_main_writes_a_train_and_test_split(tmp_path):
    prep.main(["--rows", "200", "--output-dir", str(tmp_path)])
    train, test = read_rows(tmp_path / "train.csv"), read_rows(tmp_path / "test.csv")
    assert list(train[0]) == COLUMNS
    assert len(test) / (len(train) + len(test)) == pytest.approx(0.25, abs=0.01)

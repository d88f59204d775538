import make_data
import validate_data
from dataset import COLUMNS, read_rows


def test_generation_is_deterministic():
    assert make_data.generate(50, seed=7) == make_data.generate(50, seed=7)
    assert make_data.generate(50, seed=7) != make_data.generate(50, seed=8)


def test_generated_data_is_valid(data_dir):
    rows = read_rows(data_dir / "train.csv")
    assert list(rows[0]) == COLUMNS
    assert validate_data.check_rows(rows) == []
    assert validate_data.main(["--data-dir", str(data_dir)]) == 0


def test_bad_values_are_reported_with_their_line(data_dir):
    rows = read_rows(data_dir / "train.csv")
    rows[0]["feature_1"] = "n/a"
    rows[1]["feature_2"] = "nan"
    rows[2]["label"] = "yes"
    assert validate_data.check_rows(rows) == [
        "line 2: feature_1 is not a number: 'n/a'",
        "line 3: feature_2 is nan",
        "line 4: label must be 0 or 1, not 'yes'",
    ]


def test_missing_columns_too_few_rows_and_one_class_are_reported(data_dir):
    rows = [dict(row, label="0") for row in read_rows(data_dir / "train.csv")[:5]]
    assert validate_data.check_rows(rows) == ["only 5 rows, fewer than 100", "every row has the same label"]
    for row in rows:
        del row["feature_0"]
    assert validate_data.check_rows(rows) == ["missing columns: feature_0"]


def test_missing_files_fail_validation(tmp_path):
    assert validate_data.main(["--data-dir", str(tmp_path)]) == 1

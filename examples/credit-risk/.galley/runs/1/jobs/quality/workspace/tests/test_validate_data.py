import validate_data
from features import read_rows


def test_prepared_data_is_valid(data_dir):
    assert validate_data.check_rows(read_rows(data_dir / "train.csv")) == []
    assert validate_data.main(["--data-dir", str(data_dir)]) == 0


def test_out_of_range_and_non_numeric_values_are_reported(data_dir):
    rows = read_rows(data_dir / "train.csv")
    rows[0]["debt_ratio"] = "1.5"
    rows[1]["income"] = "n/a"
    rows[2]["default"] = "yes"
    assert validate_data.check_rows(rows) == [
        "line 2: debt_ratio 1.5 is outside [0, 1]",
        "line 3: income is not a number: 'n/a'",
        "line 4: default must be 0 or 1, not 'yes'",
    ]


def test_missing_columns_and_too_few_rows_are_reported(data_dir):
    rows = read_rows(data_dir / "train.csv")[:5]
    assert validate_data.check_rows(rows) == ["only 5 rows, fewer than 100"]
    for row in rows:
        del row["age"]
    assert validate_data.check_rows(rows) == ["missing columns: age"]


def test_a_missing_file_fails_validation(tmp_path):
    assert validate_data.main(["--data-dir", str(tmp_path)]) == 1

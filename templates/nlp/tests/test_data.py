import make_data
import validate_data
from dataset import COLUMNS, LABELS, read_rows


def test_generation_is_deterministic_and_balanced():
    rows = make_data.generate(90, seed=7)
    assert rows == make_data.generate(90, seed=7)
    assert rows != make_data.generate(90, seed=8)
    assert sorted(row["label"] for row in rows) == sorted(LABELS * 30)


def test_generated_data_is_valid(data_dir):
    rows = read_rows(data_dir / "train.csv")
    assert list(rows[0]) == COLUMNS
    assert validate_data.check_rows(rows) == []
    assert validate_data.main(["--data-dir", str(data_dir)]) == 0


def test_empty_texts_and_unknown_labels_are_reported_with_their_line(data_dir):
    rows = read_rows(data_dir / "train.csv")
    rows[0]["text"] = "  "
    rows[1]["label"] = "shipping"
    assert validate_data.check_rows(rows) == ["line 2: empty text", "line 3: unknown label 'shipping'"]


def test_missing_columns_too_few_rows_and_absent_labels_are_reported(data_dir):
    rows = [dict(row, label="billing") for row in read_rows(data_dir / "train.csv")[:5]]
    assert validate_data.check_rows(rows) == ["only 5 rows, fewer than 100", "no rows labelled technical, account"]
    for row in rows:
        del row["text"]
    assert validate_data.check_rows(rows) == ["missing columns: text"]


def test_missing_files_fail_validation(tmp_path):
    assert validate_data.main(["--data-dir", str(tmp_path)]) == 1

"""Reading, encoding and splitting a table for the commands."""

import numpy as np
import pandas as pd
import pytest

from kerasnotes._internal.errors import InputError
from kerasnotes.data import _tabular


def _write(path, frame):
    frame.to_csv(path, index=False)
    return str(path)


def test_split_is_60_20_20_and_stratified(tmp_path):
    frame = pd.DataFrame(
        {"a": np.arange(100.0), "label": np.where(np.arange(100) < 50, "no", "yes")}
    )
    table = _tabular.read_table(_write(tmp_path / "t.csv", frame), "label")
    assert table.task == "binary" and table.classes.tolist() == ["no", "yes"]
    train, val, test = _tabular.split_table(table, seed=0)
    assert [len(part[0]) for part in (train, val, test)] == [60, 20, 20]
    for x, y in (train, val, test):
        assert (y == 1).sum() == len(y) // 2  # half of each part is "yes"
        # Rows keep their label: "a" < 50 is "no".
        np.testing.assert_array_equal(y.ravel() == 1, x[:, 0] >= 50)
    rows = np.concatenate([train[0][:, 0], val[0][:, 0], test[0][:, 0]])
    assert sorted(rows.tolist()) == list(range(100))  # each row once


def test_standardizer_uses_training_statistics():
    x = np.array([[1.0, 5.0], [3.0, 5.0]], "float32")
    scaler = _tabular.fit_standardizer(x)
    # Mean (2, 5), population std (1, 0 -> 1 for the constant column).
    np.testing.assert_allclose(
        _tabular.standardize(scaler, np.array([[4.0, 7.0]])), [[2.0, 2.0]]
    )


def test_a_class_too_small_to_split_is_named(tmp_path):
    frame = pd.DataFrame({"a": np.arange(20.0), "label": ["x"] * 16 + ["y"] * 4})
    table = _tabular.read_table(_write(tmp_path / "t.csv", frame), "label")
    with pytest.raises(InputError, match="class 'y' of 'label' has only 4 rows"):
        _tabular.split_table(table, seed=0)


def test_regression_targets_are_float32_columns(tmp_path):
    frame = pd.DataFrame({"a": [1, 2, 3, 4], "price": [1.5, 2.5, 3.25, 0.5]})
    table = _tabular.read_table(_write(tmp_path / "t.csv", frame), "price")
    assert table.task == "regression" and table.classes is None
    assert table.y.dtype == np.float32 and table.y.shape == (4, 1)


def test_forced_task_that_does_not_fit_is_refused(tmp_path):
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "label": ["x", "y", "z"]})
    path = _write(tmp_path / "t.csv", frame)
    with pytest.raises(InputError, match="--task binary, but 'label' has 3 classes"):
        _tabular.read_table(path, "label", task="binary")
    with pytest.raises(InputError, match="needs a numeric target"):
        _tabular.read_table(path, "label", task="regression")


def _visits(n=120, seed=0):
    """A clinic's table: an id and a date per visit beside two features."""
    rng = np.random.default_rng(seed)
    age = rng.integers(20, 80, n)
    days = rng.permutation(n)  # visits in no particular order
    return pd.DataFrame(
        {
            "patient_id": rng.permutation(np.arange(5000, 5000 + n)),
            "visit_date": [
                str(np.datetime64("2021-03-01") + np.timedelta64(int(d), "D"))
                for d in days
            ],
            "age": age,
            "sex": rng.choice(["f", "m"], n),
            "label": np.where(age > 50, "sick", "well"),
        }
    )


def test_identifier_and_date_columns_are_dropped_with_one_notice(tmp_path):
    path = _write(tmp_path / "visits.csv", _visits())
    notes = []
    table = _tabular.read_table(path, "label", print_fn=notes.append)
    # Before: 1 (patient_id) + 120 one-hot dates + 1 + 2 columns.
    assert table.columns == ["age", "sex_f", "sex_m"]
    assert table.x.shape == (120, 3)
    assert notes == [
        "dropped 2 columns that look like row identifiers or dates: "
        "patient_id (an integer id, unique per row), visit_date (dates); "
        "--keep-columns patient_id,visit_date keeps them"
    ]


def test_kept_dates_are_days_since_1970_and_kept_ids_stay(tmp_path):
    frame = _visits()
    path = _write(tmp_path / "visits.csv", frame)
    notes = []
    table = _tabular.read_table(
        path, "label", keep_columns=["visit_date", "patient_id"], print_fn=notes.append
    )
    assert notes == []
    assert table.columns == ["patient_id", "visit_date", "age", "sex_f", "sex_m"]
    days = [
        (np.datetime64(d) - np.datetime64("1970-01-01")).astype(int)
        for d in frame["visit_date"]
    ]
    np.testing.assert_array_equal(table.x[:, 1], days)
    np.testing.assert_array_equal(table.x[:, 0], frame["patient_id"])
    with pytest.raises(InputError, match="--keep-columns names 'nope', which is not"):
        _tabular.read_table(path, "label", keep_columns=["nope"])


def test_row_numbers_and_free_text_ids_are_identifiers_numbers_are_not(tmp_path):
    n = 60
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "Unnamed: 0": np.arange(n),  # pandas' index written to the CSV
            "n": rng.permutation(np.arange(1, n + 1)),  # row numbers
            "code": [f"K{i:03d}" for i in range(n)],  # one string per row
            "income": rng.choice(np.arange(20_000, 90_000), n, replace=False),
            "weight": rng.normal(70, 10, n),
            "city": rng.choice(["Oslo", "Lima"], n),
            "label": rng.choice(["a", "b"], n),
        }
    )
    notes = []
    table = _tabular.read_table(
        _write(tmp_path / "t.csv", frame), "label", print_fn=notes.append
    )
    assert table.columns == ["income", "weight", "city_Lima", "city_Oslo"]
    assert (
        "Unnamed: 0 (row numbers), n (row numbers), code (unique per row)" in (notes[0])
    )


def test_a_small_table_keeps_its_columns(tmp_path):
    frame = pd.DataFrame({"id": [1, 2, 3, 4], "label": ["x", "y", "x", "y"]})
    table = _tabular.read_table(_write(tmp_path / "t.csv", frame), "label")
    assert table.columns == ["id"]


def test_the_task_and_why(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=1000),
            "code": np.arange(1000) % 500,  # 500 classes as integers
            "grade": rng.integers(0, 3, 1000),
            "price": rng.normal(size=1000),
        }
    )
    path = _write(tmp_path / "t.csv", frame)
    reasons = {
        column: _tabular.read_table(path, column).task_reason
        for column in ("code", "grade", "price")
    }
    assert reasons == {
        "code": "integer target with 500 distinct values > 20",
        "grade": "integer target with 3 distinct values <= 20",
        "price": "numbers that are not all integers",
    }
    assert _tabular.read_table(path, "grade", task="regression").task_reason == (
        "--task regression"
    )


def test_multiclass_on_a_binary_target_says_what_is_wrong_with_task(tmp_path):
    frame = pd.DataFrame({"a": np.arange(10.0), "label": ["no", "yes"] * 5})
    with pytest.raises(InputError) as info:
        _tabular.read_table(
            _write(tmp_path / "t.csv", frame), "label", task="multiclass"
        )
    assert str(info.value) == (
        "--task multiclass, but 'label' has 2 classes ('no', 'yes'); "
        "use --task binary (or auto)"
    )


def test_integer_classes_are_named_as_plain_numbers(tmp_path):
    frame = pd.DataFrame({"a": np.arange(20.0), "label": [7] * 16 + [13] * 4})
    table = _tabular.read_table(_write(tmp_path / "t.csv", frame), "label")
    with pytest.raises(InputError) as info:
        _tabular.split_table(table, seed=0)
    assert str(info.value).startswith("class 13 of 'label' has only 4 rows")

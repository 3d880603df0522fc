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

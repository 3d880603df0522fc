import pathlib
import re

import keras
import numpy as np
import pandas as pd
import pytest

from kerasnotes.data import cross_validate
from kerasnotes.data import infer_task
from kerasnotes.data._task import MAX_CLASSES


@pytest.mark.parametrize(
    "y, task",
    [
        (np.array([0, 1, 1, 0]), "binary"),
        (np.array(["a", "b", "c", "a"]), "multiclass"),
        (np.array([True, False, True]), "binary"),
        (pd.Series(["x", "y", "x"]), "binary"),
        (np.eye(3)[[0, 1, 2, 1]], "multiclass"),
        (np.linspace(0, 1, 50), "regression"),
        (np.arange(100) % 7, "multiclass"),
        (np.array([1.0, 2.0, 3.0, 2.0]), "multiclass"),  # integral floats
        (np.arange(100) % 20, "multiclass"),  # 20 values: still classes
        (np.arange(100) % 21, "regression"),  # 21 values: numbers
    ],
)
def test_infer_task(y, task):
    assert infer_task(y) == task


def test_a_tensor_is_read_like_an_array():
    assert infer_task(keras.ops.convert_to_tensor(np.array([0, 1, 1]))) == "binary"


def test_cross_validate_decides_as_search_does():
    # A 30-level integer target: numbers for the one rule, so regression for
    # cross_validate as for search() and the command line.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2)).astype("float32")
    y = np.arange(60) % 30
    assert infer_task(y) == "regression"

    def build():
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        return model

    result = cross_validate(
        build, x, y, n_splits=2, fit_kwargs={"epochs": 1}, random_state=0
    )
    assert result.task == "regression"
    assert set(result.mean) == {"loss", "rmse", "mae", "r2"}


def test_docs_and_docstrings_state_the_rule_of_the_code():
    """One rule, `_task.MAX_CLASSES`: every statement of the class-label
    limit in the docs and docstrings gives that number (docs/callbacks.md
    once said 10 while the code used 20)."""
    root = pathlib.Path(__file__).resolve().parents[2]
    files = [*root.glob("docs/*.md"), root / "README.md"]
    files += root.glob("kerasnotes/**/*.py")
    limit = re.compile(r"(?:at most|<=|more than|>)\s+(\d+)\s+distinct", re.S)
    stated = {}
    for path in files:
        for number in limit.findall(path.read_text(encoding="utf-8")):
            stated.setdefault(int(number), []).append(path.name)
    assert set(stated) == {MAX_CLASSES}, stated
    named = set(stated[MAX_CLASSES])
    assert {"data.md", "callbacks.md", "tuning.md", "_task.py"} <= named, named

"""Bad data reaches every data function as a clear ValueError (issue 16).

Empty arrays, missing or mixed labels, a bad `sampling_strategy`, features
that `cross_validate` cannot train on, a model where a factory is due, and
NumPy reprs in messages: each is refused before any work, with a message
that names the argument.
"""

import keras
import numpy as np
import pandas as pd
import pytest

from kerasnotes.data import SMOTEDataset
from kerasnotes.data import cross_validate
from kerasnotes.data import infer_task
from kerasnotes.data import oversample


def _data(n_major=14, n_minor=6, seed=0):
    x = np.random.default_rng(seed).normal(size=(n_major + n_minor, 2))
    return x.astype("float32"), np.array([0] * n_major + [1] * n_minor)


def _build():
    model = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")]
    )
    model.compile("sgd", "binary_crossentropy", jit_compile=False)
    return model


class _NeverBuilt:
    """A build_model that fails the test if any fold is trained."""

    def __call__(self):
        raise AssertionError("a model was built although the data is invalid")


def _functions():
    return {
        "oversample": lambda x, y, **kw: oversample(x, y, k_neighbors=3, **kw),
        "SMOTEDataset": lambda x, y, **kw: SMOTEDataset(x, y, k_neighbors=3, **kw),
        "cross_validate": lambda x, y, **kw: cross_validate(
            _NeverBuilt(), x, y, n_splits=2, **kw
        ),
    }


FUNCTIONS = sorted(_functions())


def _call(name, x, y, **kwargs):
    return _functions()[name](x, y, **kwargs)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_empty_arrays_name_the_argument(name):
    with pytest.raises(ValueError, match=r"Argument `x` is empty.*0 rows"):
        _call(name, np.zeros((0, 2), "float32"), np.zeros(0, "int64"))
    x, _ = _data()
    with pytest.raises(ValueError, match=r"Argument `y` is empty.*0 rows"):
        _call(name, x, np.zeros(0, "int64"))


@pytest.mark.parametrize("name", ["oversample", "SMOTEDataset"])
@pytest.mark.parametrize("strategy", [None, True, [0.5], 1.0j, float("nan")])
def test_bad_sampling_strategy(name, strategy):
    x, y = _data()
    with pytest.raises(ValueError, match=r"`sampling_strategy`.*Received: sampling_s"):
        _call(name, x, y, sampling_strategy=strategy)


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize(
    "labels",
    [
        np.array([None] * 14 + [1] * 6, dtype=object),
        pd.Series(["a"] * 14 + [None] * 6),
        np.array([float("nan")] * 2 + ["a"] * 12 + ["b"] * 6, dtype=object),
    ],
    ids=["None-object", "None-series", "nan-object"],
)
def test_missing_labels_are_refused(name, labels):
    x, _ = _data()
    with pytest.raises(ValueError, match=r"Argument `y` holds \d+ missing label"):
        _call(name, x, labels)


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize(
    "labels",
    [
        np.array([1] * 14 + ["a"] * 6, dtype=object),
        [1] * 14 + ["a"] * 6,  # a list: NumPy would make it '1' and 'a'
        pd.Series([1.5] * 14 + ["a"] * 6),
    ],
    ids=["object-array", "list", "series"],
)
def test_mixed_label_types_are_refused(name, labels):
    x, _ = _data()
    with pytest.raises(ValueError, match=r"Argument `y` mixes numbers .* and strings"):
        _call(name, x, labels)


def test_infer_task_refuses_missing_and_mixed_labels():
    with pytest.raises(ValueError, match="missing label"):
        infer_task(np.array(["a", None, "b"], dtype=object))
    with pytest.raises(ValueError, match="mixes numbers"):
        infer_task([1, "a", 1])


def test_clean_object_and_list_labels_still_work():
    x, y = _data()
    for labels in (y.astype(object), y.tolist(), np.where(y, "b", "a").tolist()):
        _, y_res = oversample(x, labels, k_neighbors=3, random_state=0)
        assert len(y_res) == 28


@pytest.mark.parametrize(
    "x, message",
    [
        (np.array([[np.nan, 0.0]] + [[0.0, 0.0]] * 19), r"`x` holds 1 NaN"),
        (np.array([[np.inf, 0.0]] + [[0.0, 0.0]] * 19), r"`x` holds 0 NaN and 1 inf"),
        (np.zeros((19, 2)), r"len\(x\)=19, len\(y\)=20"),
        (np.zeros(20), r"Argument `x` must have at least 2 dimensions"),
        (np.full((20, 2), "a"), r"Argument `x` must be numeric"),
        (
            pd.DataFrame({"a": [np.nan] + [0.0] * 19, "b": 0.0}),
            r"`x` holds 1 NaN.*column 'a'",
        ),
        (pd.DataFrame({"a": ["u"] * 20, "b": 0.0}), r"non-numeric columns \['a'\]"),
    ],
    ids=["nan", "inf", "length", "1-D", "strings", "frame-nan", "frame-text"],
)
def test_cross_validate_checks_x_before_training(x, message):
    _, y = _data()
    with pytest.raises(ValueError, match=message):
        cross_validate(_NeverBuilt(), x, y, n_splits=2)


def test_cross_validate_checks_regression_targets_before_training():
    x, _ = _data()
    y = np.linspace(0.0, 1.0, 20)
    y[3] = np.nan
    with pytest.raises(ValueError, match=r"Argument `y` .*NaN"):
        cross_validate(_NeverBuilt(), x, y, n_splits=2, task="regression")
    with pytest.raises(ValueError, match=r"Argument `y` must be numeric"):
        cross_validate(
            _NeverBuilt(), x, np.array(["a", "b"] * 10), n_splits=2, task="regression"
        )


def test_a_model_instead_of_a_factory():
    x, y = _data()
    with pytest.raises(
        ValueError,
        match=r"`build_model` must be a function that returns a new compiled "
        r"model; received a Model",
    ):
        cross_validate(_build(), x, y, n_splits=2)


@pytest.mark.parametrize(
    "call",
    [
        lambda x, y: cross_validate(_NeverBuilt(), x, y, n_splits=5),
        lambda x, y: oversample(x, y, k_neighbors=np.int64(9)),
        lambda x, y: SMOTEDataset(x, y, k_neighbors=np.int64(9)),
        lambda x, y: oversample(x, y, random_state=np.float64(1.5)),
        lambda x, y: SMOTEDataset(x, y, seed=np.float64(1.5)),
        lambda x, y: oversample(x, y, sampling_strategy={np.int64(13): 1}),
        lambda x, y: cross_validate(_NeverBuilt(), x, y, n_splits=np.int64(1)),
    ],
    ids=[
        "folds",
        "k-oversample",
        "k-dataset",
        "seed-oversample",
        "seed-dataset",
        "strategy",
        "n_splits",
    ],
)
def test_messages_show_plain_python_values(call):
    x = np.random.default_rng(0).normal(size=(20, 2))
    y = np.array([0] * 16 + [13] * 4, dtype=np.int64)
    with pytest.raises(ValueError) as info:
        call(x, y)
    message = str(info.value)
    assert "np." not in message and "numpy" not in message, message

import keras
import numpy as np
import pytest

from kerasnotes._internal.autodiff import value_and_grad
from kerasnotes.losses import Huber
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip

REDUCTIONS = ["sum", "sum_over_batch_size", "mean", "mean_with_sample_weight", None]


def _data(seed=0):
    rng = np.random.default_rng(seed)
    y_true = rng.normal(size=(6, 4)).astype("float32")
    y_pred = (y_true + 2.0 * rng.normal(size=(6, 4))).astype("float32")
    return y_true, y_pred


def test_hand_checked():
    # errors 1 (quadratic: 0.5) and 4 (linear: 2.5*4 - 0.5*2.5^2 = 6.875)
    loss = Huber(delta=2.5)
    assert_allclose(loss([[0.0, 0.0]], [[1.0, 4.0]]), (0.5 + 6.875) / 2)
    # at |e| == delta both pieces give 0.5 * delta^2
    assert_allclose(Huber(delta=2.0)([[0.0]], [[-2.0]]), 2.0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
@pytest.mark.parametrize("weights", [None, "per_sample", "column", "with_zeros"])
def test_matches_keras_huber(reduction, delta, weights):
    y_true, y_pred = _data()
    rng = np.random.default_rng(1)
    sample_weight = {
        None: None,
        "per_sample": rng.uniform(0, 2, size=(6,)).astype("float32"),
        "column": rng.uniform(0, 2, size=(6, 1)).astype("float32"),
        "with_zeros": np.array([0, 1, 0, 2, 0.5, 0], "float32"),
    }[weights]
    ours = Huber(delta=delta, reduction=reduction)
    theirs = keras.losses.Huber(delta=delta, reduction=reduction)
    assert_allclose(
        ours(y_true, y_pred, sample_weight=sample_weight),
        theirs(y_true, y_pred, sample_weight=sample_weight),
    )


def test_matches_keras_on_rank_mismatch_and_3d():
    rng = np.random.default_rng(2)
    y_true = rng.normal(size=(5, 1)).astype("float32")
    y_pred = rng.normal(size=(5,)).astype("float32") * 3
    assert_allclose(Huber(1.5)(y_true, y_pred), keras.losses.Huber(1.5)(y_true, y_pred))
    y_true = rng.normal(size=(2, 3, 4)).astype("float32")
    y_pred = rng.normal(size=(2, 3, 4)).astype("float32") * 3
    assert_allclose(
        Huber(0.7, reduction=None)(y_true, y_pred),
        keras.losses.Huber(0.7, reduction=None)(y_true, y_pred),
    )


def test_gradient_matches_keras():
    y_true, y_pred = _data(3)
    ours = value_and_grad(lambda p: Huber(1.2)(y_true, p), y_pred)
    theirs = value_and_grad(lambda p: keras.losses.Huber(1.2)(y_true, p), y_pred)
    assert_allclose(ours[0], theirs[0])
    assert_allclose(ours[1][0], theirs[1][0])


def test_numpy_closed_form():
    y_true, y_pred = _data(4)
    e = (y_pred - y_true).astype(np.float64)
    d = 0.8
    expected = np.where(np.abs(e) <= d, 0.5 * e**2, d * np.abs(e) - 0.5 * d**2)
    assert_allclose(Huber(d, reduction=None)(y_true, y_pred), expected.mean(-1))


def test_serialization_roundtrip_keeps_delta():
    loss = Huber(delta=2.5, reduction="sum", name="robust_huber")
    out = assert_serialization_roundtrip(
        loss, {"delta": 2.5, "reduction": "sum", "name": "robust_huber"}
    )
    y_true, y_pred = _data(5)
    assert_allclose(out["keras_file"](y_true, y_pred), loss(y_true, y_pred))


def test_trains_in_fit_with_jit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-1.0], [2.0]], "float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(
        optimizer=keras.optimizers.Adam(0.1),
        loss=Huber(delta=0.5),
        jit_compile=keras.backend.backend() != "torch",
    )
    history = model.fit(x, y, epochs=10, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]


@pytest.mark.parametrize("delta", [0, -1.0, float("nan"), "1"])
def test_bad_delta(delta):
    with pytest.raises(ValueError, match="`delta`.*Received: delta=") as info:
        Huber(delta=delta)
    assert repr(delta) in str(info.value)

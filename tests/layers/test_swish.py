import math

import keras
import numpy as np
import pytest

from kerasnotes.layers import Swish
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from kerasnotes.testing import to_numpy
from tests.layers._support import check_mask_passes_through
from tests.layers._support import regression_data


def _sigmoid(x):
    with np.errstate(over="ignore"):  # 1 / (1 + inf) = 0 is the limit
        return 1.0 / (1.0 + np.exp(-x))


def test_hand_checked_value():
    layer = Swish(beta=2.0)
    assert_allclose(
        layer(np.array([[1.0, 0.0]], "float32")), [[1 / (1 + math.exp(-2.0)), 0.0]]
    )
    assert float(to_numpy(layer.beta)) == 2.0


def test_matches_closed_form_and_keras_swish():
    x = np.random.default_rng(0).normal(scale=4.0, size=(8, 5)).astype("float32")
    xd = x.astype(np.float64)
    assert_allclose(Swish(beta=0.6)(x), xd * _sigmoid(0.6 * xd), rtol=1e-6)
    assert_allclose(Swish()(x), keras.activations.swish(x), rtol=1e-6)


def test_one_sgd_step_on_beta_matches_closed_form():
    """loss = mean(swish(x)^2), so dL/dbeta = mean(2 f x^2 s (1 - s)) with
    s = sigmoid(beta x), f = x s; one SGD step moves beta by -lr * dL/dbeta."""
    beta, lr = 0.8, 0.5
    x = np.linspace(-3.0, 3.0, 12).reshape(2, 6).astype("float32")
    model = keras.Sequential([keras.Input((6,)), Swish(beta=beta)])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse")
    model.train_on_batch(x, np.zeros_like(x))
    xd = x.astype(np.float64)
    s = _sigmoid(beta * xd)
    grad = np.mean(2.0 * (xd * s) * xd**2 * s * (1.0 - s))
    assert_allclose(model.layers[0].beta, beta - lr * grad, rtol=1e-5)


def test_learned_beta_survives_save_and_load(tmp_path):
    x, y = regression_data()
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(4),
            Swish(beta=0.3),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    model.fit(x, y, epochs=3, verbose=0)
    path = tmp_path / "swish.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert_allclose(loaded.layers[1].beta, model.layers[1].beta)
    assert float(to_numpy(loaded.layers[1].beta)) != 0.3
    assert_allclose(loaded(x), model(x), rtol=1e-6)


def test_shapes_and_mask():
    layer = Swish(beta=1.3)
    assert layer.compute_output_shape((None, 3, 5)) == (None, 3, 5)
    out = layer(np.ones((2, 3, 4, 5), "float32"))
    assert tuple(out.shape) == (2, 3, 4, 5)
    check_mask_passes_through(Swish(beta=1.3))


def test_mixed_precision():
    keras.config.set_dtype_policy("mixed_float16")
    layer = Swish(beta=1.5)
    x = np.linspace(-60000.0, 60000.0, 11)[None]
    out = layer(x.astype("float32"))
    assert keras.backend.standardize_dtype(out.dtype) == "float16"
    assert_allclose(out, x * _sigmoid(1.5 * x), rtol=1e-3)
    assert keras.backend.standardize_dtype(layer.beta.dtype) == "float32"


def test_serialization_roundtrip():
    assert_serialization_roundtrip(
        Swish(beta=1.5, trainable_beta=False),
        {"beta": 1.5, "trainable_beta": False},
    )


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(beta="a"), "beta"),
        (dict(beta=float("nan")), "beta"),
        (dict(trainable_beta="yes"), "trainable_beta"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`") as info:
        Swish(**kwargs)
    value = next(iter(kwargs.values()))
    assert str(info.value).endswith(f"Received: {name}={value!r}")

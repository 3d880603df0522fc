import keras
import numpy as np
import pytest

from kerasnotes._internal.autodiff import value_and_grad
from kerasnotes.losses import PerceptronLoss
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip


def test_hand_checked():
    # (1, 2): right side -> 0; (0 read as -1, 0.5): wrong by 0.5; (-1, -3): 0.
    loss = PerceptronLoss()
    assert_allclose(loss([[1.0], [0.0], [-1.0]], [[2.0], [0.5], [-3.0]]), 0.5 / 3)


@pytest.mark.parametrize("labels", ["zero_one", "minus_one_one"])
def test_numpy_closed_form(labels):
    rng = np.random.default_rng(0)
    y01 = rng.integers(0, 2, size=(8, 3)).astype("float32")
    y_true = y01 if labels == "zero_one" else 2 * y01 - 1
    y_pred = rng.normal(size=(8, 3)).astype("float32")
    s = 2.0 * y01 - 1.0
    expected = np.maximum(0.0, -s * y_pred).mean(axis=-1)
    assert_allclose(PerceptronLoss(reduction=None)(y_true, y_pred), expected)
    assert_allclose(PerceptronLoss()(y_true, y_pred), expected.mean())


def test_gradient_is_rosenblatts_update():
    y_true = np.array([[1.0, 0.0, -1.0, 1.0]], "float32")
    y_pred = np.array([[-2.0, 0.5, -1.0, 3.0]], "float32")
    _, (grad,) = value_and_grad(
        lambda p: PerceptronLoss(reduction="sum")(y_true, p), y_pred
    )
    # misclassified: d/dp max(0, -s p) = -s; correctly classified: 0
    assert_allclose(grad, [[-0.25, 0.25, 0.0, 0.0]])


def test_learns_a_separable_problem():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2)).astype("float32")
    y = (x @ np.array([1.0, -2.0]) > 0).astype("float32")[:, None]
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)])
    model.compile(
        optimizer=keras.optimizers.SGD(0.5),
        loss=PerceptronLoss(),
        jit_compile=keras.backend.backend() != "torch",
    )
    model.fit(x, y, epochs=20, batch_size=20, verbose=0)
    accuracy = np.mean((model.predict(x, verbose=0) > 0) == (y > 0))
    assert accuracy >= 0.97, accuracy


def test_serialization_roundtrip():
    assert_serialization_roundtrip(
        PerceptronLoss(reduction="sum", name="perceptron"),
        {"reduction": "sum", "name": "perceptron"},
    )

"""The shared test helpers must be able to fail."""

import keras
import numpy as np
import pytest

from kerasnotes.optimizers import NAG
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip


def test_catches_keras_huber_dropping_delta():
    # Keras 3.15: Huber(delta=2.5).get_config() has no `delta`.
    loss = keras.losses.Huber(delta=2.5)
    if "delta" in loss.get_config():
        pytest.skip("this Keras version keeps Huber's delta")
    with pytest.raises(AssertionError, match="delta"):
        assert_serialization_roundtrip(loss, {"delta": 2.5})


def test_rejects_default_values():
    with pytest.raises(ValueError, match="equals its default"):
        assert_serialization_roundtrip(NAG(momentum=0.9), {"momentum": 0.9})


def test_catches_a_value_changed_by_from_config():
    class Forgetful(NAG):
        def get_config(self):
            config = super().get_config()
            config["momentum"] = 0.9
            return config

    with pytest.raises(AssertionError, match="momentum"):
        assert_serialization_roundtrip(Forgetful(momentum=0.3), {"momentum": 0.3})


def test_passes_on_a_keras_builtin_that_keeps_its_arguments():
    out = assert_serialization_roundtrip(
        keras.layers.Dense(7, use_bias=False), {"units": 7, "use_bias": False}
    )
    assert out["keras_file"].units == 7


def test_assert_allclose_tolerances():
    assert_allclose(keras.ops.ones((2,)), np.array([1.0, 1.0 + 1e-7]))
    with pytest.raises(AssertionError):
        assert_allclose(np.array([1.0]), np.array([1.001]), rtol=1e-5, atol=0)
    with pytest.raises(AssertionError, match="Shapes differ"):
        assert_allclose(np.ones(2), np.ones(3))

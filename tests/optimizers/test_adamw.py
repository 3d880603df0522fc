import math

import keras
import numpy as np
import pytest

from kerasnotes.optimizers import AdamW
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip


def test_zero_gradient_step_is_pure_decay():
    # Decoupled: with g = 0 the Adam part is 0/(0+eps) = 0, and the weights
    # shrink by exactly (1 - lr * wd). Coupled L2 would move them by ~lr.
    w = keras.Variable([2.0, -4.0])
    opt = AdamW(learning_rate=0.1, weight_decay=0.5)
    opt.apply_gradients([(np.zeros(2, "float32"), w)])
    assert_allclose(w, [2.0 * 0.95, -4.0 * 0.95])


def test_single_hand_checked_step():
    lr, wd, b1, b2, eps = 0.1, 0.2, 0.9, 0.999, 1e-7
    w = keras.Variable([1.0])
    AdamW(lr, weight_decay=wd).apply_gradients([(np.array([0.5], "float32"), w)])
    decayed = 1.0 - lr * wd * 1.0
    m, v = (1 - b1) * 0.5, (1 - b2) * 0.25
    alpha = lr * math.sqrt(1 - b2) / (1 - b1)
    assert_allclose(w, [decayed - alpha * m / (math.sqrt(v) + eps)])


def test_decay_is_not_rescaled_by_the_gradient_statistics():
    # Two weights with gradients 1000x apart get the same relative decay.
    w = keras.Variable([1.0, 1.0])
    opt = AdamW(learning_rate=0.01, weight_decay=0.1, beta_1=0.0)
    for _ in range(5):
        opt.apply_gradients([(np.array([1e-3, 1.0], "float32"), w)])
    # Adam's part is sign-like (~lr per step) for both; decay adds lr*wd*w.
    values = keras.ops.convert_to_numpy(w)
    assert_allclose(values[0], values[1], rtol=1e-3, atol=1e-5)


def test_exclude_from_weight_decay():
    w = keras.Variable([1.0], name="kernel")
    b = keras.Variable([1.0], name="bias")
    opt = AdamW(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    zero = np.zeros(1, "float32")
    opt.apply_gradients([(zero, w), (zero, b)])
    assert_allclose(w, [0.95])
    assert_allclose(b, [1.0])


def test_serialization_roundtrip():
    opt = AdamW(
        learning_rate=3e-4,
        weight_decay=0.07,
        beta_1=0.85,
        beta_2=0.98,
        epsilon=1e-5,
        amsgrad=True,
        global_clipnorm=2.0,
    )
    assert_serialization_roundtrip(
        opt,
        {
            "learning_rate": 3e-4,
            "weight_decay": 0.07,
            "beta_1": 0.85,
            "beta_2": 0.98,
            "epsilon": 1e-5,
            "amsgrad": True,
            "global_clipnorm": 2.0,
        },
    )


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(learning_rate=-1.0), "learning_rate"),
        (dict(weight_decay=-0.01), "weight_decay"),
        (dict(weight_decay=None), "weight_decay"),
        (dict(beta_1=1.0), "beta_1"),
        (dict(beta_2=-0.5), "beta_2"),
        (dict(epsilon=0.0), "epsilon"),
        (dict(epsilon=-1e-8), "epsilon"),
        (dict(amsgrad="yes"), "amsgrad"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}=") as info:
        AdamW(**kwargs)
    assert repr(next(iter(kwargs.values()))) in str(info.value)

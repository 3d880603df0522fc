import importlib.util
import math
import pathlib

import keras
import numpy as np
import pytest

from kerasnotes.optimizers import AMSGrad
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip

EXAMPLE = (
    pathlib.Path(__file__).parents[2] / "examples" / "amsgrad_counterexample.py"
)


def _load_example():
    spec = importlib.util.spec_from_file_location("amsgrad_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hand_checked_steps_keep_the_maximum():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    w = keras.Variable([1.0])
    opt = AMSGrad(learning_rate=lr)
    opt.apply_gradients([(np.array([1.0], "float32"), w)])
    m1, v1 = (1 - b1) * 1.0, (1 - b2) * 1.0
    w1 = 1.0 - lr * math.sqrt(1 - b2) / (1 - b1) * m1 / (math.sqrt(v1) + eps)
    assert_allclose(w, [w1])
    # A zero gradient shrinks v but not v_hat.
    opt.apply_gradients([(np.array([0.0], "float32"), w)])
    m2, v2 = b1 * m1, b2 * v1
    assert_allclose(opt._velocities[0], [v2])
    assert_allclose(opt._velocity_hats[0], [v1])
    alpha2 = lr * math.sqrt(1 - b2**2) / (1 - b1**2)
    assert_allclose(w, [w1 - alpha2 * m2 / (math.sqrt(v1) + eps)])


def test_counterexample_amsgrad_converges_adam_does_not():
    """Reddi et al. 2018, section 3 / 5: f_t(x) = 1010 x every 101st step,
    -10 x otherwise, on [-1, 1]; the optimum is x = -1."""
    example = _load_example()
    ams = example.run(AMSGrad(0.5, beta_1=0.9, beta_2=0.99), steps=20200)
    adam = example.run(
        keras.optimizers.Adam(0.5, beta_1=0.9, beta_2=0.99), steps=20200
    )
    assert ams < -0.9, ams  # close to the optimum -1
    assert adam > 0.9, adam  # stuck near the worst point +1


def test_serialization_roundtrip():
    opt = AMSGrad(learning_rate=2e-3, beta_1=0.5, beta_2=0.9, epsilon=1e-4)
    out = assert_serialization_roundtrip(
        opt,
        {"learning_rate": 2e-3, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-4},
    )
    assert "amsgrad" not in out["keras_file"].get_config()


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(learning_rate=-1e-3), "learning_rate"),
        (dict(beta_1=1.5), "beta_1"),
        (dict(beta_2=1.0), "beta_2"),
        (dict(epsilon=0), "epsilon"),
        (dict(weight_decay=-0.1), "weight_decay"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}=") as info:
        AMSGrad(**kwargs)
    assert repr(next(iter(kwargs.values()))) in str(info.value)


def test_amsgrad_is_not_an_argument():
    # AMSGrad always keeps the maximum; the flag belongs to AdamW.
    with pytest.raises(TypeError, match="amsgrad"):
        AMSGrad(amsgrad=False)

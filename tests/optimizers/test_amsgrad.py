import math

import keras
import numpy as np
import pytest

from kerasnotes.optimizers import AMSGrad
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from tests._examples import load_example


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


def _numpy_online(amsgrad, marks, alpha=0.5, b1=0.9, b2=0.99, eps=1e-7):
    """Projected Adam / AMSGrad on the counterexample, step size alpha/sqrt(t)."""
    x = m = v = v_hat = 0.0
    out = []
    for t in range(1, max(marks) + 1):
        g = 1010.0 if t % 101 == 1 else -10.0
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        v_hat = max(v_hat, v)
        step = alpha / math.sqrt(t) * math.sqrt(1 - b2**t) / (1 - b1**t)
        x -= step * m / (math.sqrt(v_hat if amsgrad else v) + eps)
        x = min(1.0, max(-1.0, x))
        if t in marks:
            out.append(x)
    return out


def test_counterexample_amsgrad_converges_adam_does_not():
    """Reddi et al. 2018, section 3 / 5: f_t(x) = 1010 x every 101st step,
    -10 x otherwise, on [-1, 1]; the optimum is x = -1, the worst point +1.

    The Keras runs are also compared with the paper's recurrences iterated in
    float64 NumPy (Adam about 0.41 then 0.96, AMSGrad -0.87 then -0.90)."""
    example = load_example("amsgrad_counterexample")
    marks = [5050, 10100]
    ams = example.run(AMSGrad(0.5, beta_1=0.9, beta_2=0.99), checkpoints=marks)
    adam = example.run(
        keras.optimizers.Adam(0.5, beta_1=0.9, beta_2=0.99), checkpoints=marks
    )
    assert_allclose(ams, _numpy_online(True, marks), atol=5e-3, rtol=0)
    assert_allclose(adam, _numpy_online(False, marks), atol=5e-3, rtol=0)
    assert ams[1] < -0.85, ams  # near the optimum -1 ...
    assert ams[1] < ams[0], ams  # ... and still approaching it
    assert adam[1] > 0.9, adam  # drifting to the worst point +1
    assert adam[1] > adam[0], adam


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

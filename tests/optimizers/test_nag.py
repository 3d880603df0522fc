import keras
import numpy as np
import pytest

from kerasnotes.optimizers import NAG
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip


def test_two_hand_checked_steps():
    # m1 = 0.9*0 - 0.1*0.5 = -0.05;  w1 = 1 + 0.9*(-0.05) - 0.05 = 0.905
    # m2 = 0.9*(-0.05) - 0.1*0.5 = -0.095; w2 = 0.905 + 0.9*(-0.095) - 0.05
    w = keras.Variable([1.0])
    opt = NAG(learning_rate=0.1, momentum=0.9)
    opt.apply_gradients([(np.array([0.5], "float32"), w)])
    assert_allclose(w, [0.905])
    opt.apply_gradients([(np.array([0.5], "float32"), w)])
    assert_allclose(w, [0.7695])


def test_equals_notes_lookahead_form():
    """The stored weights are the notes' theta shifted by momentum * v."""
    grad = lambda theta: 2.0 * (theta - 3.0) + np.sin(theta)  # noqa: E731
    lr, mu = 0.05, 0.7
    theta, v = 0.0, 0.0  # notes 000: v = mu v + lr grad(theta - mu v)
    w = keras.Variable([0.0])
    opt = NAG(learning_rate=lr, momentum=mu)
    for _ in range(20):
        v = mu * v + lr * grad(theta - mu * v)
        theta = theta - v
        g = grad(keras.ops.convert_to_numpy(w)).astype("float32")
        opt.apply_gradients([(g, w)])
        # w_t = theta_t - mu * v_t (the look-ahead point).
        assert_allclose(w, [theta - mu * v], rtol=1e-5, atol=1e-5)


def test_momentum_zero_is_gradient_descent():
    w = keras.Variable([2.0, -1.0])
    opt = NAG(learning_rate=0.1, momentum=0)
    for _ in range(3):
        opt.apply_gradients([(np.array([1.0, -2.0], "float32"), w)])
    assert_allclose(w, [2.0 - 0.3, -1.0 + 0.6])


def test_serialization_roundtrip():
    opt = NAG(learning_rate=0.0375, momentum=0.85, clipvalue=0.5, name="nag_x")
    assert_serialization_roundtrip(
        opt,
        {"learning_rate": 0.0375, "momentum": 0.85, "clipvalue": 0.5},
    )


def test_schedule_roundtrip():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 7, 0.5)
    out = assert_serialization_roundtrip(
        NAG(learning_rate=schedule, momentum=0.5), {"momentum": 0.5}
    )
    lr = keras.optimizers.schedules.deserialize(
        out["keras_file"].get_config()["learning_rate"]
    )
    assert isinstance(lr, keras.optimizers.schedules.ExponentialDecay)
    assert lr.decay_steps == 7


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(learning_rate=-0.1), "learning_rate"),
        (dict(momentum=1.0), "momentum"),
        (dict(momentum=-0.1), "momentum"),
        (dict(momentum="high"), "momentum"),
        (dict(momentum=float("nan")), "momentum"),
        (dict(weight_decay=-1e-3), "weight_decay"),
    ],
)
def test_bad_arguments(kwargs, name):
    value = next(iter(kwargs.values()))
    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}="):
        NAG(**kwargs)
    try:
        NAG(**kwargs)
    except ValueError as error:
        assert repr(value) in str(error)

"""Float64 training is float64 (issue 16): with `floatx` float64 (so the
learning-rate variable is float64), the optimizers' hyperparameters are not
rounded to float32. References in NumPy float64: AdamW's update rule
(Loshchilov & Hutter 2019), NAG in the Bengio et al. 2013 form (Sutskever et
al. 2013), RAdam's Algorithm 2 (Liu et al. 2020, epsilon added to sqrt(v)
as torch.optim.RAdam does)."""

import keras
import numpy as np
import pytest

from kerasnotes.optimizers import NAG
from kerasnotes.optimizers import AdamW
from kerasnotes.optimizers import RAdam
from kerasnotes.testing import to_numpy
from tests._dtypes import x64_if_jax


@pytest.fixture
def float64_keras():
    floatx = keras.config.floatx()
    with x64_if_jax():
        keras.config.set_floatx("float64")
        keras.config.set_dtype_policy("float64")
        try:
            yield
        finally:
            keras.config.set_floatx(floatx)
            keras.config.set_dtype_policy("float32")


def _adamw_reference(w, grads, lr, b1, b2, eps, wd):
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        w = w - lr * wd * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        w = w - alpha * m / (np.sqrt(v) + eps)
    return w


def _nag_reference(w, grads, lr, mu):
    m = np.zeros_like(w)
    for g in grads:
        m = mu * m - lr * g
        w = w + mu * m - lr * g
    return w


def _radam_reference(w, grads, lr, b1, b2, eps):
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    rho_inf = 2 / (1 - b2) - 1
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
        if rho_t > 5:
            r_t = np.sqrt(
                (rho_t - 4)
                * (rho_t - 2)
                * rho_inf
                / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            )
            w = w - lr * r_t * m_hat * np.sqrt(1 - b2**t) / (np.sqrt(v) + eps)
        else:
            w = w - lr * m_hat
    return w


def _train(optimizer, w0, grads):
    variable = keras.Variable(w0, dtype="float64")
    for g in grads:
        optimizer.apply_gradients(
            [(keras.ops.convert_to_tensor(g, "float64"), variable)]
        )
    got = to_numpy(variable)
    assert got.dtype == np.float64
    return got


CASES = {
    "adamw": (
        lambda: AdamW(
            learning_rate=0.0123,
            beta_1=0.87,
            beta_2=0.991,
            epsilon=1e-7,
            weight_decay=0.013,
        ),
        lambda w0, grads: _adamw_reference(w0, grads, 0.0123, 0.87, 0.991, 1e-7, 0.013),
    ),
    "nag": (
        lambda: NAG(learning_rate=0.0123, momentum=0.87),
        lambda w0, grads: _nag_reference(w0, grads, 0.0123, 0.87),
    ),
    # beta_2 = 0.9 so that the 100 steps hold both phases (rho_t passes 5 at
    # step 6).
    "radam": (
        lambda: RAdam(learning_rate=0.0123, beta_1=0.87, beta_2=0.9, epsilon=1e-7),
        lambda w0, grads: _radam_reference(w0, grads, 0.0123, 0.87, 0.9, 1e-7),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_float64_matches_numpy_float64(float64_keras, name):
    if keras.backend.backend() != "tensorflow":
        pytest.skip(
            "Keras's ops compute float64 in float32 on JAX and PyTorch "
            "(its type promotion maps float64 to float32 there)"
        )
    make, reference = CASES[name]
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=5)
    grads = rng.normal(size=(100, 5))
    got = _train(make(), w0, grads)
    want = reference(w0, grads)
    np.testing.assert_allclose(got - w0, want - w0, rtol=1e-12)

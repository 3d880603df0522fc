"""Float64 training is float64 (issue 16): with `floatx` float64 (so the
learning-rate variable is float64), AdamW's betas are not rounded to float32.
Reference: AdamW's update rule (Loshchilov & Hutter 2019) in NumPy float64."""

import keras
import numpy as np
import pytest

from kerasnotes.optimizers import AdamW
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


def test_adamw_float64_matches_numpy_float64(float64_keras):
    if keras.backend.backend() != "tensorflow":
        pytest.skip(
            "Keras's ops compute float64 in float32 on JAX and PyTorch "
            "(its type promotion maps float64 to float32 there)"
        )
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=5)
    grads = rng.normal(size=(100, 5))
    args = dict(learning_rate=0.0123, beta_1=0.87, beta_2=0.991, epsilon=1e-7)
    optimizer = AdamW(weight_decay=0.013, **args)
    variable = keras.Variable(w0, dtype="float64")
    for g in grads:
        optimizer.apply_gradients(
            [(keras.ops.convert_to_tensor(g, "float64"), variable)]
        )
    want = _adamw_reference(w0, grads, 0.0123, 0.87, 0.991, 1e-7, 0.013)
    got = to_numpy(variable)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got - w0, want - w0, rtol=1e-12)

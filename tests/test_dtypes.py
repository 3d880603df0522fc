"""Dtype fidelity of the layers and losses: float64 in, float64 accuracy out.

Each result is compared with a float64 reference written here (NumPy, or
mpmath at 80 digits for Barron's loss) evaluated at the inputs as the dtype
holds them: float64 within ~1e-15 (relative), float32/float16/bfloat16 within
their rounding, and finite wherever the true value is representable. On JAX,
float64 needs its 64-bit mode, which the float64 cases turn on. (The
activations are tested the same way in tests/activations/test_activations.py.)
"""

import math

import keras
import mpmath
import numpy as np
import pytest

from kerasnotes import activations
from kerasnotes import layers
from kerasnotes import losses
from kerasnotes.testing import to_numpy
from tests._dtypes import x64_if_jax

# dtype -> relative tolerance of a handful of elementwise operations
RTOL = {"float64": 2e-15, "float32": 2e-6, "float16": 4e-3, "bfloat16": 3e-2}
LARGEST = {
    "float64": float(np.finfo(np.float64).max),
    "float32": float(np.finfo(np.float32).max),
    "float16": float(np.finfo(np.float16).max),
    "bfloat16": 3.3895313892515355e38,
}
# Absolute tolerance: float16 subnormals (below 6.1e-5) hold few digits, and
# XLA (JAX) flushes them to 0.
ATOL = {"float64": 1e-300, "float32": 1e-37, "float16": 6.2e-5, "bfloat16": 1e-37}
DTYPES = sorted(RTOL)


@pytest.fixture(autouse=True)
def _jax_x64(request):
    callspec = getattr(request.node, "callspec", None)
    dtype = callspec.params.get("dtype") if callspec else None
    with x64_if_jax(dtype == "float64"):
        yield


def _held(values, dtype):
    """`values` as `dtype` holds them, back in float64."""
    values = np.asarray(values, "float64")
    flat = keras.ops.cast(values.reshape(-1), dtype)  # (0-d bfloat16 fails on TF)
    return to_numpy(flat).astype(np.float64).reshape(values.shape)


def _check(got, want, dtype):
    got = to_numpy(got)
    assert str(got.dtype) == dtype
    got = got.astype(np.float64)
    representable = np.abs(want) <= LARGEST[dtype]
    # Finite wherever the true value is representable, else infinite.
    assert np.isfinite(got[representable]).all(), got
    assert np.isinf(got[~representable]).all(), got
    np.testing.assert_allclose(
        got[representable], want[representable], rtol=RTOL[dtype], atol=ATOL[dtype]
    )


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def test_issue_cases_in_float64():
    with x64_if_jax():
        x = keras.ops.convert_to_tensor(np.array([0.1, 1.0]), "float64")
        # The threshold is float64's 0.1, not float32's (which is larger).
        assert to_numpy(activations.step(x, threshold=0.1)).tolist() == [1.0, 1.0]
        assert to_numpy(activations.selu(x))[1] == 1.0507009873554805


X = np.array([-40.0, -7.5, -1.0, -0.3, -1e-3, 0.0, 2e-4, 0.25, 1.0, 3.0, 11.0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_swish_layer(dtype):
    layer = layers.Swish(beta=1.7, dtype=dtype)
    x = _held(X, dtype)
    got = layer(keras.ops.convert_to_tensor(x, dtype))
    beta = _held(1.7, dtype)
    assert str(to_numpy(layer.beta).dtype) == dtype
    # beta * x as the dtype rounds it: sigmoid(-68) amplifies that rounding.
    _check(got, x * _sigmoid(_held(beta * x, dtype)), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_selu_layer(dtype):
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    x = _held(X, dtype)
    got = layers.SELU(dtype=dtype)(keras.ops.convert_to_tensor(x, dtype))
    _check(got, lam * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_maxout_layer(dtype):
    if dtype == "float64" and keras.backend.backend() == "torch":
        pytest.xfail(
            "Keras 3's ops.matmul computes float64 in float32 on PyTorch (its "
            "type promotion maps float64 to float32 there)"
        )
    layer = layers.Maxout(units=3, pieces=2, dtype=dtype)
    x = _held(np.random.default_rng(0).normal(size=(4, 5)), dtype)
    got = layer(keras.ops.convert_to_tensor(x, dtype))
    kernel = to_numpy(layer.kernel).astype(np.float64)
    bias = to_numpy(layer.bias).astype(np.float64)
    z = (x @ kernel + bias).reshape(4, 3, 2)
    want = z.max(axis=-1)
    if dtype in ("float16", "bfloat16"):  # the matmul accumulates in the dtype
        np.testing.assert_allclose(to_numpy(got).astype(np.float64), want, atol=0.1)
    else:
        _check(got, want, dtype)


Y_TRUE = np.array([[0.0, 1.0, -2.0], [3.0, 0.5, 0.0]])
Y_PRED = np.array([[0.5, -2.0, -2.25], [3.0, 7.0, -0.125]])


def _barron(x, alpha, c):
    """Barron's rho (eq. 1 and its limits) at 80 digits with mpmath."""
    mpmath.mp.dps = 80  # (1 + u)^(alpha/2) - 1 cancels ~30 digits at 1e-30
    out = []
    for v in np.ravel(x):
        z = (mpmath.mpf(float(v)) / mpmath.mpf(c)) ** 2
        if alpha == 2:
            r = z / 2
        elif alpha == 0:
            r = mpmath.log1p(z / 2)
        elif alpha == -math.inf:
            r = -mpmath.expm1(-z / 2)
        elif alpha == math.inf:
            r = mpmath.expm1(z / 2)
        else:
            a = mpmath.mpf(alpha)
            b = abs(a - 2)
            r = b / a * ((z / b + 1) ** (a / 2) - 1)
        out.append(float(r))
    return np.array(out).reshape(np.shape(x))


ALPHAS = [-math.inf, -2.0, -0.5, 0.0, 1e-30, 0.5, 1.0, 2.0, 3.5, math.inf]


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_robust_loss_class(dtype, alpha):
    loss = losses.RobustLoss(alpha=alpha, scale=1.5, reduction=None, dtype=dtype)
    t, p = _held(Y_TRUE, dtype), _held(Y_PRED, dtype)
    got = loss(t, p)
    # The residual as the dtype computes it (it rounds the difference).
    residual = _held(p - t, dtype)
    _check(got, _barron(residual, alpha, 1.5).mean(axis=-1), dtype)


@pytest.mark.parametrize("alpha", [-2.0, 0.0, 1e-30, 0.5, 2.0, math.inf])
@pytest.mark.parametrize("dtype", DTYPES)
def test_robust_loss_tensor_alpha(dtype, alpha):
    # exp(z / 2) multiplies the rounding of z by z / 2: small z for +inf.
    x = _held(X if alpha != math.inf else X[np.abs(X) <= 3], dtype)
    got = losses.robust_loss(
        keras.ops.convert_to_tensor(x, dtype),
        keras.ops.convert_to_tensor(alpha, dtype),
        keras.ops.convert_to_tensor(0.75, dtype),
    )
    a = float(_held(alpha, dtype))
    _check(got, _barron(x, a, 0.75), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_huber(dtype):
    loss = losses.Huber(delta=1.1, reduction=None, dtype=dtype)
    residual = np.abs(_held(_held(Y_PRED, dtype) - _held(Y_TRUE, dtype), dtype))
    d = _held(1.1, dtype)
    rows = np.where(residual <= d, 0.5 * residual**2, d * residual - 0.5 * d**2)
    got = loss(_held(Y_TRUE, dtype), _held(Y_PRED, dtype))
    _check(got, rows.mean(axis=-1), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_perceptron_loss(dtype):
    loss = losses.PerceptronLoss(reduction=None, dtype=dtype)
    labels = np.array([[1.0], [0.0], [-1.0], [1.0]])
    scores = _held([[-0.1], [0.3], [-3.0], [2.0]], dtype)
    sign = np.where(labels > 0, 1.0, -1.0)
    got = loss(labels, scores)
    _check(got, np.maximum(0.0, -sign * scores).mean(axis=-1), dtype)

"""kerasnotes.activations against NumPy closed forms, in every float dtype."""

import math

import keras
import numpy as np
import pytest

from kerasnotes import activations
from kerasnotes._internal.autodiff import value_and_derivative
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import keras_file_roundtrip
from kerasnotes.testing import to_numpy
from tests._dtypes import x64_if_jax

LAMBDA = 1.0507009873554805
ALPHA = 1.6732632423543772


def _sigmoid(x):
    # exp(-x) overflows to inf for x < -709 in float64; 1 / (1 + inf) = 0.
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


# name -> (function of x, NumPy closed form in float64, its derivative).
# Arguments other than x are deliberately not the defaults where there are any.
CASES = {
    "step": (
        lambda x: activations.step(x, threshold=0.5),
        lambda x: (x >= 0.5).astype(np.float64),
        lambda x: np.zeros_like(x),
    ),
    "sigmoid": (
        activations.sigmoid,
        _sigmoid,
        lambda x: _sigmoid(x) * (1.0 - _sigmoid(x)),
    ),
    "tanh": (
        activations.tanh,
        np.tanh,
        lambda x: 1.0 - np.tanh(x) ** 2,
    ),
    "relu": (
        activations.relu,
        lambda x: np.maximum(x, 0.0),
        lambda x: (x > 0).astype(np.float64),
    ),
    "leaky_relu": (
        lambda x: activations.leaky_relu(x, alpha=0.2),
        lambda x: np.where(x > 0, x, 0.2 * x),
        lambda x: np.where(x > 0, 1.0, 0.2),
    ),
    "elu": (
        lambda x: activations.elu(x, alpha=0.7),
        lambda x: np.where(x > 0, x, 0.7 * np.expm1(np.minimum(x, 0))),
        lambda x: np.where(x > 0, 1.0, 0.7 * np.exp(np.minimum(x, 0))),
    ),
    "selu": (
        activations.selu,
        lambda x: LAMBDA * np.where(x > 0, x, ALPHA * np.expm1(np.minimum(x, 0))),
        lambda x: LAMBDA * np.where(x > 0, 1.0, ALPHA * np.exp(np.minimum(x, 0))),
    ),
    "swish": (
        lambda x: activations.swish(x, beta=1.7),
        lambda x: x * _sigmoid(1.7 * x),
        # The notes' form: beta f(x) + sigmoid(beta x) (1 - beta f(x)).
        lambda x: (
            1.7 * x * _sigmoid(1.7 * x)
            + _sigmoid(1.7 * x) * (1.0 - 1.7 * x * _sigmoid(1.7 * x))
        ),
    ),
    "softplus": (
        activations.softplus,
        lambda x: np.logaddexp(0.0, x),
        _sigmoid,
    ),
    "identity": (
        activations.identity,
        lambda x: x,
        lambda x: np.ones_like(x),
    ),
}

DTYPES = {
    # dtype -> (largest finite value, relative tolerance of the values)
    "float64": (float(np.finfo(np.float64).max), 1e-15),
    "float32": (float(np.finfo(np.float32).max), 2e-6),
    "float16": (float(np.finfo(np.float16).max), 2e-3),
    "bfloat16": (3.3895313892515355e38, 1.6e-2),
}


@pytest.fixture(autouse=True)
def _jax_x64(request):
    """float64 exists on JAX only in its 64-bit mode."""
    callspec = getattr(request.node, "callspec", None)
    dtype = callspec.params.get("dtype") if callspec else None
    with x64_if_jax(dtype == "float64"):
        yield


def _grid(dtype):
    big = DTYPES[dtype][0]
    wide = np.linspace(-1e4, 1e4, 801)
    near = np.linspace(-30.0, 30.0, 601)
    x = np.concatenate([wide, near, [0.0, -big, big, -big / 2, big / 2]])
    # The points as the dtype holds them, back in float64 for the reference.
    return to_numpy(keras.ops.cast(x, dtype)).astype(np.float64)


def test_hand_checked_values():
    def value(t):
        return to_numpy(t).tolist()

    assert value(activations.step([-1.0, 0.0, 0.3], threshold=0.3)) == [0, 0, 1]
    assert value(activations.step([-1.0, 0.0, 0.3])) == [0, 1, 1]
    assert value(activations.sigmoid([0.0])) == [0.5]
    assert value(activations.tanh([0.0])) == [0.0]
    assert value(activations.relu([-2.0, 3.0])) == [0.0, 3.0]
    assert value(activations.leaky_relu([-2.0, 3.0], alpha=0.5)) == [-1.0, 3.0]
    assert value(activations.leaky_relu([-100.0])) == [pytest.approx(-1.0)]
    assert_allclose(activations.elu([-1.0, 2.0]), [math.exp(-1) - 1, 2.0])
    assert_allclose(activations.selu([1.0]), [1.0507009873554805])
    # lambda * alpha is the negative saturation value.
    assert_allclose(activations.selu([-100.0]), [-1.7580993408473766])
    assert_allclose(activations.swish([1.0], beta=2.0), [1 / (1 + math.exp(-2))])
    assert_allclose(activations.swish([3.0], beta=0.0), [1.5])
    assert_allclose(activations.softplus([0.0]), [math.log(2.0)])
    assert_allclose(activations.softmax([[0.0, math.log(3.0)]]), [[0.25, 0.75]])
    assert value(activations.identity([1.5, -2.0])) == [1.5, -2.0]


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", sorted(DTYPES))
def test_matches_closed_form_and_is_finite(name, dtype):
    fn, closed_form, _ = CASES[name]
    big, rtol = DTYPES[dtype]
    x = _grid(dtype)
    got = to_numpy(fn(keras.ops.convert_to_tensor(x, dtype=dtype)))
    assert str(got.dtype) == dtype
    got = got.astype(np.float64)
    want = closed_form(x)
    representable = np.abs(want) <= big
    # Finite wherever the true value is representable in the dtype.
    assert np.isfinite(got[representable]).all(), x[~np.isfinite(got) & representable]
    np.testing.assert_allclose(
        got[representable], want[representable], rtol=rtol, atol=rtol
    )
    # Where it is not (selu of the largest value), it overflows to +-inf.
    assert (np.abs(got[~representable]) == np.inf).all()


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", sorted(DTYPES))
def test_gradient_finite_on_wide_range(name, dtype):
    fn = CASES[name][0]
    x = np.linspace(-1e4, 1e4, 2001)
    _, grad = value_and_derivative(fn, x, dtype=dtype)
    assert np.isfinite(grad.astype(np.float64)).all()


@pytest.mark.parametrize("name", sorted(CASES))
def test_derivative_matches_closed_form(name):
    fn, _, derivative = CASES[name]
    # Away from the kinks (0 and the step's threshold), where the closed-form
    # derivative is defined; points on both sides of each kink.
    x = np.concatenate([np.linspace(-40.0, 40.0, 400), [-1e-3, 1e-3, 0.49, 0.51]])
    _, grad = value_and_derivative(fn, x)
    assert_allclose(
        grad,
        derivative(x.astype(np.float32).astype(np.float64)),
        rtol=1e-5,
        atol=1e-6,
        err_msg=name,
    )


def test_derivatives_at_zero():
    """The values a careful implementation gives where a naive one splits a
    tie (`max`/`min` at 0) or sees an `inf` in an unused branch."""
    x = np.zeros(1)
    assert_allclose(value_and_derivative(activations.softplus, x)[1], [0.5])
    assert_allclose(value_and_derivative(activations.elu, x)[1], [1.0])
    assert_allclose(
        value_and_derivative(activations.selu, x)[1], [LAMBDA * ALPHA], rtol=1e-6
    )
    assert_allclose(value_and_derivative(activations.swish, x)[1], [0.5])


@pytest.mark.parametrize("dtype", sorted(DTYPES))
def test_softmax_is_stable(dtype):
    big = DTYPES[dtype][0]
    rows = np.array(
        [
            [-1e4, 0.0, 1e4, 5e3],
            [big, big, -big, 0.0],
            [1.0, 2.0, 3.0, 4.0],
            [-big, -big / 2, 0.0, 7.0],
        ]
    )
    x = to_numpy(keras.ops.cast(rows, dtype)).astype(np.float64)
    got = to_numpy(activations.softmax(keras.ops.cast(x, dtype), axis=-1))
    got = got.astype(np.float64)
    shifted = x - x.max(axis=-1, keepdims=True)  # NumPy closed form
    with np.errstate(invalid="ignore"):
        want = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, want, atol=DTYPES[dtype][1])
    grads = value_and_derivative(
        lambda t: activations.softmax(t)[:, 0], rows[[0, 2]], dtype=dtype
    )[1]
    assert np.isfinite(grads.astype(np.float64)).all()


def test_softmax_axis():
    x = np.random.default_rng(0).normal(size=(3, 4, 5))
    got = activations.softmax(x.astype("float32"), axis=1)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    assert_allclose(got, e / e.sum(axis=1, keepdims=True), rtol=1e-5)


def test_agree_with_keras_builtins():
    x = np.linspace(-10, 10, 101).astype("float32")
    pairs = [
        (activations.sigmoid, keras.activations.sigmoid),
        (activations.relu, keras.activations.relu),
        (activations.selu, keras.activations.selu),
        (activations.elu, keras.activations.elu),
        (activations.softplus, keras.activations.softplus),
        (activations.swish, keras.activations.swish),
        (
            lambda t: activations.leaky_relu(t, 0.3),
            lambda t: keras.activations.leaky_relu(t, 0.3),
        ),
    ]
    for ours, theirs in pairs:
        assert_allclose(ours(x), theirs(x), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", activations.__all__)
def test_registered_and_saved_in_a_model(name):
    fn = getattr(activations, name)
    assert keras.saving.get_registered_object(f"kerasnotes>{name}") is fn
    config = keras.saving.serialize_keras_object(fn)
    assert config["config"] == f"kerasnotes>{name}"
    assert keras.activations.get(config) is fn
    # Dense(activation=fn) saves and loads with safe_mode=True.
    assert keras_file_roundtrip(fn) is fn


def test_saved_model_computes_the_same(tmp_path):
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(4, activation=activations.swish),
            keras.layers.Dense(2, activation=activations.softmax),
        ]
    )
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert loaded.layers[0].activation is activations.swish
    assert_allclose(loaded(x), model(x))


@pytest.mark.parametrize(
    "call, name, value",
    [
        (lambda: activations.leaky_relu([1.0], alpha="a"), "alpha", "'a'"),
        (lambda: activations.elu([1.0], alpha=float("nan")), "alpha", "nan"),
        (lambda: activations.swish([1.0], beta=float("inf")), "beta", "inf"),
        (lambda: activations.swish([1.0], beta=True), "beta", "True"),
        (lambda: activations.step([1.0], threshold=None), "threshold", "None"),
        (lambda: activations.softmax([1.0], axis=0.5), "axis", "0.5"),
    ],
)
def test_bad_arguments(call, name, value):
    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}={value}"):
        call()


def test_tensor_arguments_are_accepted():
    beta = keras.Variable(2.0)
    assert_allclose(activations.swish([1.0], beta=beta), [1 / (1 + math.exp(-2))])

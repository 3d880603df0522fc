import keras
import numpy as np
import pytest

from kerasnotes.layers import Maxout
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from kerasnotes.testing import to_numpy
from tests.layers._support import check_mask_passes_through


def _numpy_maxout(x, kernel, bias, units, pieces):
    """Goodfellow et al. eq. (1), with W_k[:, j] = kernel[:, j * pieces + k]."""
    d = kernel.shape[0]
    w = kernel.reshape(d, units, pieces)
    b = np.zeros((units, pieces)) if bias is None else bias.reshape(units, pieces)
    z = np.stack([x @ w[:, :, k] + b[:, k] for k in range(pieces)], axis=-1)
    return z.max(axis=-1)


def test_hand_checked_pieces():
    # One unit, two pieces on 2 inputs: piece 0 = x1 + 1, piece 1 = x2.
    layer = Maxout(1, pieces=2)
    layer.build((None, 2))
    layer.kernel.assign(np.array([[1.0, 0.0], [0.0, 1.0]], "float32"))
    layer.bias.assign(np.array([1.0, 0.0], "float32"))
    x = np.array([[0.0, 3.0], [2.0, -1.0], [-5.0, -4.5]], "float32")
    assert_allclose(layer(x), [[3.0], [3.0], [-4.0]])


def test_two_pieces_represent_relu_and_abs():
    layer = Maxout(3, pieces=2, use_bias=False)
    layer.build((None, 3))
    relu_kernel = np.zeros((3, 6), "float32")
    relu_kernel[[0, 1, 2], [0, 2, 4]] = 1.0  # piece 0 = x_j, piece 1 = 0
    layer.kernel.assign(relu_kernel)
    x = np.array([[-2.0, 0.5, 3.0]], "float32")
    assert_allclose(layer(x), [[0.0, 0.5, 3.0]])
    abs_kernel = relu_kernel.copy()
    abs_kernel[[0, 1, 2], [1, 3, 5]] = -1.0  # piece 1 = -x_j
    layer.kernel.assign(abs_kernel)
    assert_allclose(layer(x), [[2.0, 0.5, 3.0]])


@pytest.mark.parametrize(
    "shape", [(5, 7), (2, 6, 7), (2, 4, 3, 7)], ids=["rank2", "rank3", "rank4"]
)
@pytest.mark.parametrize("use_bias", [True, False])
def test_matches_numpy_on_any_rank(shape, use_bias):
    units, pieces = 4, 3
    layer = Maxout(
        units,
        pieces=pieces,
        use_bias=use_bias,
        bias_initializer=keras.initializers.RandomNormal(seed=2),
    )
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    out = layer(x)
    assert tuple(out.shape) == shape[:-1] + (units,)
    assert layer.compute_output_shape(shape) == shape[:-1] + (units,)
    bias = to_numpy(layer.bias).astype(np.float64) if use_bias else None
    want = _numpy_maxout(
        x.astype(np.float64),
        to_numpy(layer.kernel).astype(np.float64),
        bias,
        units,
        pieces,
    )
    assert_allclose(out, want, rtol=1e-5, atol=1e-5)


def test_symbolic_shapes():
    inputs = keras.Input((None, None, 5))  # a feature map of any size
    out = Maxout(6, pieces=4)(inputs)
    assert tuple(out.shape) == (None, None, None, 6)
    model = keras.Model(inputs, out)
    assert tuple(model(np.zeros((2, 3, 4, 5), "float32")).shape) == (2, 3, 4, 6)


def test_one_piece_equals_dense():
    x = np.random.default_rng(1).normal(size=(4, 3, 6)).astype("float32")
    init = keras.initializers.GlorotUniform(seed=5)
    maxout = Maxout(5, pieces=1, kernel_initializer=init, bias_initializer="ones")
    dense = keras.layers.Dense(5, kernel_initializer=init, bias_initializer="ones")
    out, ref = maxout(x), dense(x)
    assert_allclose(maxout.kernel, dense.kernel, rtol=0, atol=0)
    assert_allclose(out, ref, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("d, units, pieces", [(10, 16, 3), (7, 1, 5), (3, 4, 1)])
def test_parameter_count(d, units, pieces):
    with_bias = Maxout(units, pieces=pieces)
    with_bias.build((None, d))
    assert with_bias.count_params() == (d * units + units) * pieces
    without = Maxout(units, pieces=pieces, use_bias=False)
    without.build((None, d))
    assert without.count_params() == d * units * pieces
    assert tuple(with_bias.kernel.shape) == (d, units * pieces)


def test_gradient_reaches_only_the_winning_piece():
    layer = Maxout(1, pieces=2)
    layer.build((None, 1))
    layer.kernel.assign(np.array([[1.0, -1.0]], "float32"))  # max(x, -x) = |x|
    model = keras.Sequential([keras.Input((1,)), layer])
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mae")
    model.train_on_batch(np.array([[2.0]], "float32"), np.array([[0.0]], "float32"))
    # |x| = 2 comes from piece 0 (w = 1); d mae / d w0 = x = 2, w1 untouched.
    assert_allclose(layer.kernel, [[1.0 - 2.0, -1.0]])
    assert_allclose(layer.bias, [-1.0, 0.0])


def test_mask_passes_through():
    check_mask_passes_through(Maxout(3, pieces=2))


def test_regularizers_add_losses():
    layer = Maxout(
        2,
        pieces=2,
        kernel_regularizer=keras.regularizers.L2(0.5),
        bias_regularizer=keras.regularizers.L1(0.25),
        bias_initializer="ones",
    )
    layer(np.ones((1, 3), "float32"))
    kernel = to_numpy(layer.kernel)
    want = 0.5 * np.sum(kernel**2) + 0.25 * 4
    assert_allclose(sum(to_numpy(v) for v in layer.losses), want, rtol=1e-6)


def test_serialization_roundtrip():
    layer = Maxout(
        5,
        pieces=3,
        use_bias=False,
        kernel_initializer=keras.initializers.HeNormal(seed=1),
        bias_initializer="ones",
        kernel_regularizer=keras.regularizers.L2(0.01),
        bias_regularizer=keras.regularizers.L1(0.02),
    )
    out = assert_serialization_roundtrip(
        layer,
        {
            "units": 5,
            "pieces": 3,
            "use_bias": False,
            "kernel_initializer": keras.initializers.HeNormal(seed=1),
            "bias_initializer": keras.initializers.Ones(),
            "kernel_regularizer": keras.regularizers.L2(0.01),
            "bias_regularizer": keras.regularizers.L1(0.02),
        },
    )
    x = np.ones((2, 4), "float32")
    assert_allclose(out["keras_file"](x), layer(x))


def test_save_load_keeps_weights(tmp_path):
    model = keras.Sequential([keras.Input((4,)), Maxout(3, pieces=2)])
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    assert_allclose(loaded(x), model(x))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(units=0), "units"),
        (dict(units=2.5), "units"),
        (dict(units=3, pieces=0), "pieces"),
        (dict(units=3, pieces="2"), "pieces"),
        (dict(units=3, use_bias="no"), "use_bias"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`") as info:
        Maxout(**kwargs)
    assert str(info.value).endswith(f"Received: {name}={kwargs[name]!r}")


def test_undefined_last_axis():
    with pytest.raises(ValueError, match="last axis"):
        Maxout(2).build((None, None))

import keras
import numpy as np

from kerasnotes.layers import SELU
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from tests._examples import load_example
from tests.layers._support import check_mask_passes_through

LAMBDA = 1.0507009873554805
ALPHA = 1.6732632423543772


def test_hand_checked_values():
    out = SELU()(np.array([[1.0, 0.0, -100.0]], "float32"))
    assert_allclose(out, [[LAMBDA, 0.0, -LAMBDA * ALPHA]], rtol=1e-6)


def test_matches_closed_form_and_keras():
    # Klambauer et al. 2017, eq. 2: lambda * x for x > 0 and
    # lambda * alpha * (exp(x) - 1) otherwise, with API.md's constants, in
    # float64; and Keras's own selu.
    x = np.random.default_rng(0).normal(scale=3.0, size=(6, 7)).astype("float32")
    xd = x.astype(np.float64)
    want = np.where(xd > 0, LAMBDA * xd, LAMBDA * ALPHA * (np.exp(xd) - 1.0))
    layer = SELU()
    assert_allclose(layer(x), want, rtol=1e-6, atol=1e-7)
    assert_allclose(layer(x), keras.activations.selu(x), rtol=1e-6, atol=1e-7)
    assert layer.weights == []


def test_shapes_and_mask():
    assert SELU().compute_output_shape((None, 4, 2)) == (None, 4, 2)
    assert tuple(SELU()(np.ones((2, 3, 3, 2), "float32")).shape) == (2, 3, 3, 2)
    check_mask_passes_through(SELU())


def test_serialization_roundtrip():
    assert_serialization_roundtrip(SELU(name="selu_block"), {"name": "selu_block"})


def test_self_normalizing_where_relu_drifts():
    """Klambauer et al. 2017: with LeCun-normal weights (variance 1/fan_in)
    and standardized inputs, SELU activations stay near mean 0 and variance 1
    through 32 layers; ReLU with the same weights loses about half the second
    moment per layer, and its mean sits far from 0."""
    example = load_example("selu_self_normalizing")
    selu = example.layer_statistics("selu", depth=32, width=256, batch=512, seed=0)
    relu = example.layer_statistics("relu", depth=32, width=256, batch=512, seed=0)
    for depth, (mean, var) in enumerate(selu, start=1):
        assert abs(mean) < 0.1, (depth, mean)
        assert 0.8 < var < 1.2, (depth, var)
    relu_var = np.array([v for _, v in relu])
    assert relu_var[-1] < 1e-6, relu_var[-1]  # ~ 2**-32
    # The drift is steady: every layer shrinks the variance, by half on
    # (geometric) average.
    ratios = relu_var[1:] / relu_var[:-1]
    assert np.all(ratios < 0.85), ratios
    assert 0.4 < np.exp(np.log(ratios).mean()) < 0.6
    assert relu[0][0] > 0.3  # ReLU outputs are not centred

"""Data and checks shared by the layer tests."""

import keras
import numpy as np

from kerasnotes.testing import assert_allclose
from kerasnotes.testing import to_numpy


def regression_data(n=64, features=6, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    w = rng.normal(size=(features, 1)).astype("float32")
    y = (np.abs(x @ w) + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    return x, y


def check_mask_passes_through(layer, features=4):
    """Embedding(mask_zero) -> layer -> masked average over time equals the
    NumPy average of the layer's output over the unmasked steps only."""
    tokens = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0]], dtype="int32")
    inputs = keras.Input((None,), dtype="int32")
    embedded = keras.layers.Embedding(
        6,
        features,
        mask_zero=True,
        embeddings_initializer=keras.initializers.RandomNormal(seed=0),
    )(inputs)
    hidden = layer(embedded)
    pooled = keras.layers.GlobalAveragePooling1D()(hidden)
    model = keras.Model(inputs, [hidden, pooled])
    h, p = (to_numpy(t) for t in model(tokens))
    mask = (tokens != 0)[..., None]
    want = (h * mask).sum(axis=1) / mask.sum(axis=1)
    assert_allclose(p, want, rtol=1e-5, atol=1e-6)
    # The padded steps are not all equal to the kept ones: the mask matters.
    assert not np.allclose(p, h.mean(axis=1), atol=1e-4)

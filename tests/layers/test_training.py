"""All three layers inside one jit-compiled `fit` (one compile per backend)."""

import keras
import numpy as np

from kerasnotes.layers import SELU
from kerasnotes.layers import Maxout
from kerasnotes.layers import Swish
from kerasnotes.testing import to_numpy
from tests.layers._support import regression_data


def test_jit_compiled_fit_trains_every_layer():
    x, y = regression_data(n=96)
    maxout = Maxout(8, pieces=3, kernel_initializer=keras.initializers.HeNormal(0))
    learned = Swish(beta=0.5)
    fixed = Swish(beta=0.5, trainable_beta=False)
    model = keras.Sequential(
        [
            keras.Input((6,)),
            maxout,
            learned,
            keras.layers.Dense(8, kernel_initializer=keras.initializers.LecunNormal(1)),
            SELU(),
            fixed,
            keras.layers.Dense(
                1, kernel_initializer=keras.initializers.GlorotUniform(2)
            ),
        ]
    )
    kernel_before = to_numpy(maxout.kernel).copy()
    bias_before = to_numpy(maxout.bias).copy()
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="mse", jit_compile=True)
    assert model.jit_compile
    history = model.fit(x, y, batch_size=16, epochs=6, verbose=0)
    losses = history.history["loss"]
    assert np.isfinite(losses).all()
    assert losses[-1] < 0.7 * losses[0], losses
    assert np.abs(to_numpy(maxout.kernel) - kernel_before).max() > 1e-2
    assert np.abs(to_numpy(maxout.bias) - bias_before).max() > 1e-2
    # The learned beta moves; the fixed one is not a trainable weight.
    assert abs(float(to_numpy(learned.beta)) - 0.5) > 0.02
    assert float(to_numpy(fixed.beta)) == 0.5
    assert len(learned.trainable_weights) == 1
    assert fixed.trainable_weights == [] and len(fixed.non_trainable_weights) == 1
    trainable = {id(v) for v in model.trainable_variables}
    assert id(fixed.beta) not in trainable and id(learned.beta) in trainable


def test_layers_are_registered():
    for cls in (Swish, SELU, Maxout):
        name = f"kerasnotes>{cls.__name__}"
        assert keras.saving.get_registered_object(name) is cls

"""Xavier / He / LeCun initializers: variances, bounds, fans, seeds."""

import math

import keras
import numpy as np
import pytest

from kerasnotes import initializers
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from kerasnotes.testing import to_numpy

DENSE = (400, 300)  # fan_in 400, fan_out 300
CONV = (3, 3, 32, 48)  # fan_in 3*3*32 = 288, fan_out 3*3*48 = 432

# name -> (kind, variance as a function of (fan_in, fan_out), written from
# the papers' formulas, and the Keras VarianceScaling arguments that describe
# the same distribution).
FORMULAS = {
    "XavierUniform": ("uniform", lambda i, o: 2.0 / (i + o), (1.0, "fan_avg")),
    "XavierNormal": ("normal", lambda i, o: 2.0 / (i + o), (1.0, "fan_avg")),
    "HeUniform": ("uniform", lambda i, o: 2.0 / i, (2.0, "fan_in")),
    "HeNormal": ("normal", lambda i, o: 2.0 / i, (2.0, "fan_in")),
    "LecunNormal": ("normal", lambda i, o: 1.0 / i, (1.0, "fan_in")),
}
FANS = {DENSE: (400, 300), CONV: (288, 432)}


def test_compute_fans_by_hand():
    assert initializers.compute_fans(()) == (1, 1)
    assert initializers.compute_fans((7,)) == (7, 7)
    assert initializers.compute_fans((5, 3)) == (5, 3)
    assert initializers.compute_fans((4, 6, 2)) == (24, 8)  # Conv1D, width 4
    assert initializers.compute_fans((3, 3, 16, 32)) == (144, 288)
    assert initializers.compute_fans((2, 3, 3, 4, 5)) == (72, 90)  # Conv3D


@pytest.mark.parametrize("name", sorted(FORMULAS))
@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
def test_sample_variance_matches_formula(name, shape):
    kind, variance, _ = FORMULAS[name]
    fan_in, fan_out = FANS[shape]
    want = variance(fan_in, fan_out)
    w = to_numpy(getattr(initializers, name)(seed=3)(shape)).astype(np.float64)
    assert w.shape == shape
    n = w.size
    # The sample variance of n draws has relative standard error
    # sqrt(2/n) (normal) or sqrt(0.8/n) (uniform); allow 5 of them.
    assert abs(w.var() / want - 1) < 5 * math.sqrt(2.0 / n)
    assert abs(w.mean()) < 5 * math.sqrt(want / n)
    if kind == "uniform":
        limit = math.sqrt(3.0 * want)
        assert np.abs(w).max() <= limit * (1 + 1e-6)
        assert np.abs(w).max() > 0.999 * limit  # the bound is reached
        assert w.min() < -0.999 * limit
    else:
        # Untruncated: a normal has 0.27% of its mass beyond 3 sigma, so about
        # 300 of these draws; one truncated at 2 sigma has none.
        beyond = np.mean(np.abs(w) > 3 * math.sqrt(want))
        assert 0.0015 < beyond < 0.004, beyond
        kurtosis = np.mean(w**4) / w.var() ** 2
        assert abs(kurtosis - 3.0) < 0.1, kurtosis


@pytest.mark.parametrize("name", ["XavierNormal", "HeNormal", "LecunNormal"])
def test_keras_counterparts_are_truncated(name):
    """What makes ours different: Keras's normals stop at 2 sigma."""
    theirs = getattr(keras.initializers, name.replace("Xavier", "Glorot"))(seed=3)
    w = to_numpy(theirs(DENSE))
    _, variance, _ = FORMULAS[name]
    assert np.mean(np.abs(w) > 3 * math.sqrt(variance(*FANS[DENSE]))) == 0.0


@pytest.mark.parametrize("name", sorted(FORMULAS))
@pytest.mark.parametrize("shape", [DENSE, CONV, (5,), (2, 4, 3)])
def test_draws_equal_keras_variance_scaling(name, shape):
    """The same seed gives Keras's values for the same distribution (and
    Keras's fan computation decides the scale)."""
    kind, _, (scale, mode) = FORMULAS[name]
    reference = keras.initializers.VarianceScaling(
        scale=scale,
        mode=mode,
        distribution="uniform" if kind == "uniform" else "untruncated_normal",
        seed=11,
    )
    ours = getattr(initializers, name)(seed=11)
    assert_allclose(ours(shape), reference(shape), rtol=1e-6, atol=1e-7)


def test_uniform_ones_equal_keras_builtins():
    assert_allclose(
        initializers.XavierUniform(seed=5)(CONV),
        keras.initializers.GlorotUniform(seed=5)(CONV),
    )
    assert_allclose(
        initializers.HeUniform(seed=5)(DENSE),
        keras.initializers.HeUniform(seed=5)(DENSE),
    )


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_seeded_reproducibility(name):
    cls = getattr(initializers, name)
    a = to_numpy(cls(seed=7)((20, 10)))
    # An integer seed: same values from another instance and on every call.
    assert np.array_equal(a, to_numpy(cls(seed=7)((20, 10))))
    init = cls(seed=7)
    assert np.array_equal(to_numpy(init((20, 10))), to_numpy(init((20, 10))))
    assert not np.array_equal(a, to_numpy(cls(seed=8)((20, 10))))
    # A SeedGenerator: new values at each call, reproducible as a sequence.
    gen = cls(seed=keras.random.SeedGenerator(7))
    first, second = to_numpy(gen((20, 10))), to_numpy(gen((20, 10)))
    assert not np.array_equal(first, second)
    again = cls(seed=keras.random.SeedGenerator(7))
    assert np.array_equal(first, to_numpy(again((20, 10))))
    # seed=None: fixed at construction, reproducible under set_random_seed.
    keras.utils.set_random_seed(99)
    unseeded = cls()
    b = to_numpy(unseeded((20, 10)))
    assert np.array_equal(b, to_numpy(unseeded((20, 10))))
    keras.utils.set_random_seed(99)
    assert np.array_equal(b, to_numpy(cls()((20, 10))))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_dtype(dtype):
    w = initializers.HeNormal(seed=1)((8, 4), dtype=dtype)
    assert keras.backend.standardize_dtype(w.dtype) == dtype


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_serialization_roundtrip(name):
    init = getattr(initializers, name)(seed=42)
    out = assert_serialization_roundtrip(init, {"seed": 42})
    for clone in out.values():
        assert type(clone) is type(init)
        assert_allclose(clone((4, 3)), init((4, 3)))
    assert keras.saving.get_registered_object(f"kerasnotes>{name}") is type(init)


def test_usable_by_name_and_in_conv():
    layer = keras.layers.Conv2D(6, 3, kernel_initializer="kerasnotes>HeNormal")
    layer.build((None, 8, 8, 4))
    assert isinstance(layer.kernel_initializer, initializers.HeNormal)
    assert layer.kernel.shape == (3, 3, 4, 6)


@pytest.mark.parametrize("seed", ["a", 1.5, True, [1]])
@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_bad_seed(name, seed):
    with pytest.raises(ValueError, match="`seed`") as info:
        getattr(initializers, name)(seed=seed)
    assert str(info.value).endswith(f"Received: seed={seed!r}")

"""Xavier / He / LeCun initializers against the papers' formulas.

Every expected number is written here from the formulas of API.md (and the
papers); fans are computed by hand, receptive field included for conv
kernels. Nothing is compared with the package's own fan or variance code.
"""

import inspect
import math

import keras
import numpy as np
import pytest

from kerasnotes import initializers
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from kerasnotes.testing import keras_file_roundtrip
from kerasnotes.testing import to_numpy

# A Dense kernel (in, out): fan_in = in, fan_out = out.
DENSE = (400, 300)
DENSE_FANS = (400, 300)
# A Conv2D kernel (height, width, in, out): both fans are multiplied by the
# receptive field, the window's height * width.
CONV = (3, 3, 32, 48)
RECEPTIVE_FIELD = 3 * 3
CONV_FANS = (RECEPTIVE_FIELD * 32, RECEPTIVE_FIELD * 48)  # (288, 432)
# A Conv1D kernel (width, in, out) and a Conv3D kernel (d, h, w, in, out).
CONV1D = (4, 6, 2)
CONV1D_FANS = (4 * 6, 4 * 2)
CONV3D = (2, 3, 3, 4, 5)
CONV3D_FANS = (2 * 3 * 3 * 4, 2 * 3 * 3 * 5)
FANS = {DENSE: DENSE_FANS, CONV: CONV_FANS, CONV1D: CONV1D_FANS, CONV3D: CONV3D_FANS}

# name -> (distribution, Var(W) as a function of (fan_in, fan_out)), from
# Glorot & Bengio 2010 (eq. 12, 16), He et al. 2015 (eq. 10) and LeCun et al.
# 1998; a uniform U(-b, b) has variance b^2 / 3.
FORMULAS = {
    "XavierUniform": ("uniform", lambda i, o: 2.0 / (i + o)),
    "XavierNormal": ("normal", lambda i, o: 2.0 / (i + o)),
    "HeUniform": ("uniform", lambda i, o: 2.0 / i),
    "HeNormal": ("normal", lambda i, o: 2.0 / i),
    "LecunNormal": ("normal", lambda i, o: 1.0 / i),
}
# The uniform bounds exactly as API.md writes them.
BOUNDS = {
    "XavierUniform": lambda i, o: math.sqrt(6.0 / (i + o)),
    "HeUniform": lambda i, o: math.sqrt(6.0 / i),
}


def _draw(name, shape, seed=3):
    return to_numpy(getattr(initializers, name)(seed=seed)(shape)).astype(np.float64)


def test_compute_fans_by_hand():
    assert initializers.compute_fans(()) == (1, 1)
    assert initializers.compute_fans((7,)) == (7, 7)
    assert initializers.compute_fans((5, 3)) == (5, 3)
    for shape, fans in FANS.items():
        assert initializers.compute_fans(shape) == fans, shape


@pytest.mark.parametrize("name", sorted(BOUNDS))
@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
def test_uniform_bounds_closed_form(name, shape):
    limit = BOUNDS[name](*FANS[shape])
    w = _draw(name, shape)
    assert w.shape == shape
    assert np.abs(w).max() <= limit * (1 + 1e-6)
    # With 10^5 draws both ends of the interval are reached.
    assert w.max() > 0.999 * limit
    assert w.min() < -0.999 * limit
    # U(-b, b) has variance b^2 / 3: the formula's variance.
    _, variance = FORMULAS[name]
    assert limit**2 / 3 == pytest.approx(variance(*FANS[shape]), rel=1e-12)


@pytest.mark.parametrize("name", sorted(FORMULAS))
@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
def test_sample_variance_matches_formula(name, shape):
    kind, variance = FORMULAS[name]
    want = variance(*FANS[shape])
    w = _draw(name, shape)
    n = w.size
    # The sample variance of n draws has relative standard error
    # sqrt(2/n) (normal) or sqrt(0.8/n) (uniform); allow 5 of them.
    assert abs(w.var() / want - 1) < 5 * math.sqrt(2.0 / n)
    assert abs(w.mean()) < 5 * math.sqrt(want / n)
    # The reported variance is the formula's.
    init = getattr(initializers, name)(seed=3)
    assert init.variance(shape) == pytest.approx(want, rel=1e-12)
    if kind == "normal":
        # Untruncated: a normal has 0.27% of its mass beyond 3 sigma, so about
        # 300 of these draws; one truncated at 2 sigma has none.
        beyond = np.mean(np.abs(w) > 3 * math.sqrt(want))
        assert 0.0015 < beyond < 0.004, beyond
        kurtosis = np.mean(w**4) / w.var() ** 2
        assert abs(kurtosis - 3.0) < 0.1, kurtosis


@pytest.mark.parametrize("name", sorted(FORMULAS))
@pytest.mark.parametrize("shape", [CONV1D, CONV3D], ids=["conv1d", "conv3d"])
def test_small_conv_kernels_use_the_receptive_field(name, shape):
    # Too few entries for a variance test: the scale is read off many seeds.
    _, variance = FORMULAS[name]
    want = variance(*FANS[shape])
    draws = np.stack([_draw(name, shape, seed=s) for s in range(200)])
    assert abs(draws.var() / want - 1) < 5 * math.sqrt(2.0 / draws.size)


@pytest.mark.parametrize("name", ["XavierNormal", "HeNormal", "LecunNormal"])
def test_keras_counterparts_are_truncated(name):
    """What makes ours different: Keras's normals stop at 2 sigma."""
    theirs = getattr(keras.initializers, name.replace("Xavier", "Glorot"))(seed=3)
    w = to_numpy(theirs(DENSE))
    _, variance = FORMULAS[name]
    assert np.mean(np.abs(w) > 3 * math.sqrt(variance(*DENSE_FANS))) == 0.0


def test_uniform_ones_equal_keras_builtins():
    # Keras's GlorotUniform and HeUniform are the same distributions, and the
    # same seed gives the same values, as in Keras.
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
    assert np.array_equal(a, to_numpy(cls(seed=np.int64(7))((20, 10))))
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
def test_config_is_exactly_the_constructor_arguments(name):
    cls = getattr(initializers, name)
    assert list(inspect.signature(cls).parameters) == ["seed"]
    assert cls(seed=42).get_config() == {"seed": 42}
    assert cls().get_config() == {"seed": None}
    # VarianceScaling's own keys are not passed on: from_config works.
    assert isinstance(cls.from_config(cls(seed=42).get_config()), cls)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_serialization_roundtrip(name):
    init = getattr(initializers, name)(seed=42)
    out = assert_serialization_roundtrip(init, {"seed": 42})
    for clone in out.values():
        assert type(clone) is type(init)
        assert_allclose(clone((4, 3)), init((4, 3)), rtol=0, atol=0)
    assert keras.saving.get_registered_object(f"kerasnotes>{name}") is type(init)


@pytest.mark.parametrize("name", ["XavierNormal", "HeUniform"])
def test_seed_generator_survives_config_and_keras_file(name):
    cls = getattr(initializers, name)
    init = cls(seed=keras.random.SeedGenerator(11))
    clone = cls.from_config(init.get_config())
    assert isinstance(clone.seed, keras.random.SeedGenerator)
    # A fresh generator from the same seed: the same first draw.
    fresh = to_numpy(cls(seed=keras.random.SeedGenerator(11))((5, 4)))
    assert np.array_equal(to_numpy(clone((5, 4))), fresh)
    reloaded = keras_file_roundtrip(cls(seed=keras.random.SeedGenerator(11)))
    assert type(reloaded) is cls
    assert isinstance(reloaded.seed, keras.random.SeedGenerator)


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

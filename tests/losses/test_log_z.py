"""log Z(alpha): the stored table against direct SciPy integration."""

import importlib.util
import math
import pathlib

import keras
import numpy as np
import pytest

from kerasnotes._internal.autodiff import value_and_grad
from kerasnotes.losses import log_partition
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import to_numpy

GENERATOR = pathlib.Path(__file__).parents[2] / "scripts" / "generate_log_z.py"


def _load_generator():
    """scripts/generate_log_z.py as a module (its `main()` is not run)."""
    spec = importlib.util.spec_from_file_location("generate_log_z", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


integrate = pytest.importorskip("scipy.integrate", reason="needs SciPy")
special = pytest.importorskip("scipy.special", reason="needs SciPy")


def _direct_log_z(alpha):
    """Integrates exp(-rho(x, alpha, 1)) over the line, rho from eq. 1."""

    def density(x):
        z = x * x
        if alpha == 0.0:
            return 1.0 / (0.5 * z + 1.0)
        if alpha == 2.0:
            return math.exp(-0.5 * z)
        b = abs(alpha - 2.0)
        return math.exp(-b / alpha * ((z / b + 1.0) ** (alpha / 2.0) - 1.0))

    value, _ = integrate.quad(
        density, -np.inf, np.inf, epsabs=0, epsrel=1e-11, limit=400
    )
    return math.log(value)


def test_closed_forms():
    # alpha=0: Cauchy, 1/(1 + x^2/2) integrates to pi*sqrt(2);
    # alpha=2: Gaussian, sqrt(2 pi);
    # alpha=1: e^1 * integral of exp(-sqrt(x^2+1)) = 2 e K_1(1).
    alphas = np.array([0.0, 1.0, 2.0], "float32")
    expected = [
        math.log(math.pi * math.sqrt(2.0)),
        math.log(2.0 * math.e * special.k1(1.0)),
        0.5 * math.log(2.0 * math.pi),
    ]
    assert_allclose(log_partition(alphas), expected, rtol=1e-6, atol=1e-6)


def test_matches_direct_integration_to_1e_4():
    rng = np.random.default_rng(0)
    alphas = np.concatenate(
        [
            rng.uniform(0.0, 4.0, size=60),
            2.0 - 10 ** rng.uniform(-6, -1, size=15),
            2.0 + 10 ** rng.uniform(-6, -1, size=10),
            10 ** rng.uniform(-6, -1, size=10),
            [0.001, 1.999, 0.5, 1.5, 3.0, 4.0],
        ]
    )
    ours = to_numpy(log_partition(alphas.astype("float32")))
    direct = np.array([_direct_log_z(float(a)) for a in alphas.astype("float32")])
    err = np.abs(ours - direct)
    assert err.max() <= 1e-4, (alphas[err.argmax()], err.max())


def test_stored_knots_are_what_the_generator_makes():
    generator = _load_generator()
    # It writes the table the package reads.
    import kerasnotes.losses

    packaged = pathlib.Path(kerasnotes.losses.__file__).with_name("log_z.npz")
    assert generator.OUTPUT.resolve() == packaged.resolve()
    with np.load(generator.OUTPUT) as table:
        knots, values = table["alpha"], table["log_z"]
    np.testing.assert_array_equal(knots, generator.knots())
    assert np.all(np.diff(knots) > 0)
    for i in [0, 17, len(knots) // 2, len(knots) - 1]:
        assert abs(values[i] - generator.log_z(float(knots[i]))) < 1e-9


def test_shape_dtype_and_finite_gradient():
    alphas = np.array([[0.0, 0.001], [1.999, 2.0], [3.5, 4.0]], "float32")
    out = log_partition(alphas)
    assert tuple(out.shape) == (3, 2)
    _, (grad,) = value_and_grad(lambda a: keras.ops.sum(log_partition(a)), alphas)
    grad = to_numpy(grad)
    assert np.all(np.isfinite(grad))
    # Z shrinks as alpha grows (rho grows with alpha for |x| > 0).
    assert np.all(grad < 0)

"""The shared ramps against NumPy closed forms written here."""

import numpy as np
import pytest

from kerasnotes.schedules._interpolation import as_float_step
from kerasnotes.schedules._interpolation import cosine_interpolate
from kerasnotes.schedules._interpolation import linear_interpolate
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import to_numpy

FRACTIONS = np.linspace(0.0, 1.0, 11, dtype="float32")


@pytest.mark.parametrize("start, end", [(0.1, 0.01), (0.002, 0.3), (1.0, 1.0)])
def test_cosine_closed_form(start, end):
    expected = end + 0.5 * (start - end) * (1 + np.cos(np.pi * FRACTIONS.astype("f8")))
    got = to_numpy(cosine_interpolate(start, end, FRACTIONS))
    assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    # start at 0, the midpoint at 1/2, end at 1
    assert_allclose(got[[0, 5, 10]], [start, (start + end) / 2, end], rtol=1e-6)


def test_linear_closed_form():
    got = linear_interpolate(0.4, 0.004, FRACTIONS)
    assert_allclose(got, 0.4 + (0.004 - 0.4) * FRACTIONS.astype("f8"), rtol=1e-6)


def test_tensor_endpoints_and_float_step():
    start = np.array([0.5, 0.2], "float32")
    got = cosine_interpolate(start, 0.1, np.array([0.0, 1.0], "float32"))
    assert_allclose(got, [0.5, 0.1], rtol=1e-6)
    step = as_float_step(np.array(7, "int64"))
    assert to_numpy(step).dtype == np.float32 and float(to_numpy(step)) == 7.0

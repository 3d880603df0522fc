"""The recorded PyTorch / optax trajectories (scripts/generate_optimizer_goldens.py)."""

import functools
import json
import pathlib

import numpy as np

from kerasnotes.testing import assert_allclose
from tests.optimizers._support import run_trajectory

PATH = pathlib.Path(__file__).with_name("goldens.json")
TOL = dict(rtol=1e-5, atol=1e-5)


@functools.lru_cache(maxsize=None)
def _cases():
    return json.loads(PATH.read_text())["cases"]


def golden(name):
    return _cases()[name]


def names(prefix):
    return sorted(name for name in _cases() if name.startswith(prefix))


def assert_matches_trajectory(optimizer, expected, steps=100):
    """Runs `optimizer` on the shared problem; every step within 1e-5."""
    got = run_trajectory(optimizer, steps)
    assert len(expected) == steps
    for step, (g, w) in enumerate(zip(got, expected)):
        for i, (gv, wv) in enumerate(zip(g, w)):
            assert_allclose(
                gv.ravel(), np.asarray(wv), err_msg=f"step {step}, variable {i}", **TOL
            )
    return got

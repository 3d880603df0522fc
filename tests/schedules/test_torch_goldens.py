"""Each schedule against PyTorch's scheduler, step for step.

The values were recorded by scripts/generate_schedule_goldens.py (PyTorch
version in goldens.json), where value `t` is the rate PyTorch uses for its
optimizer update `t`, counted from 0 like Keras's `optimizer.iterations`.
"""

import keras
import numpy as np
import pytest

from kerasnotes import schedules
from kerasnotes.testing import assert_allclose
from tests.schedules._reference import GOLDENS
from tests.schedules._reference import evaluate

CASES = GOLDENS["cases"]


def _scale(case):
    return max(case["values"])


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", ["int32", "int64", "float32"])
def test_matches_torch_on_a_step_vector(name, dtype):
    case = CASES[name]
    schedule = getattr(schedules, case["schedule"])(**case["kwargs"])
    expected = np.array(case["values"])
    steps = keras.ops.arange(len(expected), dtype=dtype)
    assert_allclose(
        schedule(steps),
        expected,
        rtol=1e-5,
        atol=1e-6 * _scale(case),
        err_msg=case["torch"],
    )


@pytest.mark.parametrize(
    "name",
    [
        "warm_restarts_t1",
        "warm_restarts_t2",
        "warm_restarts_t3",
        "cyclic_triangular2",
        "one_cycle_fractional_peak",
    ],
)
def test_matches_torch_one_scalar_step_at_a_time(name):
    case = CASES[name]
    schedule = getattr(schedules, case["schedule"])(**case["kwargs"])
    expected = np.array(case["values"])
    assert_allclose(
        evaluate(schedule, range(len(expected))),
        expected,
        rtol=1e-5,
        atol=1e-6 * _scale(case),
        err_msg=case["torch"],
    )


@pytest.mark.parametrize(
    "name, restarts",
    [
        ("warm_restarts_t1", [5, 10, 15, 20]),
        ("warm_restarts_t2", [3, 9, 21, 45, 93, 189]),
        ("warm_restarts_t3", [2, 8, 26, 80, 242]),
    ],
)
def test_every_restart_step_is_the_maximum(name, restarts):
    case = CASES[name]
    schedule = schedules.CosineAnnealingWarmRestarts(**case["kwargs"])
    lr0 = case["kwargs"]["initial_learning_rate"]
    for step in [0] + restarts:
        # PyTorch agrees, and so do we, exactly at the restart ...
        assert case["values"][step] == pytest.approx(lr0, rel=1e-12)
        assert float(schedule(step)) == pytest.approx(lr0, rel=1e-6)
        # ... and the step before it is the last (lowest) step of the
        # previous cycle, not a restart.
        if step:
            before = float(schedule(step - 1))
            assert before < 0.6 * lr0
            assert before == pytest.approx(
                case["values"][step - 1], rel=1e-5, abs=1e-6 * lr0
            )


def test_one_cycle_peaks_at_pct_start_times_total_minus_one():
    case = CASES["one_cycle_cos"]  # 20 steps, pct_start 0.3: peak at 5
    values = case["values"]
    assert int(np.argmax(values)) == 5
    schedule = schedules.OneCycle(**case["kwargs"])
    assert float(schedule(5)) == pytest.approx(0.1, rel=1e-6)
    assert float(schedule(4)) < 0.1 and float(schedule(6)) < 0.1

import numpy as np
import pytest

from kerasnotes.schedules import CyclicalLearningRate
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from tests.schedules._reference import cyclical
from tests.schedules._reference import evaluate


def test_hand_checked_triangle():
    schedule = CyclicalLearningRate(0.1, 0.5, step_size=2)
    # 0.1 at 0, 4, 8; 0.5 at 2, 6; halfway between at odd steps.
    assert_allclose(
        evaluate(schedule, range(9)),
        [0.1, 0.3, 0.5, 0.3, 0.1, 0.3, 0.5, 0.3, 0.1],
        rtol=1e-6,
    )


def test_triangular2_halves_the_height_each_cycle():
    schedule = CyclicalLearningRate(0.0, 0.8, step_size=3, mode="triangular2")
    peaks = evaluate(schedule, [3, 9, 15, 21])
    assert_allclose(peaks, [0.8, 0.4, 0.2, 0.1], rtol=1e-6)


@pytest.mark.parametrize(
    "mode, gamma", [("triangular", 1.0), ("triangular2", 1.0), ("exp_range", 0.99)]
)
def test_closed_form(mode, gamma):
    schedule = CyclicalLearningRate(0.003, 0.03, 7, mode=mode, gamma=gamma)
    steps = np.arange(0, 150)
    expected = [cyclical(t, 0.003, 0.03, 7, mode, gamma) for t in steps]
    assert_allclose(evaluate(schedule, steps), expected, rtol=1e-5, atol=1e-8)
    # Float steps between integers follow the same triangle.
    halves = np.arange(0, 40) + 0.5
    assert_allclose(
        evaluate(schedule, halves, "float32"),
        [cyclical(t, 0.003, 0.03, 7, mode, gamma) for t in halves],
        rtol=1e-5,
        atol=1e-8,
    )


def test_serialization_roundtrip():
    assert_serialization_roundtrip(
        CyclicalLearningRate(0.01, 0.2, 11, mode="exp_range", gamma=0.95),
        {
            "initial_learning_rate": 0.01,
            "maximal_learning_rate": 0.2,
            "step_size": 11,
            "mode": "exp_range",
            "gamma": 0.95,
        },
    )


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(maximal_learning_rate=0.05), "maximal_learning_rate"),
        (dict(step_size=0), "step_size"),
        (dict(mode="triangle"), "mode"),
        (dict(mode="exp_range", gamma=0.0), "gamma"),
        (dict(mode="exp_range", gamma=1.5), "gamma"),
        (dict(initial_learning_rate=-0.1), "initial_learning_rate"),
    ],
)
def test_bad_arguments(kwargs, name):
    args = dict(initial_learning_rate=0.1, maximal_learning_rate=1.0, step_size=5)
    args.update(kwargs)
    with pytest.raises(ValueError, match=f"Argument `{name}`.*Received: {name}="):
        CyclicalLearningRate(**args)


def test_maximal_below_initial_message_names_both():
    with pytest.raises(ValueError) as info:
        CyclicalLearningRate(0.1, 0.05, 5)
    assert str(info.value) == (
        "Argument `maximal_learning_rate` must be >= initial_learning_rate "
        "(0.1). Received: maximal_learning_rate=0.05"
    )

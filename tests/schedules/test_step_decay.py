import numpy as np
import pytest

from kerasnotes.schedules import StepDecay
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from tests.schedules._reference import evaluate
from tests.schedules._reference import step_decay


def test_hand_checked_drops():
    schedule = StepDecay(0.8, step_size=5, drop_rate=0.5)
    assert_allclose(
        evaluate(schedule, [0, 4, 5, 9, 10, 15]),
        [0.8, 0.8, 0.4, 0.4, 0.2, 0.1],
        rtol=1e-7,
    )


def test_closed_form_float_steps():
    schedule = StepDecay(0.05, step_size=6, drop_rate=0.7)
    steps = np.arange(0, 80) * 0.75
    assert_allclose(
        evaluate(schedule, steps, "float32"),
        [0.05 * 0.7 ** np.floor(t / 6) for t in steps],
        rtol=1e-6,
    )
    assert_allclose(evaluate(schedule, [61]), [step_decay(61, 0.05, 6, 0.7)], rtol=1e-6)


def test_serialization_roundtrip():
    assert_serialization_roundtrip(
        StepDecay(0.3, step_size=12, drop_rate=0.1),
        {"initial_learning_rate": 0.3, "step_size": 12, "drop_rate": 0.1},
    )


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(step_size=0), "step_size"),
        (dict(drop_rate=0.0), "drop_rate"),
        (dict(drop_rate=1.5), "drop_rate"),
        (dict(initial_learning_rate=float("inf")), "initial_learning_rate"),
    ],
)
def test_bad_arguments(kwargs, name):
    args = dict(initial_learning_rate=0.1, step_size=10)
    args.update(kwargs)
    with pytest.raises(ValueError, match=f"Argument `{name}`.*Received: {name}="):
        StepDecay(**args)

import keras
import numpy as np
import pytest

from kerasnotes.schedules import CosineAnnealingWarmRestarts
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from tests.schedules._reference import evaluate
from tests.schedules._reference import warm_restarts


def test_hand_checked_values():
    # T_0 = 2, t_mul = 2: cycles [0, 2), [2, 6), [6, 14); mid-cycle = 0.5 lr0.
    schedule = CosineAnnealingWarmRestarts(0.1, first_decay_steps=2)
    assert_allclose(
        evaluate(schedule, [0, 1, 2, 4, 6, 10, 14]),
        [0.1, 0.05, 0.1, 0.05, 0.1, 0.05, 0.1],
        rtol=1e-6,
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(
            initial_learning_rate=0.1,
            first_decay_steps=7,
            t_mul=2.0,
            m_mul=0.8,
            min_learning_rate=0.01,
        ),
        dict(initial_learning_rate=0.1, first_decay_steps=4, t_mul=1.5, m_mul=0.9),
        dict(
            initial_learning_rate=0.05,
            first_decay_steps=10,
            t_mul=1.0,
            m_mul=0.5,
            min_learning_rate=0.005,
        ),
        dict(initial_learning_rate=1.0, first_decay_steps=1, t_mul=2.0),
    ],
)
def test_closed_form(kwargs):
    schedule = CosineAnnealingWarmRestarts(**kwargs)
    steps = np.arange(300)
    expected = [
        warm_restarts(
            int(t),
            kwargs["initial_learning_rate"],
            kwargs["first_decay_steps"],
            kwargs["t_mul"],
            kwargs.get("m_mul", 1.0),
            kwargs.get("min_learning_rate", 0.0),
        )
        for t in steps
    ]
    got = schedule(keras.ops.convert_to_tensor(steps, "int32"))
    assert_allclose(got, expected, rtol=1e-4, atol=1e-6)


def test_matches_keras_cosine_decay_restarts_away_from_restarts():
    # With min_learning_rate=0, m_mul means what Keras's m_mul means. Keras
    # 3.15 is wrong at some restart steps, so compare mid-cycle only.
    ours = CosineAnnealingWarmRestarts(0.1, 5, t_mul=2.0, m_mul=0.7)
    keras_schedule = keras.optimizers.schedules.CosineDecayRestarts(
        0.1, 5, t_mul=2.0, m_mul=0.7, alpha=0.0
    )
    restarts = {0, 5, 15, 35, 75}
    steps = [t for t in range(120) if t not in restarts]
    assert_allclose(
        evaluate(ours, steps),
        evaluate(keras_schedule, steps),
        rtol=1e-4,
        atol=1e-7,
    )


def test_large_step_counts_keep_restarts_exact():
    schedule = CosineAnnealingWarmRestarts(0.1, 1000, t_mul=2.0)
    # Restarts at 1000 * (2^k - 1).
    restarts = [1000 * (2**k - 1) for k in range(1, 12)]
    assert_allclose(evaluate(schedule, restarts), [0.1] * len(restarts))
    assert np.all(evaluate(schedule, [r - 1 for r in restarts]) < 1e-5)


def test_serialization_roundtrip():
    assert_serialization_roundtrip(
        CosineAnnealingWarmRestarts(
            0.2, 9, t_mul=3.0, m_mul=0.75, min_learning_rate=0.02
        ),
        {
            "initial_learning_rate": 0.2,
            "first_decay_steps": 9,
            "t_mul": 3.0,
            "m_mul": 0.75,
            "min_learning_rate": 0.02,
        },
    )


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(first_decay_steps=0), "first_decay_steps"),
        (dict(first_decay_steps=-3), "first_decay_steps"),
        (dict(first_decay_steps=10, t_mul=0.5), "t_mul"),
        (dict(first_decay_steps=10, m_mul=0.0), "m_mul"),
        (dict(first_decay_steps=10, min_learning_rate=0.5), "min_learning_rate"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"Argument `{name}`.*Received: {name}="):
        CosineAnnealingWarmRestarts(0.1, **kwargs)

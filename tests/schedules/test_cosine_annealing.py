import math

import pytest

from kerasnotes.schedules import CosineAnnealing
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from tests.schedules._reference import cosine_annealing
from tests.schedules._reference import evaluate


def test_hand_checked_values():
    schedule = CosineAnnealing(0.1, decay_steps=4, min_learning_rate=0.02)
    # 0.02 + 0.04 * (1 + cos(pi t / 4)): 0.1, 0.02 + 0.04 (1 + 1/sqrt 2), 0.06
    assert_allclose(
        evaluate(schedule, [0, 1, 2, 4]),
        [0.1, 0.02 + 0.04 * (1 + math.sqrt(0.5)), 0.06, 0.02],
        rtol=1e-6,
    )


def test_closed_form_and_flat_after_decay_steps():
    schedule = CosineAnnealing(0.3, decay_steps=37, min_learning_rate=0.001)
    steps = list(range(0, 60)) + [10**5]
    expected = [cosine_annealing(t, 0.3, 37, 0.001) for t in steps]
    assert_allclose(evaluate(schedule, steps), expected, rtol=1e-5, atol=1e-7)
    assert_allclose(evaluate(schedule, [37, 38, 500], "float32"), [0.001] * 3)


def test_serialization_roundtrip():
    assert_serialization_roundtrip(
        CosineAnnealing(0.2, decay_steps=17, min_learning_rate=0.01),
        {"initial_learning_rate": 0.2, "decay_steps": 17, "min_learning_rate": 0.01},
    )


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(initial_learning_rate=-0.1, decay_steps=10), "initial_learning_rate"),
        (dict(initial_learning_rate=0.1, decay_steps=0), "decay_steps"),
        (dict(initial_learning_rate=0.1, decay_steps=-5), "decay_steps"),
        (dict(initial_learning_rate=0.1, decay_steps=2.5), "decay_steps"),
        (
            dict(initial_learning_rate=0.1, decay_steps=10, min_learning_rate=-1e-3),
            "min_learning_rate",
        ),
        (
            dict(initial_learning_rate=0.1, decay_steps=10, min_learning_rate=0.2),
            "min_learning_rate",
        ),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"Argument `{name}`.*Received: {name}="):
        CosineAnnealing(**kwargs)

import keras
import numpy as np
import pytest

from kerasnotes.schedules import CosineAnnealing
from kerasnotes.schedules import OneCycle
from kerasnotes.schedules import StepDecay
from kerasnotes.schedules import WarmUp
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from tests.schedules._reference import cosine_annealing
from tests.schedules._reference import evaluate
from tests.schedules._reference import one_cycle

schedules_api = keras.optimizers.schedules


def test_hand_checked_constant():
    schedule = WarmUp(0.4, warmup_steps=4, start_learning_rate=0.0)
    assert_allclose(
        evaluate(schedule, [0, 1, 3, 4, 5, 1000]),
        [0.0, 0.1, 0.3, 0.4, 0.4, 0.4],
        rtol=1e-6,
    )


def test_last_warmup_step_and_hand_over():
    inner = StepDecay(0.2, step_size=3, drop_rate=0.5)
    schedule = WarmUp(inner, warmup_steps=5, start_learning_rate=0.02)
    # Linear 0.02 -> 0.2 over 5 steps; then the inner schedule from its step 0.
    assert_allclose(
        evaluate(schedule, [0, 4, 5, 7, 8, 11]),
        [0.02, 0.02 + 0.18 * 4 / 5, 0.2, 0.2, 0.1, 0.05],
        rtol=1e-6,
    )


@pytest.mark.parametrize("alpha", [0.0, 0.1])
@pytest.mark.parametrize("start", [0.0, 0.01])
def test_matches_keras_cosine_decay_with_warmup(alpha, start):
    target, decay_steps, warmup_steps = 0.5, 40, 10
    ours = WarmUp(
        schedules_api.CosineDecay(target, decay_steps, alpha=alpha),
        warmup_steps,
        start_learning_rate=start,
    )
    reference = schedules_api.CosineDecay(
        start,
        decay_steps,
        alpha=alpha,
        warmup_target=target,
        warmup_steps=warmup_steps,
    )
    steps = list(range(0, 70))
    assert_allclose(
        evaluate(ours, steps), evaluate(reference, steps), rtol=1e-6, atol=1e-7
    )


def test_composes_with_one_cycle_closed_form():
    schedule = WarmUp(OneCycle(0.3, 50, pct_start=0.4), 8, 0.001)
    steps = np.arange(0, 70)
    expected = [
        0.001 + (0.3 / 25 - 0.001) * t / 8 if t < 8 else one_cycle(t - 8, 0.3, 50, 0.4)
        for t in steps
    ]
    assert_allclose(evaluate(schedule, steps), expected, rtol=1e-5, atol=1e-8)


def test_keras_exponential_decay_inside():
    inner = schedules_api.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5)
    schedule = WarmUp(inner, 2)
    assert_allclose(
        evaluate(schedule, [0, 1, 2, 6, 10]),
        [0.0, 0.05, 0.1, 0.1 * 0.5, 0.1 * 0.25],
        rtol=1e-6,
    )


def test_serialization_roundtrip_of_a_float():
    assert_serialization_roundtrip(
        WarmUp(0.25, warmup_steps=30, start_learning_rate=0.001),
        {"schedule": 0.25, "warmup_steps": 30, "start_learning_rate": 0.001},
    )


def test_serialization_roundtrip_of_our_schedule():
    inner = CosineAnnealing(0.3, 100, min_learning_rate=0.003)
    out = assert_serialization_roundtrip(
        WarmUp(inner, warmup_steps=12, start_learning_rate=0.01),
        {"schedule": inner, "warmup_steps": 12, "start_learning_rate": 0.01},
    )
    loaded = out["keras_file"]
    assert isinstance(loaded.schedule, CosineAnnealing)
    assert loaded.schedule.min_learning_rate == 0.003
    steps = [0, 11, 12, 60, 200]
    assert_allclose(evaluate(loaded, steps), evaluate(WarmUp(inner, 12, 0.01), steps))
    assert_allclose(
        evaluate(loaded, [60]),
        [cosine_annealing(48, 0.3, 100, 0.003)],
        rtol=1e-6,
    )


def test_serialization_roundtrip_of_a_keras_schedule():
    inner = schedules_api.CosineDecay(0.2, 50, alpha=0.05)
    out = assert_serialization_roundtrip(
        WarmUp(inner, warmup_steps=7), {"schedule": inner, "warmup_steps": 7}
    )
    loaded = out["keras_file"].schedule
    assert isinstance(loaded, schedules_api.CosineDecay)
    assert loaded.alpha == 0.05


def test_nested_warmup_roundtrip():
    inner = WarmUp(StepDecay(0.1, 5, 0.25), 3)
    out = assert_serialization_roundtrip(
        WarmUp(inner, 2, 0.05), {"schedule": inner, "start_learning_rate": 0.05}
    )
    assert isinstance(out["keras_file"].schedule.schedule, StepDecay)


@pytest.mark.parametrize(
    "args, name",
    [
        (("cosine", 10), "schedule"),
        ((-0.1, 10), "schedule"),
        ((None, 10), "schedule"),
        ((0.1, 0.5), "warmup_steps"),
        ((0.1, -4), "warmup_steps"),
        ((0.1, 10, -0.01), "start_learning_rate"),
    ],
)
def test_bad_arguments(args, name):
    with pytest.raises(ValueError, match=f"Argument `{name}`.*Received: {name}="):
        WarmUp(*args)

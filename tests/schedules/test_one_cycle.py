import numpy as np
import pytest

from kerasnotes.schedules import OneCycle
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from tests.schedules._reference import evaluate
from tests.schedules._reference import one_cycle


def test_hand_checked_linear():
    # T = 11, pct 0.5: peak at 4.5; lr0 = 1/10 = 0.1, lr_end = 0.1 / 100.
    schedule = OneCycle(
        1.0,
        11,
        pct_start=0.5,
        div_factor=10.0,
        final_div_factor=100.0,
        anneal_strategy="linear",
    )
    got = evaluate(schedule, [0, 4, 5, 10, 11, 50])
    # up: 0.1 + 0.9 * t / 4.5; down: 1 + (0.001 - 1) * (t - 4.5) / 5.5
    assert_allclose(
        got,
        [0.1, 0.1 + 0.9 * 4 / 4.5, 1 - 0.999 * 0.5 / 5.5, 0.001, 0.001, 0.001],
        rtol=1e-6,
    )


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("total, pct", [(100, 0.3), (57, 0.45), (10, 0.15)])
def test_closed_form_and_past_total_steps(strategy, total, pct):
    schedule = OneCycle(
        0.4,
        total,
        pct_start=pct,
        div_factor=20.0,
        final_div_factor=50.0,
        anneal_strategy=strategy,
    )
    steps = np.arange(0, total + 20)
    expected = [one_cycle(t, 0.4, total, pct, 20.0, 50.0, strategy) for t in steps]
    assert_allclose(evaluate(schedule, steps), expected, rtol=1e-5, atol=1e-7)
    final = 0.4 / 20.0 / 50.0
    assert_allclose(
        evaluate(schedule, [total - 1, total, 10 * total]), [final] * 3, rtol=1e-5
    )


def test_serialization_roundtrip():
    assert_serialization_roundtrip(
        OneCycle(
            0.3,
            250,
            pct_start=0.2,
            div_factor=10.0,
            final_div_factor=300.0,
            anneal_strategy="linear",
        ),
        {
            "maximal_learning_rate": 0.3,
            "total_steps": 250,
            "pct_start": 0.2,
            "div_factor": 10.0,
            "final_div_factor": 300.0,
            "anneal_strategy": "linear",
        },
    )


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(maximal_learning_rate=0.0), "maximal_learning_rate"),
        (dict(total_steps=0), "total_steps"),
        (dict(total_steps=1.5), "total_steps"),
        (dict(pct_start=-0.1), "pct_start"),
        (dict(pct_start=1.0), "pct_start"),
        (dict(pct_start=1.2), "pct_start"),
        (dict(div_factor=0.0), "div_factor"),
        (dict(final_div_factor=-1.0), "final_div_factor"),
        (dict(anneal_strategy="cosine"), "anneal_strategy"),
    ],
)
def test_bad_arguments(kwargs, name):
    args = dict(maximal_learning_rate=0.1, total_steps=100)
    args.update(kwargs)
    with pytest.raises(ValueError, match=f"Argument `{name}`.*Received: {name}="):
        OneCycle(**args)

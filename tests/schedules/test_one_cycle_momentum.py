import numpy as np
import pytest

from kerasnotes.schedules import OneCycle
from kerasnotes.schedules import OneCycleMomentum
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from tests.optimizers._goldens import golden
from tests.optimizers._goldens import names
from tests.schedules._reference import evaluate
from tests.schedules._reference import one_cycle_momentum


def test_hand_checked_linear():
    # T = 11, pct 0.5: the turn at step 4.5; 0.9 -> 0.8 -> 0.9.
    schedule = OneCycleMomentum(11, 0.5, 0.8, 0.9, anneal_strategy="linear")
    got = evaluate(schedule, [0, 4, 5, 10, 11, 40])
    assert_allclose(
        got,
        [0.9, 0.9 - 0.1 * 4 / 4.5, 0.8 + 0.1 * 0.5 / 5.5, 0.9, 0.9, 0.9],
        rtol=1e-6,
    )


@pytest.mark.parametrize("name", names("one_cycle_momentum_"))
def test_matches_torch_one_cycle_lr_momentum(name):
    """The betas[0] torch's OneCycleLR(cycle_momentum=True) set before each
    update (recorded by scripts/generate_optimizer_goldens.py)."""
    case = golden(name)
    want = case["values"]
    got = evaluate(OneCycleMomentum(**case["kwargs"]), range(len(want)))
    assert_allclose(got, want, rtol=0, atol=1e-6)
    assert max(want) - min(want) > 0.05  # it really cycles


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_closed_form_and_partner_of_one_cycle(strategy):
    momentum = OneCycleMomentum(40, 0.35, 0.82, 0.96, anneal_strategy=strategy)
    steps = range(60)
    want = [one_cycle_momentum(t, 40, 0.35, 0.82, 0.96, strategy) for t in steps]
    assert_allclose(evaluate(momentum, steps), want, rtol=1e-6, atol=1e-7)
    # Lowest momentum where the OneCycle rate with the same cycle peaks.
    rate = evaluate(OneCycle(0.1, 40, 0.35, anneal_strategy=strategy), steps)
    got = evaluate(momentum, steps)
    assert int(np.argmax(rate)) == int(np.argmin(got))
    assert got[-1] == pytest.approx(0.96)  # past total_steps: max_momentum


def test_serialization_roundtrip():
    schedule = OneCycleMomentum(
        120,
        pct_start=0.4,
        base_momentum=0.7,
        max_momentum=0.9,
        anneal_strategy="linear",
    )
    assert_serialization_roundtrip(
        schedule,
        {
            "total_steps": 120,
            "pct_start": 0.4,
            "base_momentum": 0.7,
            "max_momentum": 0.9,
            "anneal_strategy": "linear",
        },
    )


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(total_steps=0), "total_steps"),
        (dict(total_steps=1.5), "total_steps"),
        (dict(total_steps=10, pct_start=-0.1), "pct_start"),
        (dict(total_steps=10, pct_start=1.0), "pct_start"),
        (dict(total_steps=10, base_momentum=1.0), "base_momentum"),
        (dict(total_steps=10, max_momentum=-0.1), "max_momentum"),
        (dict(total_steps=10, anneal_strategy="exp"), "anneal_strategy"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}=") as info:
        OneCycleMomentum(**kwargs)
    assert repr(kwargs[name]) in str(info.value)

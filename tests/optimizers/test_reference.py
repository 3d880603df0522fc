"""Each optimizer against its Keras reference over a 100-step trajectory.

The references (API.md): NAG ~ SGD(momentum, nesterov=True), AdamW ~
keras AdamW, AMSGrad ~ Adam(amsgrad=True). Tolerance: 1e-5 absolute and
relative in float32, at every step.
"""

import keras
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from kerasnotes import optimizers
from kerasnotes.testing import assert_allclose
from tests.optimizers._support import PAIRS
from tests.optimizers._support import run_trajectory

TOL = dict(rtol=1e-5, atol=1e-5)


def _compare(ours, reference, steps=100, finalize=False):
    got = run_trajectory(ours, steps, finalize=finalize)
    want = run_trajectory(reference, steps, finalize=finalize)
    for step, (g, w) in enumerate(zip(got, want)):
        for i, (gv, wv) in enumerate(zip(g, w)):
            assert_allclose(gv, wv, err_msg=f"step {step}, variable {i}", **TOL)
    return got


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_constant_learning_rate(name):
    ours, reference = PAIRS[name]
    got = _compare(ours(), reference())
    # The problem really moves the weights: the comparison is not vacuous.
    start = run_trajectory(ours(), 1)[0]
    assert abs(got[-1][0] - start[0]).max() > 0.1


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_with_schedule(name):
    ours, reference = PAIRS[name]

    def schedule():
        return keras.optimizers.schedules.ExponentialDecay(
            0.05, decay_steps=10, decay_rate=0.5
        )

    _compare(ours(schedule()), reference(schedule()))


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_with_clipnorm(name):
    ours, reference = PAIRS[name]
    _compare(ours(clipnorm=0.5), reference(clipnorm=0.5))


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_with_ema(name):
    ours, reference = PAIRS[name]
    kwargs = dict(use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=30)
    _compare(ours(**kwargs), reference(**kwargs), finalize=True)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_with_base_weight_decay_and_global_clipnorm(name):
    ours, reference = PAIRS[name]
    if name.startswith("AdamW"):
        kwargs = dict(global_clipnorm=1.0)
    else:
        kwargs = dict(weight_decay=0.01, global_clipnorm=1.0)
    _compare(ours(**kwargs), reference(**kwargs))


unit = st.floats(0.0, 0.999, allow_nan=False)


@settings(max_examples=12, deadline=None)
@given(momentum=unit, lr=st.floats(0.0, 0.2))
def test_nag_matches_sgd_nesterov_for_any_momentum(momentum, lr):
    _compare(
        optimizers.NAG(lr, momentum=momentum),
        keras.optimizers.SGD(lr, momentum=momentum, nesterov=True)
        if momentum > 0
        else keras.optimizers.SGD(lr),
        steps=15,
    )


# beta_2 from 0.5: with beta_2 near 0, v ~ g^2 and the step m / (sqrt(v) +
# epsilon) divides by about |g|: near a zero gradient the trajectory of this
# problem is chaotic, and the float32 rounding differences between two correct
# implementations (on PyTorch Keras's Adam is a fused torch._foreach kernel)
# grow past any tolerance (beta_1=0.4375, beta_2=0 parted by 1.4e-5 within 15
# steps even with epsilon=1e-3). beta_2 = 0 stays a valid argument; beta_1
# still ranges over [0, 0.999].
@settings(max_examples=12, deadline=None)
@given(beta_1=unit, beta_2=st.floats(0.5, 0.999), amsgrad=st.booleans())
def test_adam_family_matches_for_any_betas(beta_1, beta_2, amsgrad):
    kwargs = dict(beta_1=beta_1, beta_2=beta_2, epsilon=1e-6)
    if amsgrad:
        ours = optimizers.AMSGrad(0.01, **kwargs)
    else:
        ours = optimizers.AdamW(0.01, weight_decay=0.0, **kwargs)
    _compare(ours, keras.optimizers.Adam(0.01, amsgrad=amsgrad, **kwargs), steps=15)

"""Periodic schedules at steps a float32 step count cannot hold (issue 16).

The position in the cycle is worked out in integers, so the rate at step
2^31 + 5 is the rate at step 5 of its cycle. The references are float64
closed forms written here. On JAX without its 64-bit mode integers are
int32, so there the steps stop at 2^31 - 1 and only the smaller ones are
tested; Keras's optimizers count iterations in int64 only on TensorFlow
(int32 on JAX and PyTorch).
"""

import math

import keras
import numpy as np
import pytest

from kerasnotes.schedules import CosineAnnealingWarmRestarts
from kerasnotes.schedules import CyclicalLearningRate
from kerasnotes.schedules import StepDecay
from kerasnotes.schedules import WarmUp
from kerasnotes.testing import to_numpy

STEPS = [2**20, 2**20 + 7, 2**24 + 1, 2**24 + 13, 2**31 + 5, 2**40, 2**40 + 3]


def _steps():
    if keras.backend.backend() == "jax":  # int32 steps (see the module doc)
        return [s for s in STEPS if s < 2**31]
    return STEPS


def _triangular(step, low, high, half):
    # The notes' closed form with its integer parts in Python integers
    # (exact), then float64: |step / half - 2 cycle + 1|.
    cycle = 1 + step // (2 * half)
    x = abs(step - 2 * cycle * half + half) / half
    return low + (high - low) * max(0.0, 1 - x)


def _warm_restart(step, peak, first):
    t = step % first
    return 0.5 * peak * (1 + math.cos(math.pi * t / first))


@pytest.mark.parametrize("step", STEPS)
def test_cyclical_at_large_steps(step):
    if step not in _steps():
        pytest.skip("JAX without x64 has no int64 step")
    schedule = CyclicalLearningRate(0.01, 0.1, 10)
    got = float(to_numpy(schedule(keras.ops.convert_to_tensor(step, "int64"))))
    want = _triangular(step, 0.01, 0.1, 10)
    assert abs(got - want) <= 1e-6 * 0.1, (step, got, want)


@pytest.mark.parametrize("step", STEPS)
def test_warm_restarts_at_large_steps(step):
    if step not in _steps():
        pytest.skip("JAX without x64 has no int64 step")
    schedule = CosineAnnealingWarmRestarts(0.1, 7, t_mul=1.0)
    got = float(to_numpy(schedule(keras.ops.convert_to_tensor(step, "int64"))))
    assert abs(got - _warm_restart(step, 0.1, 7)) <= 1e-6 * 0.1, step


@pytest.mark.parametrize("step", [2**24 + 1, 2**31 + 5, 2**40])
def test_step_decay_at_large_steps(step):
    if step not in _steps():
        pytest.skip("JAX without x64 has no int64 step")
    # A boundary just past the step: float32 rounds the step onto it.
    schedule = StepDecay(1.0, step_size=step + 1, drop_rate=0.5)
    got = float(to_numpy(schedule(keras.ops.convert_to_tensor(step, "int64"))))
    assert got == 1.0


def test_optimizer_uses_the_exact_rate_at_step_2_31_plus_5():
    schedule = CyclicalLearningRate(0.01, 0.1, 10)
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    optimizer.build([keras.Variable(np.zeros(2, "float32"))])
    if keras.backend.standardize_dtype(optimizer.iterations.dtype) != "int64":
        pytest.skip("Keras counts iterations in int32 here (JAX, PyTorch)")
    optimizer.iterations.assign(2**31 + 5)
    want = _triangular(2**31 + 5, 0.01, 0.1, 10)  # 0.073: step 13 of 20
    got = float(to_numpy(optimizer.learning_rate))
    assert abs(got - want) <= 1e-7, got


@pytest.mark.parametrize("step", STEPS)
def test_warmup_hands_the_wrapped_schedule_the_exact_step(step):
    if step not in _steps():
        pytest.skip("JAX without x64 has no int64 step")
    warmup = 3
    schedule = WarmUp(CosineAnnealingWarmRestarts(0.1, 7, t_mul=1.0), warmup)
    got = schedule(keras.ops.convert_to_tensor(step + warmup, "int64"))
    want = _warm_restart(step, 0.1, 7)
    assert abs(float(to_numpy(got)) - want) <= 1e-6 * 0.1, step

"""NumPy / plain-Python closed forms of the schedules, written from the
papers' formulas independently of the package code, plus a jit helper."""

import json
import math
import pathlib

import keras
import numpy as np

GOLDENS = json.loads((pathlib.Path(__file__).parent / "goldens.json").read_text())


def cosine_annealing(t, lr0, T, lr_min=0.0):
    t = min(t, T)
    return lr_min + 0.5 * (lr0 - lr_min) * (1 + math.cos(math.pi * t / T))


def warm_restarts(t, lr0, T0, t_mul=2.0, m_mul=1.0, lr_min=0.0):
    # Walk the cycles one by one (integer arithmetic when t_mul is).
    start, length, cycle = 0, T0, 0
    while t >= start + length:
        start += length
        length *= t_mul
        cycle += 1
    t_cur = t - start
    return lr_min + 0.5 * (lr0 - lr_min) * m_mul**cycle * (
        1 + math.cos(math.pi * t_cur / length)
    )


def cyclical(t, lo, hi, s, mode="triangular", gamma=1.0):
    # Smith 2017, section 3.1 (the Keras/Caffe snippet of the paper).
    cycle = math.floor(1 + t / (2 * s))
    x = abs(t / s - 2 * cycle + 1)
    scale = {
        "triangular": 1.0,
        "triangular2": 1.0 / 2 ** (cycle - 1),
        "exp_range": gamma**t,
    }[mode]
    return lo + (hi - lo) * max(0.0, 1 - x) * scale


def _one_cycle_curve(t, T, pct, start, peak_value, end, strategy):
    """PyTorch's two OneCycleLR phases: `start` at step 0, `peak_value` at
    step pct * T - 1, `end` at step T - 1 and after."""
    peak = pct * T - 1
    t = min(t, T - 1)

    def anneal(a, b, u):
        if strategy == "cos":
            return b + (a - b) * (1 + math.cos(math.pi * u)) / 2
        return a + (b - a) * u

    if t <= peak:
        return anneal(start, peak_value, t / peak)
    return anneal(peak_value, end, (t - peak) / (T - 1 - peak))


def one_cycle(t, lr_max, T, pct=0.3, div=25.0, final_div=1e4, strategy="cos"):
    lr0 = lr_max / div
    return _one_cycle_curve(t, T, pct, lr0, lr_max, lr0 / final_div, strategy)


def one_cycle_momentum(t, T, pct=0.3, base=0.85, top=0.95, strategy="cos"):
    """Smith 2018, section 4.2: from `top` down to `base` where the rate
    peaks (step pct * T - 1), back up to `top` at step T - 1."""
    return _one_cycle_curve(t, T, pct, top, base, top, strategy)


def step_decay(t, lr0, s, drop=0.5):
    return lr0 * drop ** (t // s)


def evaluate(schedule, steps, dtype="int32"):
    """The schedule at each step, one scalar call per step, as float64.

    On JAX the schedule is wrapped in `jax.jit` once: Keras's own schedules
    use `ops.cond`, which JAX would otherwise compile again at every call.
    """
    if keras.backend.backend() == "jax":
        import jax

        schedule = jax.jit(schedule)
    return np.array(
        [
            float(
                keras.ops.convert_to_numpy(
                    schedule(keras.ops.convert_to_tensor(s, dtype))
                )
            )
            for s in steps
        ]
    )


def jit(fn):
    """`fn` compiled by the backend's compiler: XLA (TensorFlow, JAX) or
    TorchDynamo/Inductor (PyTorch)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=True)
    if backend == "jax":
        import jax

        return jax.jit(fn)
    if backend == "torch":
        import torch

        return torch.compile(fn, fullgraph=True)
    raise NotImplementedError(backend)

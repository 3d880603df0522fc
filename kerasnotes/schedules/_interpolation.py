"""The arithmetic the schedules share: the float step and the two ramps.

- `as_float_step(step)`: the optimizer's iteration count (an integer or float
  tensor or a Python number) as the float32 tensor every schedule computes
  with.
- `cycle_position(step, period)`: the cycle and the position in it, the
  position worked out in integers (exact at any step) for the periodic
  schedules.
- `cosine_interpolate(start, end, fraction)`: half a cosine from `start` at
  `fraction = 0` to `end` at `fraction = 1`,

  ```
  end + 0.5 * (start - end) * (1 + cos(pi * fraction))
  ```

  the curve of `CosineAnnealing`, of each cycle of
  `CosineAnnealingWarmRestarts` and of both phases of `OneCycle`
  (`anneal_strategy="cos"`), written once as optax writes its
  `_cosine_interpolate` for its cosine schedules.
- `linear_interpolate(start, end, fraction)`: `start + (end - start) *
  fraction`, `OneCycle`'s `"linear"` strategy and `WarmUp`'s ramp.

`start` and `end` may be Python floats or tensors; `fraction` is a tensor.
"""

import math

import keras
from keras import ops


def as_float_step(step):
    """The step as a float32 tensor (integer and float steps alike)."""
    return ops.cast(step, "float32")


def cycle_position(step, period):
    """`(cycle, position)`: `step // period` and `step mod period` as float32
    tensors, for an integer `period`.

    For an integer step (the optimizer's iterations: int64 on TensorFlow and
    PyTorch, int32 on JAX without its 64-bit mode) the position is taken in
    integers before any conversion, so it is exact at every step (a float32
    step is exact only to 2^24); the cycle is exact below 2^24 cycles. A
    float step is divided in float32 (fractional steps, for plots).
    """
    if isinstance(step, int) and not isinstance(step, bool):
        step = ops.convert_to_tensor(step, "int64")
    step = ops.convert_to_tensor(step)
    if "int" not in keras.backend.standardize_dtype(step.dtype):
        step = ops.cast(step, "float32")
        cycle = ops.floor(ops.divide(step, float(period)))
        return cycle, ops.subtract(step, ops.multiply(cycle, float(period)))
    # `mod` keeps int64 on every backend (Keras's `floor_divide` makes it
    # int32 on PyTorch); the multiple of the period left is divided in float.
    position = ops.mod(step, int(period))
    whole = ops.cast(ops.subtract(step, position), "float32")
    cycle = ops.round(ops.divide(whole, float(period)))
    return cycle, ops.cast(position, "float32")


def _difference(a, b):
    """`a - b`, in Python float64 when both are Python numbers."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) - float(b)
    return ops.subtract(a, b)


def cosine_interpolate(start, end, fraction):
    """`end + 0.5 * (start - end) * (1 + cos(pi * fraction))`: `start` at
    fraction 0, the midpoint at 0.5, `end` at 1."""
    amplitude = ops.multiply(_difference(start, end), 0.5)
    half_cosine = ops.add(1.0, ops.cos(ops.multiply(fraction, math.pi)))
    return ops.add(end, ops.multiply(amplitude, half_cosine))


def linear_interpolate(start, end, fraction):
    """`start + (end - start) * fraction`: `start` at fraction 0, `end` at 1."""
    return ops.add(start, ops.multiply(_difference(end, start), fraction))

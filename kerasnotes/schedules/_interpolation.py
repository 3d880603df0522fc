"""The arithmetic the schedules share: the float step and the two ramps.

- `as_float_step(step)`: the optimizer's iteration count (an integer or float
  tensor or a Python number) as the float32 tensor every schedule computes
  with.
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

from keras import ops


def as_float_step(step):
    """The step as a float32 tensor (integer and float steps alike)."""
    return ops.cast(step, "float32")


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

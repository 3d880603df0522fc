"""A momentum or `beta_1` that is a float or a schedule (private).

Keras's optimizers take momentum and `beta_1` only as floats. NAG, AdamW,
AMSGrad and RAdam also take a
`keras.optimizers.schedules.LearningRateSchedule` there (for example
`kerasnotes.schedules.OneCycleMomentum`), evaluated inside the compiled
step at the same iteration count as the learning rate, so a one-cycle rate
and its momentum stay in phase. The helpers:

- `check_momentum(name, value)`: a float in [0, 1), or a schedule whose value
  at step 0 lies in [0, 1) (later values cannot be checked before training).
- `momentum_value(optimizer, value, dtype)`: the value for the current step,
  a tensor of `dtype`.
- `one_minus(optimizer, value, dtype)`: `1 - value` at the current step.
- `serialize_momentum(value)` / `deserialize_momentum(value)`: the
  `get_config` / `from_config` form (a float, or a nested schedule config).
"""

import keras
import numpy as np
from keras import ops

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.errors import InputTypeError
from kerasnotes._internal.validation import check_unit_interval
from kerasnotes._internal.validation import shown

_Schedule = keras.optimizers.schedules.LearningRateSchedule


def is_schedule(value):
    return isinstance(value, _Schedule)


def check_momentum(name, value):
    """A float in [0, 1) or a schedule starting in [0, 1); returns it, a
    number as a Python float."""
    if is_schedule(value):
        start = float(ops.convert_to_numpy(value(0)))
        if not 0.0 <= start < 1.0:
            raise InputError(
                f"Argument `{name}` must be in [0, 1) at every step; the "
                f"schedule gives {start!r} at step 0. Received: {name}={value!r}"
            )
        return value
    if isinstance(value, (str, bool, np.bool_)) or value is None:
        raise InputTypeError(
            f"Argument `{name}` must be a float in [0, 1) or a "
            "keras.optimizers.schedules.LearningRateSchedule. "
            f"Received: {name}={shown(value)}"
        )
    try:
        return float(check_unit_interval(name, value))
    except InputTypeError:
        pass
    raise InputTypeError(
        f"Argument `{name}` must be a float in [0, 1) or a "
        f"keras.optimizers.schedules.LearningRateSchedule. Received: {name}={value!r}"
    )


def momentum_value(optimizer, value, dtype):
    """`value` at the optimizer's current step, as a tensor of `dtype`.

    A schedule is called with the counter the base optimizer passes to a
    learning-rate schedule (`_iterations`, see Keras's
    `Optimizer._get_current_learning_rate`), so both see the same step.
    """
    if is_schedule(value):
        return ops.cast(value(optimizer._iterations), dtype)
    return exact_constant(value, dtype)


def exact_constant(value, dtype):
    """A Python number as a tensor of `dtype`, rounded once: from a NumPy
    float64 (TensorFlow's cast of a Python float goes through float32, which
    rounds a float64 optimizer's hyperparameters to float32)."""
    return ops.convert_to_tensor(np.float64(value), dtype)


def one_minus(optimizer, value, dtype):
    """`1 - value` at the current step: a Python float for a float (the
    form Keras's own optimizers use, so they match bit for bit), a tensor
    for a schedule."""
    if is_schedule(value):
        return ops.subtract(1.0, momentum_value(optimizer, value, dtype))
    return 1.0 - value


def serialize_momentum(value):
    if is_schedule(value):
        return keras.optimizers.schedules.serialize(value)
    return value


def deserialize_momentum(value, custom_objects=None):
    if isinstance(value, dict):
        return keras.optimizers.schedules.deserialize(
            value, custom_objects=custom_objects
        )
    return value


class MomentumScheduleMixin:
    """`from_config` for optimizers whose `MOMENTUM_ARGUMENTS` may hold a
    serialized schedule (the base class restores only `learning_rate`)."""

    MOMENTUM_ARGUMENTS = ()

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for name in cls.MOMENTUM_ARGUMENTS:
            if name in config:
                config[name] = deserialize_momentum(config[name], custom_objects)
        return super().from_config(config, custom_objects=custom_objects)

"""Linear warmup in front of any schedule."""

import keras
from keras import ops

from kerasnotes._internal.errors import InputTypeError
from kerasnotes._internal.validation import check_non_negative
from kerasnotes._internal.validation import check_non_negative_int
from kerasnotes._internal.validation import shown
from kerasnotes.schedules._interpolation import as_float_step
from kerasnotes.schedules._interpolation import linear_interpolate

_Schedule = keras.optimizers.schedules.LearningRateSchedule


@keras.saving.register_keras_serializable(package="kerasnotes")
class WarmUp(_Schedule):
    """A linear warmup joined in front of a constant or any schedule.

    With `t` the optimizer's iteration count (0 for the first update), `W =
    warmup_steps`, `lr_s = start_learning_rate` and `f` the wrapped schedule
    (a constant when `schedule` is a float):

    ```
    lr(t) = lr_s + (f(0) - lr_s) * t / W    for t < W
    lr(t) = f(t - W)                         for t >= W
    ```

    The wrapped schedule starts its own count at 0 when the warmup ends, so
    the joined schedule is continuous at `W`. Any schedule works, this
    package's or Keras's, with no special case per schedule: for example
    `WarmUp(keras.optimizers.schedules.CosineDecay(target, D, alpha), W, s)`
    equals `keras.optimizers.schedules.CosineDecay(s, D, alpha,
    warmup_target=target, warmup_steps=W)` at every step. The wrapped schedule
    is saved with it (`keras.saving.serialize_keras_object`).

    Notes: 000, "Learning Rate Schedules", "Warmup".

    Args:
        schedule: A float >= 0 (the rate after the warmup) or a
            `keras.optimizers.schedules.LearningRateSchedule`.
        warmup_steps: Integer >= 0, the number of warmup steps `W`; with 0
            the schedule is `f` itself (as Keras's `CosineDecay` takes
            `warmup_steps=0`).
        start_learning_rate: Float >= 0, the rate at step 0. Defaults to
            `0.0`.

    Example:

    >>> import keras, kerasnotes
    >>> schedule = kerasnotes.schedules.WarmUp(
    ...     kerasnotes.schedules.CosineAnnealing(0.1, decay_steps=1000),
    ...     warmup_steps=100)
    >>> [round(float(schedule(s)), 4) for s in (0, 50, 100, 600)]
    [0.0, 0.05, 0.1, 0.05]
    >>> optimizer = keras.optimizers.AdamW(learning_rate=schedule)

    References:
        - [Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in
          1 Hour", 2017](https://arxiv.org/abs/1706.02677), section 2.2
          (gradual warmup).
        - optax's `join_schedules` / `warmup_cosine_decay_schedule`, the
          design followed here (a warmup joined to any schedule).
    """

    def __init__(self, schedule, warmup_steps, start_learning_rate=0.0):
        if isinstance(schedule, _Schedule):
            self.schedule = schedule
        else:
            try:
                self.schedule = float(check_non_negative("schedule", schedule))
            except InputTypeError:
                raise InputTypeError(
                    "Argument `schedule` must be a float >= 0 or a "
                    "keras.optimizers.schedules.LearningRateSchedule. "
                    f"Received: schedule={shown(schedule)}"
                ) from None
        self.warmup_steps = check_non_negative_int("warmup_steps", warmup_steps)
        self.start_learning_rate = float(
            check_non_negative("start_learning_rate", start_learning_rate)
        )

    def _after(self, step):
        if isinstance(self.schedule, float):
            return ops.convert_to_tensor(self.schedule, "float32")
        return ops.cast(self.schedule(step), "float32")

    def _wrapped_step(self, step):
        """`max(step - W, 0)` for the wrapped schedule, clamped at 0 so that it
        never sees a negative step. An integer step stays an integer of its
        dtype, so a periodic schedule inside gets the exact step past 2^24
        (where float32 cannot count)."""
        if isinstance(step, int) and not isinstance(step, bool):
            step = ops.convert_to_tensor(step, "int64")
        step = ops.convert_to_tensor(step)
        dtype = keras.backend.standardize_dtype(step.dtype)
        if "int" in dtype:
            shift = ops.convert_to_tensor(self.warmup_steps, dtype)
            past = ops.subtract(step, shift)
            # `where`, not `maximum`: Keras's maximum makes int64 float32 on
            # PyTorch.
            return ops.where(ops.greater(past, 0), past, ops.zeros_like(past))
        step = as_float_step(step)
        return ops.maximum(ops.subtract(step, float(self.warmup_steps)), 0.0)

    def __call__(self, step):
        after = self._after(self._wrapped_step(step))
        step = as_float_step(step)
        warmup_steps = float(self.warmup_steps)
        target = self._after(ops.convert_to_tensor(0.0, "float32"))
        # max(W, 1): with W = 0 the warmup part is never taken (and 0 / 0
        # would be NaN in it).
        warm = linear_interpolate(
            self.start_learning_rate,
            target,
            ops.divide(step, max(warmup_steps, 1.0)),
        )
        return ops.where(ops.less(step, warmup_steps), warm, after)

    def get_config(self):
        schedule = self.schedule
        if not isinstance(schedule, float):
            schedule = keras.saving.serialize_keras_object(schedule)
        return {
            "schedule": schedule,
            "warmup_steps": self.warmup_steps,
            "start_learning_rate": self.start_learning_rate,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config["schedule"], dict):
            config["schedule"] = keras.saving.deserialize_keras_object(
                config["schedule"]
            )
        return cls(**config)

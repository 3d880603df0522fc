"""Cosine annealing without restarts."""

import keras
from keras import ops

from kerasnotes._internal.validation import check_at_most
from kerasnotes._internal.validation import check_non_negative
from kerasnotes._internal.validation import check_positive_int
from kerasnotes.schedules._interpolation import as_float_step
from kerasnotes.schedules._interpolation import cosine_interpolate


@keras.saving.register_keras_serializable(package="kerasnotes")
class CosineAnnealing(keras.optimizers.schedules.LearningRateSchedule):
    """Cosine annealing from an initial to a minimal learning rate.

    With `t` the optimizer's iteration count (0 for the first update), `T =
    decay_steps`, `lr_0 = initial_learning_rate` and `lr_min =
    min_learning_rate`:

    ```
    lr(t) = lr_min + 0.5 * (lr_0 - lr_min) * (1 + cos(pi * min(t, T) / T))
    ```

    so `lr(0) = lr_0`, `lr(T / 2)` is the midpoint and the rate stays at
    `lr_min` from step `T` on. This is the notes' cosine annealing (000,
    "Learning Rate Schedules", "Cosine Annealing"), the single cycle of SGDR;
    up to step `T` it equals `torch.optim.lr_scheduler.CosineAnnealingLR(
    T_max=T, eta_min=lr_min)`, which (unlike this schedule) climbs back up
    after `T`. See `CosineAnnealingWarmRestarts` for the restarts.

    Args:
        initial_learning_rate: Float >= 0, the rate at step 0.
        decay_steps: Integer > 0, the number of steps `T` to reach the
            minimum.
        min_learning_rate: Float in [0, initial_learning_rate], the rate from
            step `T` on. Defaults to `0.0`.

    Example:

    >>> import keras, kerasnotes
    >>> schedule = kerasnotes.schedules.CosineAnnealing(0.1, decay_steps=100)
    >>> round(float(schedule(50)), 6)
    0.05
    >>> optimizer = keras.optimizers.SGD(learning_rate=schedule)

    References:
        - [Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm
          Restarts", ICLR 2017](https://arxiv.org/abs/1608.03983), eq. 5.
    """

    def __init__(self, initial_learning_rate, decay_steps, min_learning_rate=0.0):
        check_non_negative("initial_learning_rate", initial_learning_rate)
        self.decay_steps = check_positive_int("decay_steps", decay_steps)
        check_non_negative("min_learning_rate", min_learning_rate)
        check_at_most(
            "min_learning_rate",
            min_learning_rate,
            initial_learning_rate,
            f"initial_learning_rate ({initial_learning_rate!r})",
        )
        self.initial_learning_rate = float(initial_learning_rate)
        self.min_learning_rate = float(min_learning_rate)

    def __call__(self, step):
        decay_steps = float(self.decay_steps)
        t = ops.minimum(as_float_step(step), decay_steps)
        return cosine_interpolate(
            self.initial_learning_rate,
            self.min_learning_rate,
            ops.divide(t, decay_steps),
        )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "min_learning_rate": self.min_learning_rate,
        }

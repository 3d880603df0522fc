"""Cosine annealing with warm restarts (SGDR)."""

import math

import keras
from keras import ops

from kerasnotes._internal.validation import check_at_least
from kerasnotes._internal.validation import check_at_most
from kerasnotes._internal.validation import check_non_negative
from kerasnotes._internal.validation import check_positive
from kerasnotes._internal.validation import check_positive_int
from kerasnotes.schedules._interpolation import as_float_step
from kerasnotes.schedules._interpolation import cosine_interpolate
from kerasnotes.schedules._interpolation import cycle_position


@keras.saving.register_keras_serializable(package="kerasnotes")
class CosineAnnealingWarmRestarts(keras.optimizers.schedules.LearningRateSchedule):
    """Cosine annealing with warm restarts (SGDR).

    The step axis is cut into cycles; cycle `i` (from 0) lasts `T_i = T_0 *
    t_mul^i` steps and starts at `S_i = T_0 * (t_mul^i - 1) / (t_mul - 1)`
    (`S_i = i * T_0` when `t_mul = 1`). With `t` the optimizer's iteration
    count (0 for the first update), `i` the cycle that holds `t` (`S_i <= t <
    S_{i+1}`), `lr_0 = initial_learning_rate` and `lr_min =
    min_learning_rate`:

    ```
    t_cur = t - S_i
    lr(t) = lr_min + 0.5 * (lr_0 - lr_min) * m_mul^i * (1 + cos(pi * t_cur / T_i))
    ```

    Every restart step `S_i` returns the cycle's maximum `lr_min + (lr_0 -
    lr_min) * m_mul^i`; the rate never falls below `lr_min`. With `m_mul = 1`
    and an integer `t_mul` it equals
    `torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(T_0, T_mult,
    eta_min)` at every step. The cycle index is found from a logarithm and
    then corrected by exact comparison with the cycle starts (which are
    integers when `t_mul` is), so float rounding never puts a restart step
    at the end of the previous cycle. (Keras 3.15's `CosineDecayRestarts`
    does, returning the minimum instead of the maximum at some restarts.)
    `m_mul` scales the height above `lr_min`; with `min_learning_rate=0` this
    is Keras's `m_mul`.

    Notes: 000, "Learning Rate Schedules", "Cosine Annealing" (used with warm
    restarts, SGDR).

    Args:
        initial_learning_rate: Float >= 0, the rate at step 0.
        first_decay_steps: Integer > 0, the length `T_0` of the first cycle.
        t_mul: Float >= 1, the factor by which each cycle is longer than the
            one before. Defaults to `2.0`.
        m_mul: Float > 0, the factor by which each cycle's height above
            `min_learning_rate` is scaled at each restart. Defaults to `1.0`.
        min_learning_rate: Float in [0, initial_learning_rate], the rate at
            the end of every cycle. Defaults to `0.0`.

    Example:

    >>> import kerasnotes
    >>> schedule = kerasnotes.schedules.CosineAnnealingWarmRestarts(
    ...     0.1, first_decay_steps=10, t_mul=2.0)
    >>> [round(float(schedule(s)), 4) for s in (0, 5, 10, 20, 30)]
    [0.1, 0.05, 0.1, 0.05, 0.1]

    References:
        - [Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm
          Restarts", ICLR 2017](https://arxiv.org/abs/1608.03983), eq. 5.
    """

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        min_learning_rate=0.0,
    ):
        check_non_negative("initial_learning_rate", initial_learning_rate)
        self.first_decay_steps = check_positive_int(
            "first_decay_steps", first_decay_steps
        )
        check_at_least("t_mul", t_mul, 1.0)
        check_positive("m_mul", m_mul)
        check_non_negative("min_learning_rate", min_learning_rate)
        check_at_most(
            "min_learning_rate",
            min_learning_rate,
            initial_learning_rate,
            f"initial_learning_rate ({initial_learning_rate!r})",
        )
        self.initial_learning_rate = float(initial_learning_rate)
        self.t_mul = float(t_mul)
        self.m_mul = float(m_mul)
        self.min_learning_rate = float(min_learning_rate)

    def _cycle_start(self, cycle):
        """S_i, exact for an integer t_mul (the start is then an integer)."""
        grown = ops.power(self.t_mul, cycle)
        start = ops.multiply(
            ops.subtract(grown, 1.0), self.first_decay_steps / (self.t_mul - 1.0)
        )
        if self.t_mul.is_integer():
            start = ops.round(start)
        return start

    def __call__(self, step):
        first = float(self.first_decay_steps)
        if self.t_mul == 1.0:
            # In integers: exact at any step (float32 steps were wrong from
            # 2^24 + 1).
            cycle, t_cur = cycle_position(step, self.first_decay_steps)
            length = first
        else:
            step = as_float_step(step)
            log_t_mul = math.log(self.t_mul)
            guess = ops.floor(
                ops.divide(
                    ops.log1p(ops.multiply(step, (self.t_mul - 1.0) / first)),
                    log_t_mul,
                )
            )
            guess = ops.maximum(guess, 0.0)
            # The logarithm can be off by one cycle at a restart; the starts
            # decide exactly.
            cycle = ops.where(
                ops.less(step, self._cycle_start(guess)), guess - 1.0, guess
            )
            cycle = ops.where(
                ops.greater_equal(step, self._cycle_start(cycle + 1.0)),
                cycle + 1.0,
                cycle,
            )
            t_cur = ops.subtract(step, self._cycle_start(cycle))
            length = ops.multiply(first, ops.power(self.t_mul, cycle))
            if self.t_mul.is_integer():
                length = ops.round(length)
        peak = self.initial_learning_rate
        if self.m_mul != 1.0:
            height = self.initial_learning_rate - self.min_learning_rate
            peak = ops.add(
                self.min_learning_rate,
                ops.multiply(height, ops.power(self.m_mul, cycle)),
            )
        return cosine_interpolate(
            peak, self.min_learning_rate, ops.divide(t_cur, length)
        )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self.t_mul,
            "m_mul": self.m_mul,
            "min_learning_rate": self.min_learning_rate,
        }

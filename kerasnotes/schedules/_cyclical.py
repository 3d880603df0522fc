"""Cyclical learning rates (Smith 2017)."""

import keras
from keras import ops

from kerasnotes._internal.validation import check_at_least
from kerasnotes._internal.validation import check_non_negative
from kerasnotes._internal.validation import check_one_of
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import check_unit_interval
from kerasnotes.schedules._interpolation import as_float_step
from kerasnotes.schedules._interpolation import cycle_position

MODES = ("triangular", "triangular2", "exp_range")


@keras.saving.register_keras_serializable(package="kerasnotes")
class CyclicalLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """Cyclical learning rate: a triangle wave between two rates.

    With `t` the optimizer's iteration count (0 for the first update), `s =
    step_size` (half a cycle), `lr_lo = initial_learning_rate` and `lr_hi =
    maximal_learning_rate` (Smith 2017, section 3.1):

    ```
    cycle = floor(1 + t / (2 s))                    # 1, 2, ...
    x = |t / s - 2 cycle + 1|                       # 1 at cycle ends, 0 at peaks
    lr(t) = lr_lo + (lr_hi - lr_lo) * max(0, 1 - x) * scale
    ```

    where `scale` is `1` (`mode="triangular"`), `1 / 2^(cycle - 1)` (the
    height halves every cycle, `"triangular2"`) or `gamma^t`
    (`"exp_range"`). The rate is `lr_lo` at steps `0, 2s, 4s, ...` and peaks
    at steps `s, 3s, ...`. It equals `torch.optim.lr_scheduler.CyclicLR(
    base_lr=lr_lo, max_lr=lr_hi, step_size_up=s, mode=mode, gamma=gamma)`
    step for step.

    Notes: 000, "Learning Rate Schedules", "Cyclical Learning Rate (CLR)".

    Args:
        initial_learning_rate: Float >= 0, the lower bound `lr_lo` (the rate
            at step 0).
        maximal_learning_rate: Float >= initial_learning_rate, the upper bound
            `lr_hi`.
        step_size: Integer > 0, the number of steps of half a cycle.
        mode: One of `"triangular"`, `"triangular2"`, `"exp_range"`. Defaults
            to `"triangular"`.
        gamma: Float in (0, 1], the per-step decay of the height in
            `"exp_range"` mode (ignored otherwise). Defaults to `1.0`.

    Example:

    >>> import kerasnotes
    >>> schedule = kerasnotes.schedules.CyclicalLearningRate(
    ...     1e-3, 6e-3, step_size=4, mode="triangular2")
    >>> [round(float(schedule(s)), 6) for s in (0, 2, 4, 8, 12)]
    [0.001, 0.0035, 0.006, 0.001, 0.0035]

    References:
        - [Smith, "Cyclical Learning Rates for Training Neural Networks",
          WACV 2017](https://arxiv.org/abs/1506.01186)
    """

    def __init__(
        self,
        initial_learning_rate,
        maximal_learning_rate,
        step_size,
        mode="triangular",
        gamma=1.0,
    ):
        check_non_negative("initial_learning_rate", initial_learning_rate)
        check_at_least(
            "maximal_learning_rate",
            maximal_learning_rate,
            initial_learning_rate,
            f"initial_learning_rate ({initial_learning_rate!r})",
        )
        self.step_size = check_positive_int("step_size", step_size)
        self.mode = check_one_of("mode", mode, MODES)
        check_unit_interval("gamma", gamma, closed_low=False, closed_high=True)
        self.initial_learning_rate = float(initial_learning_rate)
        self.maximal_learning_rate = float(maximal_learning_rate)
        self.gamma = float(gamma)

    def __call__(self, step):
        half = float(self.step_size)
        # cycle - 1 and the position in the cycle; |position / half - 1| is
        # the notes' |step / half - 2 cycle + 1|, exact at any integer step.
        cycle, position = cycle_position(step, 2 * self.step_size)
        x = ops.abs(ops.subtract(ops.divide(position, half), 1.0))
        height = ops.multiply(
            self.maximal_learning_rate - self.initial_learning_rate,
            ops.maximum(0.0, ops.subtract(1.0, x)),
        )
        if self.mode == "triangular2":
            height = ops.divide(height, ops.power(2.0, cycle))
        elif self.mode == "exp_range":
            height = ops.multiply(height, ops.power(self.gamma, as_float_step(step)))
        return ops.add(self.initial_learning_rate, height)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "maximal_learning_rate": self.maximal_learning_rate,
            "step_size": self.step_size,
            "mode": self.mode,
            "gamma": self.gamma,
        }

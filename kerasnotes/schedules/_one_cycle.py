"""The one-cycle policy (Smith & Topin 2019)."""

import keras
from keras import ops

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import FLOAT32_MAX
from kerasnotes._internal.validation import check_one_of
from kerasnotes._internal.validation import check_positive
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import check_unit_interval
from kerasnotes.schedules._interpolation import as_float_step
from kerasnotes.schedules._interpolation import cosine_interpolate
from kerasnotes.schedules._interpolation import linear_interpolate

STRATEGIES = ("cos", "linear")
_ANNEAL = {"cos": cosine_interpolate, "linear": linear_interpolate}


def check_cycle(total_steps, pct_start):
    """Checks the cycle's length and the rising fraction; returns both.

    The limits are PyTorch's `OneCycleLR`'s: any `total_steps >= 1` and
    `pct_start` in [0, 1), whatever their product. When `pct_start *
    total_steps <= 1` the peak `p = pct_start * T - 1` falls at or before
    step 0 and every step lies on the falling part, as in PyTorch
    (`OneCycle(0.1, total_steps=2)` gives 0.0812, 0.0). PyTorch also takes
    `pct_start=1`, which leaves no falling part and divides by zero at the
    last step; it is refused here.
    """
    total_steps = check_positive_int("total_steps", total_steps)
    pct_start = check_unit_interval("pct_start", pct_start)
    return total_steps, float(pct_start)


def _check_rate(name, value, formula, rate):
    """A derived rate must be finite in float32, the schedule's dtype."""
    if not rate <= FLOAT32_MAX:
        raise InputError(
            f"Argument `{name}` must make `{formula}` finite in float32 "
            f"(<= {FLOAT32_MAX:.8g}); it is {rate!r}. Received: {name}={value!r}"
        )


def one_cycle_value(step, total_steps, pct_start, values, anneal_strategy):
    """The one-cycle curve through `values = (start, peak, end)`: `start` at
    step 0, `peak` at step `pct_start * total_steps - 1`, `end` at step
    `total_steps - 1` and after, each phase annealed by `anneal_strategy`
    (PyTorch's `OneCycleLR` phases, for its rate and for its momentum)."""
    start, peak_value, end = values
    last = float(total_steps - 1)
    step = ops.minimum(as_float_step(step), last)
    peak = pct_start * total_steps - 1.0
    anneal = _ANNEAL[anneal_strategy]
    rising = anneal(start, peak_value, ops.divide(step, peak))
    falling = anneal(peak_value, end, ops.divide(ops.subtract(step, peak), last - peak))
    # `less`, not `less_equal`: both parts give the peak at `step == peak`, and
    # the rising one divides 0 by 0 there when the peak is step 0.
    return ops.where(ops.less(step, peak), rising, falling)


@keras.saving.register_keras_serializable(package="kerasnotes")
class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """One cycle: up from a low rate to the maximum, then far below the start.

    With `t` the optimizer's iteration count (0 for the first update), `T =
    total_steps`, `lr_max = maximal_learning_rate`, `lr_0 = lr_max /
    div_factor`, `lr_end = lr_0 / final_div_factor` and the peak at `p =
    pct_start * T - 1`:

    ```
    t' = min(t, T - 1)
    lr(t) = anneal(lr_0, lr_max, t' / p)                    for t' <= p
    lr(t) = anneal(lr_max, lr_end, (t' - p) / (T - 1 - p))  for t' > p
    anneal(a, b, u) = b + (a - b) * (1 + cos(pi * u)) / 2   ("cos")
    anneal(a, b, u) = a + (b - a) * u                       ("linear")
    ```

    The last of the `T` steps (`t = T - 1`) uses `lr_end`, and the rate stays
    there after it. This is `torch.optim.lr_scheduler.OneCycleLR(max_lr,
    total_steps, pct_start, anneal_strategy, div_factor, final_div_factor,
    three_phase=False)` step for step, including the peak at step `pct_start
    * T - 1` (which may fall between two steps).

    Notes: 000, "Learning Rate Schedules" ("Cyclical Learning Rate", one
    cycle); 004, "Optimizing Learning Rate" (pick `lr_max` with the
    learning-rate finder, `kerasnotes.callbacks.LRFinder`).

    Args:
        maximal_learning_rate: Float > 0, the peak rate.
        total_steps: Integer >= 1, the number of steps of the cycle.
        pct_start: Float in [0, 1), the fraction of the steps spent going up.
            As in PyTorch, a cycle whose peak `pct_start * total_steps - 1`
            falls at or before step 0 (such as `total_steps=2` or `3` with
            the default) only falls; unlike PyTorch, `pct_start=1` (no
            falling part, a division by zero at the last step there) is
            refused. Defaults to `0.3`.
        div_factor: Float > 0, `lr_max / lr_0`; `lr_0` must be finite in
            float32. Defaults to `25.0`.
        final_div_factor: Float > 0, `lr_0 / lr_end`; `lr_end` must be
            finite in float32. Defaults to `1e4`.
        anneal_strategy: `"cos"` or `"linear"`. Defaults to `"cos"`.

    Example:

    >>> import kerasnotes
    >>> schedule = kerasnotes.schedules.OneCycle(0.1, total_steps=100)
    >>> [round(float(schedule(s)), 6) for s in (0, 29, 99)]
    [0.004, 0.1, 0.0]

    References:
        - [Smith & Topin, "Super-Convergence: Very Fast Training of Neural
          Networks Using Large Learning Rates", 2019](
          https://arxiv.org/abs/1708.07120)
        - [Smith, "A disciplined approach to neural network
          hyper-parameters: Part 1", 2018](https://arxiv.org/abs/1803.09820)
    """

    def __init__(
        self,
        maximal_learning_rate,
        total_steps,
        pct_start=0.3,
        div_factor=25.0,
        final_div_factor=1e4,
        anneal_strategy="cos",
    ):
        maximal_learning_rate = check_positive(
            "maximal_learning_rate", maximal_learning_rate
        )
        self.total_steps, self.pct_start = check_cycle(total_steps, pct_start)
        div_factor = check_positive("div_factor", div_factor)
        final_div_factor = check_positive("final_div_factor", final_div_factor)
        initial = maximal_learning_rate / div_factor
        _check_rate(
            "div_factor", div_factor, "maximal_learning_rate / div_factor", initial
        )
        _check_rate(
            "final_div_factor",
            final_div_factor,
            "maximal_learning_rate / div_factor / final_div_factor",
            initial / final_div_factor,
        )
        self.anneal_strategy = check_one_of(
            "anneal_strategy", anneal_strategy, STRATEGIES
        )
        self.maximal_learning_rate = float(maximal_learning_rate)
        self.div_factor = float(div_factor)
        self.final_div_factor = float(final_div_factor)

    def __call__(self, step):
        initial = self.maximal_learning_rate / self.div_factor
        return one_cycle_value(
            step,
            self.total_steps,
            self.pct_start,
            (initial, self.maximal_learning_rate, initial / self.final_div_factor),
            self.anneal_strategy,
        )

    def get_config(self):
        return {
            "maximal_learning_rate": self.maximal_learning_rate,
            "total_steps": self.total_steps,
            "pct_start": self.pct_start,
            "div_factor": self.div_factor,
            "final_div_factor": self.final_div_factor,
            "anneal_strategy": self.anneal_strategy,
        }

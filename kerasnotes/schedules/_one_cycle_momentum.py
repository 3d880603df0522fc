"""The momentum of the one-cycle policy (Smith 2018, section 4.2)."""

import keras

from kerasnotes._internal.validation import check_one_of
from kerasnotes._internal.validation import check_unit_interval
from kerasnotes.schedules._one_cycle import STRATEGIES
from kerasnotes.schedules._one_cycle import check_cycle
from kerasnotes.schedules._one_cycle import one_cycle_value


@keras.saving.register_keras_serializable(package="kerasnotes")
class OneCycleMomentum(keras.optimizers.schedules.LearningRateSchedule):
    """One cycle of momentum: down while the rate rises, up while it falls.

    Smith (2018, section 4.2) finds that a cyclical momentum that moves
    against the learning rate, high momentum where the rate is low and low
    where it peaks, trains faster and tolerates larger rates (notes 004,
    "Momentum" and "Optimizing Learning Rate"). Pass it as `momentum` of
    `NAG` or as `beta_1` of `AdamW`, `AMSGrad` or `RAdam`, beside a
    `OneCycle` rate with the same `total_steps` and `pct_start`. With `t`
    the optimizer's iteration count (0 for the first update), `T =
    total_steps` and the turn at `p = pct_start * T - 1`, where the rate
    peaks:

    ```
    t' = min(t, T - 1)
    momentum(t) = anneal(max_momentum, base_momentum, t' / p)          t' <= p
    momentum(t) = anneal(base_momentum, max_momentum,
                         (t' - p) / (T - 1 - p))                      t' > p
    anneal(a, b, u) = b + (a - b) * (1 + cos(pi * u)) / 2   ("cos")
    anneal(a, b, u) = a + (b - a) * u                       ("linear")
    ```

    This is the momentum `torch.optim.lr_scheduler.OneCycleLR(...,
    cycle_momentum=True, base_momentum, max_momentum, three_phase=False)`
    sets step for step, including a turn between two steps (a non-integer
    `pct_start * T`). Past `total_steps` it stays at `max_momentum`.

    Args:
        total_steps: Integer >= 1, the number of steps of the cycle.
        pct_start: Float in [0, 1), the fraction of the steps spent going
            down; with the turn at or before step 0 (such as `total_steps=2`
            with the default) the momentum only rises, as in PyTorch.
            Defaults to `0.3`.
        base_momentum: Float in [0, 1), the momentum where the rate peaks.
            Defaults to `0.85`.
        max_momentum: Float in [0, 1), the momentum at the start and the end.
            Defaults to `0.95`.
        anneal_strategy: `"cos"` or `"linear"`. Defaults to `"cos"`.

    Example:

    >>> import kerasnotes
    >>> from kerasnotes import optimizers, schedules
    >>> momentum = schedules.OneCycleMomentum(total_steps=100)
    >>> [round(float(momentum(s)), 6) for s in (0, 29, 99)]
    [0.95, 0.85, 0.95]
    >>> opt = optimizers.AdamW(learning_rate=schedules.OneCycle(1e-2, 100),
    ...                        beta_1=momentum)

    References:
        - [Smith, "A disciplined approach to neural network
          hyper-parameters: Part 1", 2018](https://arxiv.org/abs/1803.09820)
        - [Smith & Topin, "Super-Convergence: Very Fast Training of Neural
          Networks Using Large Learning Rates", 2019](
          https://arxiv.org/abs/1708.07120)
    """

    def __init__(
        self,
        total_steps,
        pct_start=0.3,
        base_momentum=0.85,
        max_momentum=0.95,
        anneal_strategy="cos",
    ):
        self.total_steps, self.pct_start = check_cycle(total_steps, pct_start)
        self.base_momentum = float(check_unit_interval("base_momentum", base_momentum))
        self.max_momentum = float(check_unit_interval("max_momentum", max_momentum))
        self.anneal_strategy = check_one_of(
            "anneal_strategy", anneal_strategy, STRATEGIES
        )

    def __call__(self, step):
        return one_cycle_value(
            step,
            self.total_steps,
            self.pct_start,
            (self.max_momentum, self.base_momentum, self.max_momentum),
            self.anneal_strategy,
        )

    def get_config(self):
        return {
            "total_steps": self.total_steps,
            "pct_start": self.pct_start,
            "base_momentum": self.base_momentum,
            "max_momentum": self.max_momentum,
            "anneal_strategy": self.anneal_strategy,
        }

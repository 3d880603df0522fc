"""Step decay."""

import keras
from keras import ops

from kerasnotes._internal.validation import check_non_negative
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import check_unit_interval
from kerasnotes.schedules._interpolation import cycle_position


@keras.saving.register_keras_serializable(package="kerasnotes")
class StepDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Step decay: the rate drops by a constant factor every `step_size` steps.

    With `t` the optimizer's iteration count (0 for the first update):

    ```
    lr(t) = initial_learning_rate * drop_rate ^ floor(t / step_size)
    ```

    This is the notes' step decay and `torch.optim.lr_scheduler.StepLR(
    step_size, gamma=drop_rate)` (counted in optimizer steps; to drop every
    `k` epochs use `step_size = k * steps_per_epoch`).

    Notes: 000, "Learning Rate Schedules", "Step Decay"; 004, "PyTorch
    learning rate scheduler" (StepLR).

    Args:
        initial_learning_rate: Float >= 0, the rate for the first
            `step_size` steps.
        step_size: Integer > 0, the number of steps between drops.
        drop_rate: Float in (0, 1], the factor applied at each drop. Defaults
            to `0.5`.

    Example:

    >>> import kerasnotes
    >>> schedule = kerasnotes.schedules.StepDecay(0.1, step_size=10)
    >>> [round(float(schedule(s)), 4) for s in (0, 9, 10, 25)]
    [0.1, 0.1, 0.05, 0.025]

    References:
        - [He et al., "Deep Residual Learning for Image Recognition", CVPR
          2016](https://arxiv.org/abs/1512.03385) (rate divided by 10 at
          fixed iterations).
        - Goodfellow, Bengio & Courville, "Deep Learning", 2016, section 8.3.1.
    """

    def __init__(self, initial_learning_rate, step_size, drop_rate=0.5):
        check_non_negative("initial_learning_rate", initial_learning_rate)
        self.step_size = check_positive_int("step_size", step_size)
        check_unit_interval("drop_rate", drop_rate, closed_low=False, closed_high=True)
        self.initial_learning_rate = float(initial_learning_rate)
        self.drop_rate = float(drop_rate)

    def __call__(self, step):
        drops, _ = cycle_position(step, self.step_size)  # integer division
        return ops.multiply(
            self.initial_learning_rate, ops.power(self.drop_rate, drops)
        )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "step_size": self.step_size,
            "drop_rate": self.drop_rate,
        }

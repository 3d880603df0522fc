"""Huber loss."""

import keras
import numpy as np
from keras import ops

from kerasnotes._internal import validation as _validation
from kerasnotes.losses._utils import mean_last_axis
from kerasnotes.losses._utils import same_rank


@keras.saving.register_keras_serializable(package="kerasnotes")
class Huber(keras.losses.Loss):
    """Huber loss: quadratic for small errors, linear for large ones.

    With `e = y_pred - y_true`, averaged over the last axis:

    ```
    huber(e) = 0.5 * e^2                        if |e| <= delta
               delta * |e| - 0.5 * delta^2      otherwise
    loss = mean(huber(e), axis=-1)
    ```

    computed as `0.5 q^2 + delta (|e| - q)` with `q = min(|e|, delta)`. The
    gradient is `e` inside `[-delta, delta]` and `delta * sign(e)` outside, so
    an outlier pulls no harder than `delta`. Same values as
    `keras.losses.Huber` for every reduction, sample weight and mask; unlike
    it (Keras 3.15), `delta` survives `get_config`/`from_config` and a
    `.keras` save/load.

    Args:
        delta: Float > 0, where the loss turns from quadratic to linear.
            Defaults to `1.0`.
        reduction: Type of reduction to apply to the loss: `"sum"`,
            `"sum_over_batch_size"`, `"mean"`, `"mean_with_sample_weight"` or
            `None`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"huber_loss"`.
        dtype: Dtype of the loss computation. Defaults to `None` (floatx).

    Example:

    >>> import keras, kerasnotes
    >>> loss = kerasnotes.losses.Huber(delta=2.5)
    >>> float(loss([[0.0, 0.0]], [[1.0, 4.0]]))  # (0.5 + 2.5*4 - 3.125) / 2
    3.6875

    References:
        - [Huber, "Robust Estimation of a Location Parameter", Annals of
          Mathematical Statistics 35(1), 1964](https://doi.org/10.1214/aoms/1177703732)

    Notes passages: 000, "Types of Loss Functions" (Huber Loss); 002, "Loss
    functions" table, row "Huber Loss"; 003, "Types of Loss Function".
    """

    def __init__(
        self,
        delta=1.0,
        reduction="sum_over_batch_size",
        name="huber_loss",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.delta = float(_validation.check_positive("delta", delta))

    def call(self, y_true, y_pred):
        y_true, y_pred = same_rank(y_true, y_pred)
        abs_error = ops.abs(y_pred - y_true)
        # From a NumPy float64: TensorFlow's cast of a Python float goes
        # through float32.
        delta = ops.convert_to_tensor(np.float64(self.delta), abs_error.dtype)
        # `where`, not `ops.minimum` (float32 on PyTorch for float64).
        quadratic = ops.where(abs_error < delta, abs_error, delta)
        linear = abs_error - quadratic
        return mean_last_axis(0.5 * ops.square(quadratic) + delta * linear)

    def get_config(self):
        config = super().get_config()
        config["delta"] = self.delta
        return config

"""Perceptron loss."""

import keras
from keras import ops

from kerasnotes.losses._utils import mean_last_axis
from kerasnotes.losses._utils import same_rank


@keras.saving.register_keras_serializable(package="kerasnotes")
class PerceptronLoss(keras.losses.Loss):
    """Perceptron loss: zero for a correct sign, the margin violation otherwise.

    With labels `y` in {-1, 1}, or in {0, 1} where 0 is read as -1 (any
    label > 0 is the positive class), and raw scores `y_pred` (no
    activation), averaged over the last axis:

    ```
    s = +1 if y_true > 0 else -1
    loss = mean(max(0, -s * y_pred), axis=-1)
    ```

    Only misclassified points contribute, each by how far its score lies on
    the wrong side of 0; their gradient is `-s`, Rosenblatt's update. Unlike
    the hinge loss (`max(0, 1 - s * y_pred)`) there is no margin, so the
    all-zero score is a minimizer: it is a teaching loss, best used with a
    model whose scale is fixed.

    Args:
        reduction: Type of reduction to apply to the loss. Defaults to
            `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"perceptron_loss"`.
        dtype: Dtype of the loss computation. Defaults to `None` (floatx).

    Example:

    >>> import kerasnotes
    >>> loss = kerasnotes.losses.PerceptronLoss()
    >>> float(loss([[1.0], [0.0], [-1.0]], [[2.0], [0.5], [-3.0]]))  # 0.5 / 3
    0.1666666716337204

    References:
        - [Rosenblatt, "The Perceptron: A Probabilistic Model for Information
          Storage and Organization in the Brain", Psychological Review 65(6),
          1958](https://doi.org/10.1037/h0042519)

    Notes passage: 003, "Perceptron Loss Function".
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="perceptron_loss",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        y_true, y_pred = same_rank(y_true, y_pred)
        sign = ops.where(y_true > 0, 1.0, -1.0)
        sign = ops.cast(sign, y_pred.dtype)
        return mean_last_axis(ops.relu(-sign * y_pred))

"""Shape handling shared by the losses."""

from keras import ops


def same_rank(y_true, y_pred):
    """Converts both to tensors of y_pred's dtype and reconciles their ranks.

    As Keras's own losses do: when one has exactly one more axis than the
    other and that last axis has size 1, it is squeezed (a rank-1 partner
    is expanded instead).
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
    true_rank, pred_rank = len(y_true.shape), len(y_pred.shape)
    if true_rank == pred_rank + 1 and y_true.shape[-1] == 1:
        if pred_rank == 1:
            y_pred = ops.expand_dims(y_pred, -1)
        else:
            y_true = ops.squeeze(y_true, -1)
    elif pred_rank == true_rank + 1 and y_pred.shape[-1] == 1:
        if true_rank == 1:
            y_true = ops.expand_dims(y_true, -1)
        else:
            y_pred = ops.squeeze(y_pred, -1)
    return y_true, y_pred


def mean_last_axis(values):
    """The mean over the last axis, in the dtype of `values`.

    A sum divided by the count: Keras's `ops.mean` (and `ops.minimum`,
    `ops.maximum`, `ops.matmul`) compute float64 in float32 on PyTorch (its
    type promotion maps float64 to float32 there), `ops.sum` does not.
    """
    count = values.shape[-1]
    if count is None:
        count = ops.cast(ops.shape(values)[-1], values.dtype)
    return ops.divide(ops.sum(values, axis=-1), count)

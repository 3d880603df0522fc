"""Stochastic weight averaging (SWA) as a callback."""

import warnings

import keras
import numpy as np

from kerasnotes._internal.validation import check_non_negative_int
from kerasnotes._internal.validation import check_positive_int
from kerasnotes.callbacks._batch_norm import batch_norm_layers
from kerasnotes.callbacks._batch_norm import batch_source
from kerasnotes.callbacks._batch_norm import check_supported
from kerasnotes.callbacks._batch_norm import update_batch_norm


class SWA(keras.callbacks.Callback):
    """Stochastic weight averaging: the equal-weight average of the weights
    at the end of chosen epochs replaces the weights when training ends.

    After each epoch `e` (0-based, as `on_epoch_end` counts them, so
    `fit(initial_epoch=...)` counts from there) with `e >= start_epoch` and
    `(e - start_epoch) % frequency == 0`, that is after epochs `start_epoch`,
    `start_epoch + frequency`, `start_epoch + 2 * frequency`, ..., the running
    average of every weight `w` of the model (`model.weights`: trainable and
    non-trainable, batch-normalization statistics included; not the
    optimizer's variables) is updated:

    ```
    avg_1 = w                                  (the first averaged epoch)
    avg_{n+1} = avg_n + (w - avg_n) / (n + 1)  (= the mean of the n + 1 w's)
    ```

    When training ends (`on_train_end`) the model's weights are set to the
    average, then, if `batch_norm_data` is given and the model has
    `BatchNormalization` layers, their moving statistics are recomputed over
    it with `update_batch_norm` (the averaged weights never produced the
    averaged statistics; Izmailov et al., section 3.2). Without
    `batch_norm_data` the moving statistics are the average of the recorded
    ones. If no epoch was averaged (training stopped before `start_epoch`),
    the weights are left as they are, with a warning.

    The averages are NumPy arrays of float32 (float64 for float64 weights),
    never of a lower precision: under mixed precision
    (`keras.config.set_dtype_policy("mixed_float16")`) the weights are
    float32 and so is their average; float16 or bfloat16 weights are
    averaged in float32 and rounded once, when assigned. Weights that are not
    floating point (integer counters) are not averaged and keep their final
    values. Each `fit` starts a new average.

    After training: `.averaged_epochs` lists the epochs averaged,
    `.averaged_weights` holds the average (one array per entry of
    `model.weights`, like `model.get_weights()`; `None` before the first
    averaged epoch), `.batch_norm_updated` says whether the statistics were
    recomputed. Save the averaged model after `fit` (`model.save(...)`).

    With other callbacks in the same `fit`: Keras calls `on_train_end` in
    the order of the `callbacks` list, so the one that sets the weights last
    wins.

    - `callbacks=[EarlyStopping(...), SWA(...)]` (recommended: SWA last):
      the model ends with the average. EarlyStopping decides when training
      stops; with `restore_best_weights=True` it sets the best epoch's
      weights in its `on_train_end` (Keras 3.15 does so whenever it recorded
      a best epoch, stopped early or not) and SWA then overwrites them, so
      that option has no effect and can stay `False`.
    - `callbacks=[SWA(...), EarlyStopping(restore_best_weights=True)]`: SWA
      sets the average, then EarlyStopping replaces all the weights (the
      recomputed batch-norm statistics too) by the best epoch's; the average
      is only in `.averaged_weights`.
    - `ModelCheckpoint` saves during training (in `on_epoch_end`, or after
      batches), before SWA sets the average: its files hold single epochs'
      weights, never the average, whatever the order. EarlyStopping does not
      change the weights in `on_epoch_end`, so the averaged epochs do not
      depend on the order either.

    Use a learning rate that stays high enough during the averaged epochs
    to move the weights around (constant, or cyclical with one cycle per
    `frequency` epochs, averaging at its low points, as in the paper): SWA
    averages the points that SGD visits around a wide minimum, an ensemble
    in weight space at the cost of one model. Notes 000, "OVERFITTING AND
    UNDERFITTING", "Finding the Balance" (averaging lowers the variance
    without adding bias), and "REGULARIZATION"; notes 003, "Overfitting";
    notes 004, "Overfitting and Underfitting:".

    Args:
        start_epoch: Integer >= 0, the first epoch averaged (0-based).
            Defaults to `0`.
        frequency: Integer >= 1, the number of epochs between two averaged
            epochs. Defaults to `1`.
        batch_norm_data: `None`, or the data over which the batch-norm
            statistics are recomputed at the end: anything
            `update_batch_norm` takes (arrays, `(x, y)`, a `tf.data.Dataset`,
            a `keras.utils.PyDataset`); usually the training inputs.
            Defaults to `None` (the statistics are averaged like the other
            weights).
        batch_size: Integer > 0, the batch size for array `batch_norm_data`.
            Keyword only. Defaults to `32`.

    Example:

    >>> import keras, numpy as np, kerasnotes
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(64, 3)).astype("float32")
    >>> y = x @ np.array([[1.0], [-1.0], [0.5]], "float32")
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8),
    ...     keras.layers.BatchNormalization(), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    >>> swa = kerasnotes.callbacks.SWA(start_epoch=1, frequency=2,
    ...                                batch_norm_data=x)
    >>> _ = model.fit(x, y, batch_size=16, epochs=5, callbacks=[swa],
    ...               verbose=0)
    >>> swa.averaged_epochs
    [1, 3]
    >>> swa.batch_norm_updated
    True

    References:
        - [Izmailov et al., "Averaging Weights Leads to Wider Optima and
          Better Generalization", UAI 2018](https://arxiv.org/abs/1803.05407),
          algorithm 1.
        - [`torch.optim.swa_utils.AveragedModel` and
          `update_bn`](https://pytorch.org/docs/stable/optim.html#weight-averaging-swa-and-ema).
    """

    def __init__(
        self, start_epoch=0, frequency=1, batch_norm_data=None, *, batch_size=32
    ):
        super().__init__()
        self.start_epoch = check_non_negative_int("start_epoch", start_epoch)
        self.frequency = check_positive_int("frequency", frequency)
        self.batch_size = check_positive_int("batch_size", batch_size)
        if batch_norm_data is not None:
            batch_source(batch_norm_data, self.batch_size, name="batch_norm_data")
        self.batch_norm_data = batch_norm_data
        self._reset()

    def _reset(self):
        self.averaged_epochs = []
        self.batch_norm_updated = False
        self._variables = None
        self._averages = None

    @property
    def averaged_weights(self):
        """The running average, one NumPy array per entry of `model.weights`
        (copies); `None` before the first averaged epoch."""
        if self._averages is None:
            return None
        return [np.array(average) for average in self._averages]

    def is_averaged_epoch(self, epoch):
        """Whether the weights after (0-based) epoch `epoch` are averaged."""
        return (
            epoch >= self.start_epoch
            and (epoch - self.start_epoch) % self.frequency == 0
        )

    # -- callback hooks ---------------------------------------------------

    def on_train_begin(self, logs=None):
        self._reset()
        if self.batch_norm_data is not None:
            # Refuse batch renormalization now rather than after training.
            check_supported(batch_norm_layers(self.model))

    def on_epoch_end(self, epoch, logs=None):
        if not self.is_averaged_epoch(epoch):
            return
        variables = list(self.model.weights)  # on JAX, reading `model` syncs
        values = [keras.ops.convert_to_numpy(v) for v in variables]
        if self._averages is None:
            self._variables = variables
            self._averages = [
                np.array(value, dtype=_average_dtype(v, value))
                for v, value in zip(variables, values)
            ]
        else:
            if [id(v) for v in variables] != [id(v) for v in self._variables]:
                raise RuntimeError(
                    "SWA: the model's weights changed during training "
                    f"(epoch {epoch}); they cannot be averaged."
                )
            count = len(self.averaged_epochs)
            for variable, average, value in zip(variables, self._averages, values):
                if _is_float(variable):
                    average += (value.astype(average.dtype) - average) / (count + 1)
                else:
                    average[...] = value
        self.averaged_epochs.append(int(epoch))

    def on_train_end(self, logs=None):
        model = self.model
        if not self.averaged_epochs:
            warnings.warn(
                "SWA averaged no epoch: training ended before epoch "
                f"start_epoch={self.start_epoch}. The model keeps its final "
                "weights.",
                UserWarning,
                stacklevel=2,
            )
            return
        for variable, average in zip(self._variables, self._averages):
            if _is_float(variable):
                variable.assign(keras.ops.cast(average, variable.dtype))
        if self.batch_norm_data is not None and batch_norm_layers(model):
            update_batch_norm(model, self.batch_norm_data, batch_size=self.batch_size)
            self.batch_norm_updated = True


def _is_float(variable):
    return "float" in str(variable.dtype)


def _average_dtype(variable, value):
    """float64 for float64 weights, float32 for any other float (never
    lower); the value's own dtype for the rest."""
    dtype = str(variable.dtype)
    if dtype == "float64":
        return np.float64
    if "float" in dtype:
        return np.float32
    return value.dtype

"""The learning-rate range test (learning-rate finder)."""

import math

import keras
import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_positive
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import check_unit_interval


class LRFinder(keras.callbacks.Callback):
    """Learning-rate range test: an exponential sweep run inside `model.fit`.

    At training step `i` (`i = 0, ..., num_steps - 1`) the optimizer's
    learning rate is set to

    ```
    lr_i = start_learning_rate * (end_learning_rate / start_learning_rate) ^ (i / (num_steps - 1))
    ```

    and the loss of that step's batch, `L_i`, is smoothed by a bias-corrected
    exponentially weighted moving average (notes 003, "Exponentially Weighted
    Moving Average"):

    ```
    a_i = smoothing * a_{i-1} + (1 - smoothing) * L_i,   a_{-1} = 0
    s_i = a_i / (1 - smoothing^(i + 1))
    ```

    The sweep stops after `num_steps` steps, or as soon as `s_i > stop_factor
    * min_{j <= i} s_j` or the loss is not finite (the loss diverged). When
    training ends, the model's weights (trainable and not), the optimizer's
    variables (iteration count, slots) and its learning rate are restored to
    what they were before `fit`: the model is bit-identical to before.

    `.learning_rates` and `.losses` hold the sweep (the smoothed losses);
    `.raw_losses` the batch losses; `.stopped_early` tells whether the
    divergence stop fired. `.suggestion()` is the rate at the steepest descent
    of the smoothed loss against `log(lr)`; `.plot()` draws the curve.

    The optimizer must hold a constant learning rate (a float, as
    `keras.optimizers.SGD(0.01)`), which the finder overwrites step by step;
    an optimizer built on a `LearningRateSchedule` raises `ValueError` when
    `fit` starts. Works on the TensorFlow, JAX and PyTorch backends, with or
    without `jit_compile`. The data must provide at least `num_steps` batches
    over the epochs passed to `fit` (`find_learning_rate` takes care of it).

    Notes: 004, "Optimizing Learning Rate" (the learning-rate finder); 003,
    "Exponentially Weighted Moving Average" (bias correction).

    Args:
        start_learning_rate: Float > 0, the first rate. Defaults to `1e-7`.
        end_learning_rate: Float > start_learning_rate, the last rate.
            Defaults to `10.0`.
        num_steps: Integer > 1, the number of steps of the sweep. Defaults to
            `100`.
        smoothing: Float in [0, 1), the EWMA factor. Defaults to `0.98`.
        stop_factor: Float > 1; stop when the smoothed loss exceeds this
            factor times the best one. Defaults to `4.0`.

    Example:

    >>> import keras, numpy as np, kerasnotes
    >>> x = np.random.default_rng(0).normal(size=(256, 4)).astype("float32")
    >>> y = x @ np.array([1.0, -2.0, 0.5, 3.0], "float32")
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    >>> finder = kerasnotes.callbacks.LRFinder(1e-4, 10.0, num_steps=60)
    >>> _ = model.fit(x, y, batch_size=32, epochs=8, callbacks=[finder],
    ...               verbose=0)
    >>> 1e-4 < finder.suggestion() < 10.0
    True

    References:
        - [Smith, "Cyclical Learning Rates for Training Neural Networks",
          WACV 2017](https://arxiv.org/abs/1506.01186), section 3.3 (the
          "LR range test").
        - [fastai's `lr_find`](https://docs.fast.ai/callback.schedule.html#lrfinder)
          (exponential sweep, smoothed loss, stop at 4x the best).
    """

    def __init__(
        self,
        start_learning_rate=1e-7,
        end_learning_rate=10.0,
        num_steps=100,
        smoothing=0.98,
        stop_factor=4.0,
    ):
        super().__init__()
        check_positive("start_learning_rate", start_learning_rate)
        check_positive("end_learning_rate", end_learning_rate)
        if end_learning_rate <= start_learning_rate:
            raise InputError(
                "Argument `end_learning_rate` must be > start_learning_rate "
                f"({start_learning_rate!r}). "
                f"Received: end_learning_rate={end_learning_rate!r}"
            )
        self.num_steps = check_positive_int("num_steps", num_steps)
        if self.num_steps < 2:
            raise InputError(
                f"Argument `num_steps` must be > 1. Received: num_steps={num_steps!r}"
            )
        check_unit_interval("smoothing", smoothing)
        check_positive("stop_factor", stop_factor)
        if stop_factor <= 1:
            raise InputError(
                "Argument `stop_factor` must be > 1. "
                f"Received: stop_factor={stop_factor!r}"
            )
        self.start_learning_rate = float(start_learning_rate)
        self.end_learning_rate = float(end_learning_rate)
        self.smoothing = float(smoothing)
        self.stop_factor = float(stop_factor)
        self._reset()

    def _reset(self):
        self.learning_rates = []
        self.losses = []
        self.raw_losses = []
        self.stopped_early = False
        self._average = 0.0
        self._best = math.inf
        self._step = 0
        self._saved = None

    def rate_at(self, step):
        """The swept learning rate at sweep step `step`."""
        ratio = self.end_learning_rate / self.start_learning_rate
        return self.start_learning_rate * ratio ** (step / (self.num_steps - 1))

    # -- callback hooks ---------------------------------------------------

    def on_train_begin(self, logs=None):
        self._reset()
        model = self.model
        optimizer = model.optimizer
        # A constant rate is a variable (which the sweep assigns); with a
        # schedule or a callable, `learning_rate` is its value at this step.
        if not isinstance(optimizer.learning_rate, keras.Variable):
            raise InputError(
                "LRFinder needs an optimizer with a constant learning rate "
                "(a float); this one uses a schedule or a callable. Compile "
                "the model with, e.g., keras.optimizers.SGD(0.01) for the sweep."
            )
        if not optimizer.built:
            optimizer.build(model.trainable_variables)
        self._saved = {
            "weights": [np.array(w) for w in model.get_weights()],
            "optimizer": [
                np.array(keras.ops.convert_to_numpy(v)) for v in optimizer.variables
            ],
        }

    def on_train_batch_begin(self, batch, logs=None):
        model = self.model  # on JAX, reading `model` syncs the state
        model.optimizer.learning_rate = self.rate_at(self._step)
        # Keras logs the running mean of the epoch; resetting the metrics
        # makes the logged loss that of this batch alone.
        model.reset_metrics()

    def on_train_batch_end(self, batch, logs=None):
        loss = float(np.asarray(keras.ops.convert_to_numpy(logs["loss"])))
        step = self._step
        self._step += 1
        self.learning_rates.append(self.rate_at(step))
        self.raw_losses.append(loss)
        if not math.isfinite(loss):
            self.losses.append(loss)
            self.stopped_early = True
            self.model.stop_training = True
            return
        self._average = self.smoothing * self._average + (1 - self.smoothing) * loss
        smoothed = self._average / (1 - self.smoothing ** (step + 1))
        self.losses.append(smoothed)
        self._best = min(self._best, smoothed)
        if step > 0 and smoothed > self.stop_factor * self._best:
            self.stopped_early = True
            self.model.stop_training = True
        elif self._step >= self.num_steps:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self._saved is None:
            return
        model = self.model
        model.set_weights(self._saved["weights"])
        for variable, value in zip(model.optimizer.variables, self._saved["optimizer"]):
            variable.assign(value)
        self._saved = None

    # -- results ----------------------------------------------------------

    def suggestion(self, skip_start=None, skip_end=1):
        """The learning rate where the smoothed loss falls fastest.

        The slope is `d(smoothed loss) / d(log lr)` by central differences
        (`numpy.gradient`); the rate at its minimum is returned.

        Args:
            skip_start: Points left out at the start (the smoothed curve is
                least reliable there). Defaults to a tenth of the points.
            skip_end: Points left out at the end (where the loss blew up).
                Defaults to `1`.
        """
        rates = np.asarray(self.learning_rates, dtype=np.float64)
        losses = np.asarray(self.losses, dtype=np.float64)
        finite = np.isfinite(losses)
        rates, losses = rates[finite], losses[finite]
        if skip_start is None:
            skip_start = len(losses) // 10
        stop = len(losses) - skip_end if skip_end else len(losses)
        rates, losses = rates[skip_start:stop], losses[skip_start:stop]
        if len(losses) < 3:
            raise RuntimeError(
                "LRFinder recorded too few finite losses for a suggestion "
                f"({len(losses)} after skipping); run the sweep first, with "
                "more steps or a smaller start_learning_rate."
            )
        slopes = np.gradient(losses, np.log(rates))
        return float(rates[int(np.argmin(slopes))])

    def plot(self, path=None, ax=None):
        """Draws smoothed loss against learning rate (log axis), the
        suggestion marked. Saves to `path` when given; returns the axes."""
        from kerasnotes.plot import plot_lr_finder

        return plot_lr_finder(self, path=path, ax=ax)

"""The learning-rate range test (learning-rate finder)."""

import math
import warnings

import keras
import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_positive
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import check_unit_interval
from kerasnotes.callbacks._lr_suggestion import suggest


class LRFinderWarning(UserWarning):
    """`LRFinder.suggestion()` found no clear suggestion (and returns None);
    the message says why.

    Example:

    A flat loss curve never falls, so there is no rate to suggest:

    >>> import warnings
    >>> from kerasnotes.callbacks import LRFinder, LRFinderWarning
    >>> finder = LRFinder(1e-4, 1.0, num_steps=21)
    >>> finder.learning_rates = [1e-4 * 10 ** (i / 5) for i in range(21)]
    >>> finder.losses = [1.0] * 21
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always", LRFinderWarning)
    ...     print(finder.suggestion())
    None
    >>> [str(w.message) for w in caught if w.category is LRFinderWarning]
    ['LRFinder has no clear suggestion: the loss never clearly fell ...']
    """


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
    of the loss against `log(lr)` before its minimum, or None when the sweep
    shows no clear one (see its docstring: it is an upper value, the peak of
    a one-cycle schedule, not a safe constant rate); `.plot()` draws the
    curve.

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
        """The learning rate where the loss falls fastest before its minimum,
        or None when the sweep shows no clear one.

        The rule works on the batch losses (`.raw_losses`; `.losses` when
        no batch losses were recorded), not on the lagging EWMA:

        1. a centred running median over `2 w + 1` points, `w = max(1, n //
           20)` for `n` finite losses (no lag; a spike of a few batches does
           not move it);
        2. the points from `skip_start` to `n - skip_end` (and never the
           `w` points at either end, where the window is cut), up to the
           minimum of that curve; its non-increasing least-squares fit there
           (a bump before the minimum becomes a level stretch);
        3. the main descent: the deepest run of points where that fit falls,
           over `2 w` points, by more than the noise (three standard
           deviations, estimated from the batch losses) and more than a
           twentieth of its whole fall;
        4. the point of that descent where the fit falls fastest per unit of
           `log(lr)` (over `i - w .. i + w`): its rate is returned.

        It returns None, and warns with `LRFinderWarning` saying why, when
        too few points are left, when the loss never fell by more than its
        noise (a flat curve), when the loss was lowest at the last point and
        still falling there at more than 3/4 of the steepest rate (the range
        ended inside the descent: sweep to a larger `end_learning_rate`), or
        when it was already falling that fast at the first point kept
        (sweep from a smaller `start_learning_rate`).

        What the rate is for: it is where the loss fell fastest during a
        sweep in which the rate grew all the time, an estimate of the
        largest useful rate rather than a safe constant one. Use it as the
        peak of a one-cycle schedule (`kerasnotes.schedules.OneCycle(
        maximal_learning_rate=suggestion, ...)`), or, for a constant rate,
        start about three times below it, especially with momentum: in the
        sweep the momentum carried the smaller rates of the steps before, at
        a constant rate it does not (on the 8x8 digits with SGD and momentum
        0.9, a constant three times the suggestion did not train while a
        one-cycle peak there mostly did; docs/callbacks.md has the table).

        Args:
            skip_start: Points left out at the start. Defaults to
                `max(w, n // 10)`.
            skip_end: Points left out at the end (where the loss blew up).
                Defaults to `1`.

        Returns:
            A float, or None.

        Raises:
            RuntimeError: Nothing recorded yet (run the sweep first).
        """
        result = self._suggest(skip_start, skip_end)
        if result.learning_rate is None:
            warnings.warn(
                f"LRFinder has no clear suggestion: {result.reason}.",
                LRFinderWarning,
                stacklevel=2,
            )
        return result.learning_rate

    def _suggest(self, skip_start=None, skip_end=1):
        """`suggestion()`'s outcome with its reason, without warning (a
        `kerasnotes.callbacks._lr_suggestion.Suggestion`)."""
        if not self.losses:
            raise RuntimeError(
                "LRFinder has recorded no losses; run the sweep first "
                "(`model.fit` with the callback, or `find_learning_rate`)."
            )
        losses = self.raw_losses
        if len(losses) != len(self.losses):  # recorded by hand, not by a sweep
            losses = self.losses
        return suggest(
            self.learning_rates, losses, skip_start=skip_start, skip_end=skip_end
        )

    def plot(self, path=None, ax=None):
        """Draws smoothed loss against learning rate (log axis), the
        suggestion marked. Saves to `path` when given; returns the axes."""
        from kerasnotes.plot import plot_lr_finder

        return plot_lr_finder(self, path=path, ax=ax)
